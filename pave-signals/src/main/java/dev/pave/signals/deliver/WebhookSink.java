package dev.pave.signals.deliver;

import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.schema.CloudEventEnvelope;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.schema.SignalJson;
import dev.pave.signals.store.Codec;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs each notice as canonical JSON, a structured CloudEvent, or a binary CloudEvent
 * ({@code ce-*} headers, canonical JSON as data). With an HMAC secret, {@code X-Pave-Timestamp}
 * (epoch seconds) and {@code X-Pave-Signature: sha256=HEX} of "timestamp.body" let the receiver
 * check origin and freshness. {@code X-Pave-Signal-Id} is the same on every retry.
 */
public final class WebhookSink implements Sink {
  public static final String SIGNATURE = "X-Pave-Signature";
  public static final String TIMESTAMP = "X-Pave-Timestamp";

  private final SinkConfig.Webhook cfg;
  private final Http http;
  private final Clock clock;

  public WebhookSink(SinkConfig.Webhook cfg, Clock clock) {
    this.cfg = cfg;
    this.clock = clock;
    this.http = new Http(cfg.name(), cfg.tls(), cfg.delivery().timeout());
  }

  @Override
  public String name() {
    return cfg.name();
  }

  @Override
  public void deliver(Notice n) throws DeliveryException {
    HttpRequest.Builder r = http.request(cfg.url());
    byte[] body;
    switch (cfg.format()) {
      case JSON -> {
        body = Codec.encode(SignalJson.of(n)).getBytes(StandardCharsets.UTF_8);
        r.header("Content-Type", "application/json");
      }
      case CLOUDEVENTS_STRUCTURED -> {
        body = Codec.encode(CloudEventEnvelope.structured(n)).getBytes(StandardCharsets.UTF_8);
        r.header("Content-Type", "application/cloudevents+json; charset=utf-8");
      }
      default -> {
        body = Codec.encode(SignalJson.of(n)).getBytes(StandardCharsets.UTF_8);
        for (Map.Entry<String, String> a : CloudEventEnvelope.attributes(n).entrySet()) {
          if (!a.getKey().equals("datacontenttype")) {
            r.header("ce-" + a.getKey(), a.getValue());
          }
        }
        r.header("Content-Type", "application/json");
      }
    }
    r.header("X-Pave-Signal-Id", n.signal().signal().id());
    if (cfg.bearerToken() != null) {
      r.header("Authorization", "Bearer " + cfg.bearerToken().text());
    }
    if (cfg.hmacSecret() != null) {
      String ts = String.valueOf(clock.instant().getEpochSecond());
      r.header(TIMESTAMP, ts);
      r.header(SIGNATURE, "sha256=" + hmac(cfg.hmacSecret().bytes(), ts, body));
    }
    http.expectOk(r.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), "webhook");
  }

  /** HEX(HMAC-SHA256(secret, timestamp + "." + body)). */
  public static String hmac(byte[] secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
