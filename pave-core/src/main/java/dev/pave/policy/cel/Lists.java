package dev.pave.policy.cel;

import dev.cel.runtime.CelEvaluationException;
import java.util.List;

/** Kubernetes' list library: isSorted, sum, min, max, indexOf, lastIndexOf. */
final class Lists {
  private Lists() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compare(Object a, Object b) throws CelEvaluationException {
    if (a instanceof Comparable ca && b != null && a.getClass() == b.getClass()) {
      return ca.compareTo(b);
    }
    if (a instanceof Number na && b instanceof Number nb) {
      return Double.compare(na.doubleValue(), nb.doubleValue());
    }
    if (a instanceof com.google.protobuf.ByteString x
        && b instanceof com.google.protobuf.ByteString y) {
      return com.google.protobuf.ByteString.unsignedLexicographicalComparator().compare(x, y);
    }
    throw new CelEvaluationException("no such overload: cannot compare "
        + (a == null ? "null" : a.getClass().getSimpleName()) + " and "
        + (b == null ? "null" : b.getClass().getSimpleName()));
  }

  static boolean isSorted(List<?> l) throws CelEvaluationException {
    for (int i = 1; i < l.size(); i++) {
      if (compare(l.get(i - 1), l.get(i)) > 0) {
        return false;
      }
    }
    return true;
  }

  static Object sum(List<?> l) throws CelEvaluationException {
    if (l.isEmpty()) {
      return 0L;
    }
    Object first = l.get(0);
    if (first instanceof Long) {
      long s = 0;
      for (Object o : l) {
        try {
          s = Math.addExact(s, (Long) o);
        } catch (ArithmeticException e) {
          throw new CelEvaluationException("integer overflow");
        }
      }
      return s;
    }
    if (first instanceof Double) {
      double s = 0;
      for (Object o : l) {
        s += (Double) o;
      }
      return s;
    }
    if (first instanceof com.google.common.primitives.UnsignedLong) {
      com.google.common.primitives.UnsignedLong s = com.google.common.primitives.UnsignedLong.ZERO;
      for (Object o : l) {
        s = s.plus((com.google.common.primitives.UnsignedLong) o);
      }
      return s;
    }
    if (first instanceof KQuantity) {
      java.math.BigDecimal s = java.math.BigDecimal.ZERO;
      for (Object o : l) {
        s = s.add(((KQuantity) o).value());
      }
      return new KQuantity(s, s.stripTrailingZeros().toPlainString());
    }
    throw new CelEvaluationException("no such overload: sum of "
        + first.getClass().getSimpleName());
  }

  static Object extreme(List<?> l, int sign, String name) throws CelEvaluationException {
    if (l.isEmpty()) {
      throw new CelEvaluationException(name + " called on empty list");
    }
    Object best = l.get(0);
    for (Object o : l) {
      if (compare(o, best) * sign > 0) {
        best = o;
      }
    }
    return best;
  }

  static int indexOf(List<?> l, Object x, boolean last) {
    int found = -1;
    for (int i = 0; i < l.size(); i++) {
      if (java.util.Objects.equals(l.get(i), x)) {
        if (!last) {
          return i;
        }
        found = i;
      }
    }
    return found;
  }
}
