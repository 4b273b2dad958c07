package dev.pave.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which Kubernetes release's Pod Security checks the pod-security packs apply, as a namespace's
 * {@code pod-security.kubernetes.io/enforce-version} label picks them: checks newer than the
 * version are left out and changed checks behave as they did then. The packs read it as their
 * {@code version} parameter (the minor number), so whatever builds an engine from
 * {@link PolicySettings} (check, fix, admission, audit) applies the same version.
 *
 * @param minor the minor version: 36 is v1.36
 */
public record PodSecurityVersion(int minor) {
  /** The release the packs follow; {@code latest} is this one. */
  public static final int LATEST_MINOR = 36;
  /** The first release with Pod Security Admission; older checks are not modelled. */
  public static final int OLDEST_MINOR = 22;
  /** The parameter of the pod-security packs that holds the minor version. */
  public static final String PARAMETER = "version";
  static final java.util.List<String> PACKS = java.util.List.of("pod-security-baseline",
      "pod-security-restricted");

  public PodSecurityVersion {
    if (minor < OLDEST_MINOR) {
      throw new IllegalArgumentException("Pod Security version v1." + minor + " is older than"
          + " v1." + OLDEST_MINOR + ", the first release with Pod Security Admission");
    }
  }

  public static PodSecurityVersion latest() {
    return new PodSecurityVersion(LATEST_MINOR);
  }

  /**
   * A version as PSA's labels write it: {@code latest} or {@code v1.NN}. A version newer than
   * the packs follow is taken as the newest they know, as PSA does with a version newer than
   * its own checks.
   */
  public static PodSecurityVersion parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.equals("latest")) {
      return latest();
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("v1\\.(0|[1-9][0-9]{0,3})")
        .matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid Pod Security version \"" + t + "\": expected"
          + " latest or v1.NN (v1." + OLDEST_MINOR + " to v1." + LATEST_MINOR + "), e.g. v1."
          + LATEST_MINOR);
    }
    return new PodSecurityVersion(Math.min(Integer.parseInt(m.group(1)), LATEST_MINOR));
  }

  /** The version the parameters hold, or the latest when they name none. */
  public static PodSecurityVersion of(Map<String, Map<String, Object>> parameters) {
    Map<String, Object> p = parameters.get(PACKS.get(0));
    return p != null && p.get(PARAMETER) instanceof Number n
        ? new PodSecurityVersion(n.intValue()) : latest();
  }

  /** The parameters with this version set on both pod-security packs. */
  public Map<String, Map<String, Object>> applyTo(Map<String, Map<String, Object>> parameters) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>(parameters);
    for (String pack : PACKS) {
      Map<String, Object> p = new LinkedHashMap<>(out.getOrDefault(pack, Map.of()));
      p.put(PARAMETER, (long) minor);
      out.put(pack, p);
    }
    return out;
  }

  @Override
  public String toString() {
    return "v1." + minor;
  }
}
