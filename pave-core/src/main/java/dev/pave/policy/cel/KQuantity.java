package dev.pave.policy.cel;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity ("500m", "1Gi", "1e3") as CEL's {@code kubernetes.Quantity}:
 * exact decimal value, compared by value, so {@code quantity("1Gi") == quantity("1024Mi")}.
 */
public record KQuantity(BigDecimal value, String text) implements Comparable<KQuantity> {
  private static final Pattern FORMAT = Pattern.compile(
      "^([+-]?)(\\d+(?:\\.\\d*)?|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?$");
  private static final Map<String, BigDecimal> SUFFIX = Map.ofEntries(
      Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
      Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")),
      Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
      Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
      Map.entry("E", new BigDecimal("1e18")),
      Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
      Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
      Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

  /** Parses a quantity as Kubernetes does, or throws with Kubernetes' wording. */
  public static KQuantity parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("quantities must match the regular expression"
          + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    BigDecimal number = new BigDecimal(m.group(2));
    String suffix = m.group(3);
    if (suffix != null) {
      number = suffix.startsWith("e") || suffix.startsWith("E")
          ? number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)))
          : number.multiply(SUFFIX.get(suffix));
    }
    return new KQuantity(m.group(1).equals("-") ? number.negate() : number, text);
  }

  public static boolean valid(String text) {
    return FORMAT.matcher(text).matches();
  }

  @Override
  public int compareTo(KQuantity o) {
    return value.compareTo(o.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KQuantity q && value.compareTo(q.value) == 0;
  }

  @Override
  public int hashCode() {
    return value.stripTrailingZeros().hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
