package dev.pave.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The digest form of a last-applied record, as the operator's caches keep it: equal records
 * have equal digests, and a digest is never mistaken for a record (a record is JSON).
 */
final class LastApplied {
  private static final String PREFIX = "sha256:";

  private LastApplied() {}

  static boolean isDigest(String value) {
    return value.startsWith(PREFIX);
  }

  static String digest(String record) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(record.getBytes(StandardCharsets.UTF_8));
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
