package dev.pave.signals.config;

import java.nio.charset.StandardCharsets;

/** A credential read from a file. Its text never appears in logs, errors or toString. */
public final class Secret {
  private final byte[] value;
  private final String from;

  public Secret(byte[] value, String from) {
    this.value = value.clone();
    this.from = from;
  }

  public static Secret of(String value) {
    return new Secret(value.getBytes(StandardCharsets.UTF_8), "inline");
  }

  public String text() {
    return new String(value, StandardCharsets.UTF_8);
  }

  public byte[] bytes() {
    return value.clone();
  }

  /** Constant-time comparison, so response times do not reveal how much of a guess matched. */
  public boolean matches(String candidate) {
    return candidate != null && java.security.MessageDigest.isEqual(value,
        candidate.getBytes(StandardCharsets.UTF_8));
  }

  /** Same value (constant time); lets a reloaded configuration compare equal when unchanged. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && java.security.MessageDigest.isEqual(value, s.value);
  }

  @Override
  public int hashCode() {
    return value.length;
  }

  @Override
  public String toString() {
    return "<secret from " + from + ">";
  }
}
