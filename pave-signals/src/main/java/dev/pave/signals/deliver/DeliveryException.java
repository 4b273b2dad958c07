package dev.pave.signals.deliver;

/** A delivery that did not succeed; permanent ones (the sink refused the notice) are not retried. */
public final class DeliveryException extends Exception {
  private final boolean permanent;
  private final java.time.Instant notBefore;

  public DeliveryException(String message, boolean permanent) {
    this(message, permanent, null);
  }

  private DeliveryException(String message, boolean permanent, java.time.Instant notBefore) {
    super(message);
    this.permanent = permanent;
    this.notBefore = notBefore;
  }

  /**
   * Not a failure of the sink: the notice must wait until {@code at} (a create whose outcome
   * is unknown, until the sink's search can show it). No attempt is used, the circuit stays.
   */
  public static DeliveryException notBefore(String message, java.time.Instant at) {
    return new DeliveryException(message, false, at);
  }

  /** When a notice told to wait may go; null for real failures. */
  public java.time.Instant notBefore() {
    return notBefore;
  }

  public boolean permanent() {
    return permanent;
  }

  /** HTTP status classes: 408, 425, 429 and 5xx are worth retrying, other 4xx are not. */
  public static DeliveryException ofStatus(String what, int status, String body) {
    boolean retry = status == 408 || status == 425 || status == 429 || status >= 500;
    String detail = body == null ? "" : body.length() > 200 ? body.substring(0, 200) : body;
    return new DeliveryException(what + " answered HTTP " + status
        + (detail.isBlank() ? "" : ": " + detail.strip()), !retry);
  }
}
