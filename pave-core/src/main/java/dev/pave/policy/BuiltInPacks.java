package dev.pave.policy;

import dev.pave.spec.Document;
import dev.pave.spec.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The packs shipped in the jar, as data files next to this class. */
public final class BuiltInPacks {
  public static final List<String> NAMES = List.of("pod-security-baseline",
      "pod-security-restricted", "platform", "reliability");

  private BuiltInPacks() {}

  /**
   * Every built-in pack by name, in the order of {@link #NAMES}. Read once per process: they
   * are part of the jar and are never changed once read.
   */
  public static Map<String, Document<Policy>> all() {
    Map<String, Document<Policy>> read = packs;
    if (read == null) {
      synchronized (BuiltInPacks.class) {
        read = packs;
        if (read == null) {
          // Kept only once read whole: a failure is thrown again to the next caller.
          read = java.util.Collections.unmodifiableMap(read());
          packs = read;
        }
      }
    }
    return read;
  }

  private static volatile Map<String, Document<Policy>> packs;

  /**
   * Reads the packs now, for a shell to call on a thread of its own as it starts: reading
   * and binding them is a tenth of a second that a short check would otherwise wait for.
   */
  public static void prepare() {
    all();
  }

  private static Map<String, Document<Policy>> read() {
    Map<String, Document<Policy>> out = new LinkedHashMap<>();
    for (String name : NAMES) {
      String file = "packs/" + name + ".yaml";
      try (InputStream in = BuiltInPacks.class.getResourceAsStream(file)) {
        if (in == null) {
          throw new IllegalStateException("built-in pack missing from the jar: " + file);
        }
        PolicyReader.Result r = PolicyReader.read("builtin:" + name,
            new String(in.readAllBytes(), StandardCharsets.UTF_8));
        if (!r.problems().isEmpty()) {
          throw new IllegalStateException("built-in pack " + name + " is invalid: "
              + r.problems().stream().map(Problem::format).toList());
        }
        out.put(name, r.policies().get(0));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read built-in pack " + name, e);
      }
    }
    return out;
  }

  /** The named packs plus the packs they require, each once, in a stable order. */
  public static List<Document<Policy>> select(Map<String, Document<Policy>> available,
      List<String> names) {
    List<String> wanted = new ArrayList<>();
    for (String n : names) {
      addWithRequirements(available, n, wanted);
    }
    List<Document<Policy>> out = new ArrayList<>();
    for (String n : available.keySet()) {
      if (wanted.contains(n)) {
        out.add(available.get(n));
      }
    }
    return out;
  }

  private static void addWithRequirements(Map<String, Document<Policy>> available, String name,
      List<String> wanted) {
    if (wanted.contains(name)) {
      return;
    }
    Document<Policy> p = available.get(name);
    if (p == null) {
      throw new IllegalArgumentException(name);
    }
    wanted.add(name);
    if (p.value().spec().requires() != null) {
      for (String r : p.value().spec().requires()) {
        addWithRequirements(available, r, wanted);
      }
    }
  }
}
