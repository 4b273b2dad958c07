package dev.pave.policy.cel;

import java.util.Arrays;

/**
 * An IP address as CEL's {@code net.IP}, parsed from text only (never a host-name lookup).
 * Like Kubernetes, IPv4-mapped IPv6 addresses and zones are rejected.
 */
public record KIp(byte[] bytes, String text) {

  public static KIp parse(String text) {
    if (text.contains("%")) {
      throw new IllegalArgumentException("IP address with zone value is not allowed");
    }
    byte[] b = text.contains(":") ? v6(text) : v4(text);
    if (b == null) {
      throw new IllegalArgumentException("IP Address \"" + text + "\" parse error during"
          + " conversion from string: ParseAddr(\"" + text + "\"): unable to parse IP");
    }
    if (b.length == 16 && isMapped(b)) {
      throw new IllegalArgumentException("IPv4-mapped IPv6 address \"" + text
          + "\" is not allowed");
    }
    return new KIp(b, text);
  }

  public static boolean valid(String text) {
    return KubernetesLibrary.parses(() -> parse(text));
  }

  static byte[] v4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      // Leading zeros are ambiguous (octal in some parsers) and rejected, as Go does.
      if (!p.matches("\\d{1,3}") || (p.length() > 1 && p.startsWith("0"))
          || Integer.parseInt(p) > 255) {
        return null;
      }
      b[i] = (byte) Integer.parseInt(p);
    }
    return b;
  }

  static byte[] v6(String text) {
    String s = text;
    byte[] tail4 = null;
    int lastColon = s.lastIndexOf(':');
    if (s.indexOf('.', lastColon) > 0) {
      tail4 = v4(s.substring(lastColon + 1));
      if (tail4 == null) {
        return null;
      }
      s = s.substring(0, lastColon + 1) + "0:0";
    }
    int dbl = s.indexOf("::");
    if (dbl != s.lastIndexOf("::") && dbl >= 0) {
      return null;
    }
    String[] head = dbl >= 0 ? split(s.substring(0, dbl)) : split(s);
    String[] tail = dbl >= 0 ? split(s.substring(dbl + 2)) : new String[0];
    int groups = head.length + tail.length;
    if ((dbl < 0 && groups != 8) || groups > (dbl >= 0 ? 7 : 8)) {
      return null;
    }
    byte[] b = new byte[16];
    int i = 0;
    for (String g : head) {
      if (!put(b, i++, g)) {
        return null;
      }
    }
    i = 8 - tail.length;
    for (String g : tail) {
      if (!put(b, i++, g)) {
        return null;
      }
    }
    if (tail4 != null) {
      System.arraycopy(tail4, 0, b, 12, 4);
    }
    return b;
  }

  private static String[] split(String s) {
    return s.isEmpty() ? new String[0] : s.split(":", -1);
  }

  private static boolean put(byte[] b, int group, String g) {
    if (!g.matches("[0-9a-fA-F]{1,4}")) {
      return false;
    }
    int v = Integer.parseInt(g, 16);
    b[group * 2] = (byte) (v >> 8);
    b[group * 2 + 1] = (byte) v;
    return true;
  }

  private static boolean isMapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }

  int family() {
    return bytes.length == 4 ? 4 : 6;
  }

  boolean isUnspecified() {
    for (byte x : bytes) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  boolean isLoopback() {
    if (bytes.length == 4) {
      return (bytes[0] & 0xff) == 127;
    }
    for (int i = 0; i < 15; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[15] == 1;
  }

  boolean isLinkLocalMulticast() {
    return bytes.length == 4
        ? (bytes[0] & 0xff) == 224 && bytes[1] == 0 && bytes[2] == 0
        : (bytes[0] & 0xff) == 0xff && (bytes[1] & 0x0f) == 0x02;
  }

  boolean isLinkLocalUnicast() {
    return bytes.length == 4
        ? (bytes[0] & 0xff) == 169 && (bytes[1] & 0xff) == 254
        : (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xc0) == 0x80;
  }

  boolean isGlobalUnicast() {
    if (bytes.length == 4) {
      boolean broadcast = (bytes[0] & bytes[1] & bytes[2] & bytes[3] & 0xff) == 0xff;
      return !isUnspecified() && !isLoopback() && !isLinkLocalUnicast()
          && (bytes[0] & 0xf0) != 0xe0 && !broadcast;
    }
    return !isUnspecified() && !isLoopback() && !isLinkLocalUnicast()
        && (bytes[0] & 0xff) != 0xff;
  }

  /** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
  String canonical() {
    if (bytes.length == 4) {
      return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "."
          + (bytes[3] & 0xff);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append(i == 0 ? "::" : ":");
        i += bestLen - 1;
        continue;
      }
      sb.append(Integer.toHexString(g[i]));
      if (i < 7) {
        sb.append(':');
      }
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KIp ip && Arrays.equals(bytes, ip.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return canonical();
  }
}
