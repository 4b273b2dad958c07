package dev.pave.signals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable identifiers: equal inputs give equal ids on every process and after every restart. */
public final class Ids {
  private Ids() {}

  /** The first {@code hexChars} hex digits of the SHA-256 of the parts joined by a separator. */
  public static String hash(int hexChars, String... parts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        d.update((p == null ? "" : p).getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0x1f);
      }
      return HexFormat.of().formatHex(d.digest()).substring(0, hexChars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A signal id from its de-duplication key. */
  public static String signalId(String dedupKey) {
    return hash(32, "signal", dedupKey);
  }
}
