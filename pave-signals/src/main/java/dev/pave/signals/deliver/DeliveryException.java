package dev.pave.signals.deliver;

/** A delivery that did not succeed; permanent ones (the sink refused the notice) are not retried. */
public final class DeliveryException extends Exception {
  private final boolean permanent;

  public DeliveryException(String message, boolean permanent) {
    super(message);
    this.permanent = permanent;
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
