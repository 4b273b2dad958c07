package dev.pave.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * /healthz (the process answers), /readyz (the operator runs and reaches the API server) and
 * /metrics (Prometheus), on one small HTTP server for the kubelet and Prometheus.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  public HealthServer(String host, int port, BooleanSupplier ready, OperatorMetrics metrics)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext("/healthz", ex -> send(ex, 200, "text/plain", "ok\n"));
    server.createContext("/readyz", ex -> {
      boolean ok = ready.getAsBoolean();
      send(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n"
          : "not ready: the operator is starting or cannot reach the API server\n");
    });
    server.createContext("/metrics", ex -> send(ex, 200,
        "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange ex, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
