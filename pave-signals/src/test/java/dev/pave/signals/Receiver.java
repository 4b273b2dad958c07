package dev.pave.signals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A local HTTP endpoint standing in for a webhook receiver; its answer can be switched. */
public final class Receiver implements AutoCloseable {
  /** One request as received. */
  public record Request(String method, String path, Map<String, List<String>> headers,
      String body) {
    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  public final List<Request> requests = new CopyOnWriteArrayList<>();
  public final AtomicInteger status = new AtomicInteger(200);
  public final AtomicInteger delayMillis = new AtomicInteger();
  /** Bodies answered 503 whatever the status says. */
  public volatile java.util.function.Predicate<String> refuse = body -> false;
  /** Bodies answered 400 (refused for good) whatever the status says. */
  public volatile java.util.function.Predicate<String> reject = body -> false;
  private final HttpServer server;

  public Receiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      int delay = delayMillis.get();
      if (delay > 0) {
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      String text = new String(body, StandardCharsets.UTF_8);
      int s = reject.test(text) ? 400 : refuse.test(text) ? 503 : status.get();
      if (s / 100 == 2) {
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().toString(),
            Map.copyOf(ex.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
      }
      ex.sendResponseHeaders(s, -1);
      ex.close();
    });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
