package dev.pave.spec;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environments every installation starts with, and how files override them: a file's
 * Environment replaces only the fields it sets, so {@code prod} with just a domain keeps the
 * built-in floor of two replicas.
 */
public final class Environments {
  private Environments() {}

  public static Map<String, Environment> builtIn() {
    Map<String, Environment> out = new LinkedHashMap<>();
    out.put("dev", env("dev", new EnvironmentSpec("dev", null, "dev.example.com", null, null, 1,
        Size.SMALL, false, null, EnvironmentSpec.PolicyLevel.RESTRICTED, false, false, null,
        null, null, null, null)));
    out.put("staging", env("staging", new EnvironmentSpec("staging", null,
        "staging.example.com", null, null, 1, Size.SMALL, true, null,
        EnvironmentSpec.PolicyLevel.RESTRICTED, false, false, null, null, null, null, null)));
    out.put("prod", env("prod", new EnvironmentSpec("prod", null, "prod.example.com", null,
        null, 2, Size.SMALL, true, null, EnvironmentSpec.PolicyLevel.RESTRICTED, true, true, null,
        null, null, null, null)));
    return out;
  }

  /** Built-in environments with the given ones laid over them by name. */
  public static Map<String, Environment> with(Collection<Environment> overrides) {
    Map<String, Environment> out = builtIn();
    for (Environment e : overrides) {
      Environment base = out.get(e.name());
      out.put(e.name(), base == null ? e
          : new Environment(e.apiVersion(), e.kind(), e.metadata(),
              Records.overlay(base.spec(), e.spec())));
    }
    return out;
  }

  private static Environment env(String name, EnvironmentSpec spec) {
    return new Environment(Application.API_VERSION, Environment.KIND,
        new Metadata(name, null, null, null), spec);
  }
}
