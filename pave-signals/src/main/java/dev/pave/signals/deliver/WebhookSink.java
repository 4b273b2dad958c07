package dev.pave.signals.deliver;

import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.schema.CloudEventEnvelope;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.schema.SignalJson;
import dev.pave.signals.store.Codec;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs each notice as canonical JSON, a structured CloudEvent, or a binary CloudEvent
 * ({@code ce-*} headers, canonical JSON as data). With {@code batch} above 1, a request carries
 * up to that many notices in order, as a JSON array of canonical signals or as a CloudEvents
 * batch ({@code application/cloudevents-batch+json}); the receiver tells retries apart by each
 * element's id, as a batch may be cut differently when it is sent again. With an HMAC secret,
 * {@code X-Pave-Timestamp} (epoch seconds) and {@code X-Pave-Signature: sha256=HEX} of
 * "timestamp.body" let the receiver check origin and freshness. {@code X-Pave-Signal-Id} (one
 * notice per request) is the same on every retry.
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
  public int batchSize() {
    return cfg.batch();
  }

  @Override
  public void deliverAll(List<Notice> notices) throws DeliveryException {
    if (cfg.batch() == 1) {
      for (Notice n : notices) {
        deliver(n);
      }
      return;
    }
    HttpRequest.Builder r = http.request(cfg.url());
    List<Object> events = new ArrayList<>(notices.size());
    if (cfg.format() == SinkConfig.WebhookFormat.CLOUDEVENTS_STRUCTURED) {
      notices.forEach(n -> events.add(CloudEventEnvelope.structured(n)));
      r.header("Content-Type", "application/cloudevents-batch+json; charset=utf-8");
    } else {
      notices.forEach(n -> events.add(SignalJson.of(n)));
      r.header("Content-Type", "application/json");
    }
    send(r, Codec.encode(events).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void deliver(Notice n) throws DeliveryException {
    if (cfg.batch() > 1) {
      deliverAll(List.of(n));
      return;
    }
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
    send(r, body);
  }

  private void send(HttpRequest.Builder r, byte[] body) throws DeliveryException {
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
