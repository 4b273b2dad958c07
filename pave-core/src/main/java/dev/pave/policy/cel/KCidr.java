package dev.pave.policy.cel;

/** A CIDR range as CEL's {@code net.CIDR}: an address and a prefix length. */
public record KCidr(KIp address, int bits) {

  public static KCidr parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0 || !text.substring(slash + 1).matches("\\d{1,3}")) {
      throw new IllegalArgumentException("network address parse error during conversion from"
          + " string: network address parse error during conversion from string: netip.ParsePrefix(\""
          + text + "\"): no '/'");
    }
    KIp ip = KIp.parse(text.substring(0, slash));
    int bits = Integer.parseInt(text.substring(slash + 1));
    if (bits > ip.bytes().length * 8) {
      throw new IllegalArgumentException("network address parse error during conversion from"
          + " string: netip.ParsePrefix(\"" + text + "\"): prefix length out of range");
    }
    return new KCidr(ip, bits);
  }

  public static boolean valid(String text) {
    return KubernetesLibrary.parses(() -> parse(text));
  }

  boolean contains(KIp ip) {
    if (ip.bytes().length != address.bytes().length) {
      return false;
    }
    for (int i = 0; i < bits; i++) {
      if (bit(ip.bytes(), i) != bit(address.bytes(), i)) {
        return false;
      }
    }
    return true;
  }

  boolean contains(KCidr other) {
    return other.bits >= bits && contains(other.address);
  }

  KCidr masked() {
    byte[] b = address.bytes().clone();
    for (int i = bits; i < b.length * 8; i++) {
      b[i / 8] &= (byte) ~(0x80 >> (i % 8));
    }
    KIp ip = new KIp(b, null);
    return new KCidr(new KIp(b, ip.canonical()), bits);
  }

  private static int bit(byte[] b, int i) {
    return (b[i / 8] >> (7 - i % 8)) & 1;
  }

  @Override
  public String toString() {
    return address.canonical() + "/" + bits;
  }
}
