package dev.pave.control.webhook;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The admission webhook over HTTPS: AdmissionReview v1 JSON in, AdmissionReview out, one path
 * per handler. The serving certificate is asked for on every handshake, so a renewed one is
 * used without a restart.
 */
public final class WebhookServer implements AutoCloseable {
  /** Kubernetes sends at most 3 MiB objects; a review is bounded a little above that. */
  static final int MAX_BODY = 4 * 1024 * 1024;
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS).build();

  static {
    // The JDK server reads this once, when its first server starts. Without it each answer,
    // written as more than one TLS record, can wait for the API server's delayed ACK.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpsServer server;
  private final ExecutorService workers;

  /**
   * Serves {@code handlers} (path to a function from review to review) on {@code port}, with
   * the certificate {@code certificate} gives at the moment of each handshake.
   */
  public WebhookServer(String host, int port, Supplier<Certificates.Issued> certificate,
      Map<String, Function<Map<String, Object>, Map<String, Object>>> handlers, int threads)
      throws IOException {
    server = HttpsServer.create(new InetSocketAddress(host, port), 0);
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(new KeyManager[] {new CurrentKey(certificate)}, null, null);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS for the webhook: " + e.getMessage(), e);
    }
    handlers.forEach((path, handler) -> server.createContext(path, ex -> handle(ex, handler)));
    server.createContext("/healthz", ex -> send(ex, 200, "text/plain", "ok\n".getBytes(
        StandardCharsets.UTF_8)));
    workers = Executors.newFixedThreadPool(threads);
    server.setExecutor(workers);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @SuppressWarnings("unchecked")
  private static void handle(HttpExchange ex,
      Function<Map<String, Object>, Map<String, Object>> handler) throws IOException {
    if (!"POST".equals(ex.getRequestMethod())) {
      send(ex, 405, "text/plain", "POST an AdmissionReview\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      send(ex, 413, "text/plain", "review too large\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    Map<String, Object> review;
    try {
      review = JSON.readValue(body, Map.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      send(ex, 400, "text/plain", ("not an AdmissionReview: " + e.getOriginalMessage() + "\n")
          .getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (!(review.get("request") instanceof Map)) {
      send(ex, 400, "text/plain", "not an AdmissionReview: no request\n"
          .getBytes(StandardCharsets.UTF_8));
      return;
    }
    send(ex, 200, "application/json", JSON.writeValueAsBytes(handler.apply(review)));
  }

  private static void send(HttpExchange ex, int code, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }

  /** Presents whatever certificate is current at the handshake. */
  private static final class CurrentKey extends X509ExtendedKeyManager {
    private static final String ALIAS = "pave-webhook";
    private final Supplier<Certificates.Issued> source;

    CurrentKey(Supplier<Certificates.Issued> source) {
      this.source = source;
    }

    private String aliasFor(String keyType) {
      Certificates.Issued c = source.get();
      return c != null && c.key().getAlgorithm().equals(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers,
        SSLEngine engine) {
      return aliasFor(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      String a = aliasFor(keyType);
      return a == null ? null : new String[] {a};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      Certificates.Issued c = source.get();
      return c == null ? null : c.chain();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      Certificates.Issued c = source.get();
      return c == null ? null : c.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
