package dev.pave.render;

import dev.pave.spec.Application;
import dev.pave.spec.Environment;
import dev.pave.spec.ReadResult;
import dev.pave.spec.SpecReader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/** Reads test specs through the real reader, failing loudly if they are not valid. */
public final class Specs {
  private Specs() {}

  public static final String HEAD = """
      apiVersion: pave.dev/v1alpha1
      kind: Application
      metadata:
        name: checkout
      spec:
        team: payments
        image: registry.example.com/payments/checkout:1.4.2
      """;

  public static Application app(String extraSpecLines) {
    return read(HEAD + extraSpecLines.indent(2)).applications().get(0).value();
  }

  public static Environment env(String yaml) {
    return read(yaml).environments().get(0).value();
  }

  static ReadResult read(String yaml) {
    ReadResult r = SpecReader.read("test.yaml", yaml);
    if (!r.ok()) {
      throw new AssertionError("test spec is invalid: " + r.problems());
    }
    return r;
  }

  @SuppressWarnings("unchecked")
  public static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
    List<HasMetadata> found = objects.stream().filter(type::isInstance).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
    }
    return (T) found.get(0);
  }

  public static List<String> kinds(List<HasMetadata> objects) {
    return objects.stream().map(HasMetadata::getKind).toList();
  }
}
