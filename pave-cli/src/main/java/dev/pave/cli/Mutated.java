package dev.pave.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pave.policy.MutatingPolicies;
import dev.pave.render.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rendered objects as admission would store them after MutatingAdmissionPolicies. Each comes
 * back as the model class it was rendered as, so its output is written as any other's.
 */
final class Mutated {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Mutated() {}

  /** The objects mutated; each object a policy denies adds a line to {@code denied}. */
  static List<HasMetadata> apply(MutatingPolicies policies, List<HasMetadata> objects,
      List<String> denied) {
    List<HasMetadata> out = new ArrayList<>(objects.size());
    for (HasMetadata o : objects) {
      Map<String, Object> before = Manifests.toMap(o);
      MutatingPolicies.Result r = policies.mutate(before, null);
      String name = o.getKind() + "/" + o.getMetadata().getName();
      r.errors().forEach(e -> denied.add(name + ": " + e));
      out.add(r.applied().isEmpty() ? o : model(r.object(), o.getClass()));
    }
    return out;
  }

  /** Through JSON text: fabric8's IntOrString reads a number token, not a Long value. */
  private static HasMetadata model(Map<String, Object> object,
      Class<? extends HasMetadata> type) {
    try {
      return MAPPER.readValue(MAPPER.writeValueAsString(object), type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot read back a mutated " + type.getSimpleName(), e);
    }
  }
}
