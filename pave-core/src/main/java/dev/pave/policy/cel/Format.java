package dev.pave.policy.cel;

import dev.cel.runtime.CelEvaluationException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kubernetes' {@code string.format(list)}: %s, %d, %f (with precision), %e, %b, %o, %x, %X and
 * %%, with its errors for arguments of the wrong type or number.
 */
final class Format {
  private Format() {}

  static String format(String template, List<?> args) throws CelEvaluationException {
    StringBuilder out = new StringBuilder();
    int arg = 0;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (++i >= template.length()) {
        throw new CelEvaluationException("unexpected end of format string");
      }
      Integer precision = null;
      if (template.charAt(i) == '.') {
        int start = ++i;
        while (i < template.length() && Character.isDigit(template.charAt(i))) {
          i++;
        }
        precision = Integer.parseInt(template.substring(start, i));
        if (i >= template.length()) {
          throw new CelEvaluationException("unexpected end of format string");
        }
      }
      char verb = template.charAt(i);
      if (verb == '%') {
        out.append('%');
        continue;
      }
      if (arg >= args.size()) {
        throw new CelEvaluationException("index " + arg + " out of range");
      }
      Object v = args.get(arg++);
      out.append(switch (verb) {
        case 's' -> string(v);
        case 'd' -> integer(v, 10, verb);
        case 'b' -> v instanceof Boolean ? string(v) : integer(v, 2, verb);
        case 'o' -> integer(v, 8, verb);
        case 'x', 'X' -> {
          String s = v instanceof String str ? hex(str.getBytes(java.nio.charset.StandardCharsets.UTF_8))
              : v instanceof com.google.protobuf.ByteString b ? hex(b.toByteArray())
              : integer(v, 16, verb);
          yield verb == 'X' ? s.toUpperCase(Locale.ROOT) : s;
        }
        case 'f' -> String.format(Locale.ROOT, "%." + (precision == null ? 6 : precision) + "f",
            number(v, verb));
        case 'e' -> String.format(Locale.ROOT, "%." + (precision == null ? 6 : precision) + "e",
            number(v, verb));
        default -> throw new CelEvaluationException("could not parse formatting clause:"
            + " unrecognized formatting clause \"" + verb + "\"");
      });
    }
    return out.toString();
  }

  private static String hex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }

  private static String string(Object v) {
    if (v instanceof List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < l.size(); i++) {
        sb.append(i > 0 ? ", " : "").append(string(l.get(i)));
      }
      return sb.append(']').toString();
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      int i = 0;
      for (Map.Entry<?, ?> e : new java.util.TreeMap<>(m).entrySet()) {
        sb.append(i++ > 0 ? ", " : "").append(string(e.getKey())).append(": ")
            .append(string(e.getValue()));
      }
      return sb.append('}').toString();
    }
    if (v instanceof Double d) {
      return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf(d.longValue())
          : String.valueOf(d);
    }
    return String.valueOf(v);
  }

  private static String integer(Object v, int radix, char verb) throws CelEvaluationException {
    if (v instanceof Long l) {
      return l < 0 ? "-" + Long.toString(-l, radix) : Long.toString(l, radix);
    }
    if (v instanceof com.google.common.primitives.UnsignedLong u) {
      return u.toString(radix);
    }
    throw new CelEvaluationException("error during formatting: integer clause can only be used"
        + " on integers, was given " + typeName(v) + " (verb %" + verb + ")");
  }

  private static double number(Object v, char verb) throws CelEvaluationException {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new CelEvaluationException("error during formatting: fixed-point clause can only be"
        + " used on doubles, was given " + typeName(v) + " (verb %" + verb + ")");
  }

  private static String typeName(Object v) {
    if (v instanceof String) {
      return "string";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof List) {
      return "list";
    }
    if (v instanceof Map) {
      return "map";
    }
    return v == null ? "null_type" : v.getClass().getSimpleName();
  }
}
