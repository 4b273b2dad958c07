package dev.pave.signals.deliver;

import dev.pave.signals.config.SinkConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The HTTP client every HTTP sink uses, with its timeout and TLS trust. */
final class Http {
  private final HttpClient client;
  private final Duration timeout;
  private final String sink;

  Http(String sink, SinkConfig.Tls tls, Duration timeout) {
    this.sink = sink;
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(timeout)
        .sslContext(Tls.context(tls)).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(timeout);
  }

  /** Sends and returns the response; network failures are retryable delivery failures. */
  HttpResponse<String> send(HttpRequest r) throws DeliveryException {
    try {
      return client.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DeliveryException(sink + ": " + r.method() + " " + r.uri().getHost() + ":"
          + r.uri().getPort() + " failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException(sink + ": interrupted", false);
    }
  }

  /** Sends and requires a 2xx answer. */
  HttpResponse<String> expectOk(HttpRequest r, String what) throws DeliveryException {
    HttpResponse<String> res = send(r);
    if (res.statusCode() / 100 != 2) {
      throw DeliveryException.ofStatus(sink + ": " + what, res.statusCode(), res.body());
    }
    return res;
  }

  /** The answer's JSON body; a body that is not JSON is a retryable failure. */
  static com.fasterxml.jackson.databind.JsonNode json(String sink, HttpResponse<String> res)
      throws DeliveryException {
    try {
      return dev.pave.signals.store.Codec.json().readTree(res.body());
    } catch (IOException e) {
      throw new DeliveryException(sink + ": answer is not JSON (HTTP " + res.statusCode() + ")",
          false);
    }
  }
}
