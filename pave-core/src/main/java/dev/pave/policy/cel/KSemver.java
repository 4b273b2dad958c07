package dev.pave.policy.cel;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A semantic version as CEL's {@code kubernetes.Semver}: strict semver 2.0.0 parsing with the
 * error wording of the Go library Kubernetes uses, and precedence as the specification orders it
 * (build metadata ignored, a pre-release before its release).
 */
public record KSemver(long major, long minor, long patch, List<String> pre, List<String> build)
    implements Comparable<KSemver> {
  private static final String NUMBERS = "0123456789";
  private static final String ALPHANUM =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-" + NUMBERS;

  /** Parses strictly: {@code MAJOR.MINOR.PATCH[-pre][+build]}, no leading v, no leading 0s. */
  public static KSemver parse(String s) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException("Version string empty");
    }
    String[] parts = s.split("\\.", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("No Major.Minor.Patch elements found");
    }
    long major = number(parts[0], "Major", "major");
    long minor = number(parts[1], "Minor", "minor");
    String rest = parts[2];
    int cut = indexOfAny(rest, "+-");
    String patchText = cut < 0 ? rest : rest.substring(0, cut);
    long patch = number(patchText, "Patch", "patch");
    List<String> pre = new ArrayList<>();
    List<String> build = new ArrayList<>();
    if (cut >= 0) {
      String tail = rest.substring(cut);
      String prePart = null;
      String buildPart = null;
      if (tail.startsWith("-")) {
        int plus = tail.indexOf('+');
        prePart = plus < 0 ? tail.substring(1) : tail.substring(1, plus);
        buildPart = plus < 0 ? null : tail.substring(plus + 1);
      } else {
        buildPart = tail.substring(1);
      }
      if (prePart != null) {
        for (String p : prePart.split("\\.", -1)) {
          pre.add(preRelease(p));
        }
      }
      if (buildPart != null) {
        for (String b : buildPart.split("\\.", -1)) {
          if (b.isEmpty()) {
            throw new IllegalArgumentException("Build meta data is empty");
          }
          if (!only(b, ALPHANUM)) {
            throw new IllegalArgumentException(
                "Invalid character(s) found in build meta data \"" + b + "\"");
          }
          build.add(b);
        }
      }
    }
    return new KSemver(major, minor, patch, List.copyOf(pre), List.copyOf(build));
  }

  /**
   * Kubernetes' lenient form: a leading v is dropped, missing minor and patch become 0 and
   * leading zeros are dropped from the numbers, then the result is parsed strictly.
   */
  public static KSemver parseNormalized(String s) {
    String v = s.startsWith("v") ? s.substring(1) : s;
    int cut = indexOfAny(v, "+-");
    String core = cut < 0 ? v : v.substring(0, cut);
    String tail = cut < 0 ? "" : v.substring(cut);
    String[] nums = core.split("\\.", -1);
    if (nums.length > 3) {
      return parse(v);
    }
    List<String> fixed = new ArrayList<>();
    for (String n : nums) {
      String t = n.replaceFirst("^0+(?=.)", "");
      fixed.add(t);
    }
    while (fixed.size() < 3) {
      fixed.add("0");
    }
    return parse(String.join(".", fixed) + tail);
  }

  public static boolean valid(String s, boolean normalize) {
    try {
      if (normalize) {
        parseNormalized(s);
      } else {
        parse(s);
      }
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static long number(String text, String title, String lower) {
    if (text.isEmpty() || !only(text, NUMBERS)) {
      throw new IllegalArgumentException(
          "Invalid character(s) found in " + lower + " number \"" + text + "\"");
    }
    if (text.length() > 1 && text.charAt(0) == '0') {
      throw new IllegalArgumentException(
          title + " number must not contain leading zeroes \"" + text + "\"");
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid character(s) found in " + lower + " number \"" + text + "\"");
    }
  }

  private static String preRelease(String p) {
    if (p.isEmpty()) {
      throw new IllegalArgumentException("Prerelease is empty");
    }
    if (only(p, NUMBERS)) {
      if (p.length() > 1 && p.charAt(0) == '0') {
        throw new IllegalArgumentException(
            "Numeric PreRelease version must not contain leading zeroes \"" + p + "\"");
      }
    } else if (!only(p, ALPHANUM)) {
      throw new IllegalArgumentException(
          "Invalid character(s) found in prerelease \"" + p + "\"");
    }
    return p;
  }

  private static boolean only(String s, String allowed) {
    for (int i = 0; i < s.length(); i++) {
      if (allowed.indexOf(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public int compareTo(KSemver o) {
    int c = Long.compare(major, o.major);
    if (c == 0) {
      c = Long.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Long.compare(patch, o.patch);
    }
    if (c != 0) {
      return c;
    }
    // A version without pre-release identifiers ranks above one with them.
    if (pre.isEmpty() || o.pre.isEmpty()) {
      return Boolean.compare(pre.isEmpty(), o.pre.isEmpty());
    }
    for (int i = 0; i < Math.min(pre.size(), o.pre.size()); i++) {
      int d = comparePre(pre.get(i), o.pre.get(i));
      if (d != 0) {
        return d;
      }
    }
    return Integer.compare(pre.size(), o.pre.size());
  }

  private static int comparePre(String a, String b) {
    boolean an = only(a, NUMBERS);
    boolean bn = only(b, NUMBERS);
    if (an && bn) {
      return new BigInteger(a).compareTo(new BigInteger(b));
    }
    if (an != bn) {
      return an ? -1 : 1;
    }
    return Integer.signum(a.compareTo(b));
  }

  /** Equal as CEL's == sees it: the same precedence, build metadata aside. */
  @Override
  public boolean equals(Object o) {
    return o instanceof KSemver s && compareTo(s) == 0;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(major, minor, patch, pre);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch + (pre.isEmpty() ? "" : "-" + String.join(".", pre))
        + (build.isEmpty() ? "" : "+" + String.join(".", build));
  }
}
