package dev.pave.control.webhook;

import java.time.Duration;
import java.time.Instant;

/**
 * When the webhook's certificates are renewed: the serving certificate when a third of its
 * life is left, the CA when a third of its life is left. While a new CA takes over, both are
 * in the caBundle, so API servers that still hold the old bundle keep trusting the webhook.
 */
public record Rotation(Duration caValidity, Duration servingValidity) {
  public static final Rotation DEFAULT = new Rotation(Duration.ofDays(5 * 365),
      Duration.ofDays(90));

  /** What to do now, given the current CA and serving certificate (either may be absent). */
  public Action decide(Instant caNotAfter, Instant servingNotAfter, Instant now) {
    if (caNotAfter == null || now.isAfter(caNotAfter.minus(caValidity.dividedBy(3)))) {
      return Action.NEW_AUTHORITY;
    }
    if (servingNotAfter == null || servingNotAfter.isAfter(caNotAfter)
        || now.isAfter(servingNotAfter.minus(servingValidity.dividedBy(3)))) {
      return Action.NEW_SERVING_CERTIFICATE;
    }
    return Action.KEEP;
  }

  /** The outcome of {@link #decide}. */
  public enum Action {
    KEEP,
    NEW_SERVING_CERTIFICATE,
    /** A new CA was added to the bundle; the current one still signs. */
    TRUST_NEW_AUTHORITY,
    /** A new CA signs (at first start, or once the bundle with it had time to spread). */
    NEW_AUTHORITY
  }
}
