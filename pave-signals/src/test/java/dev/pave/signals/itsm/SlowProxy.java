package dev.pave.signals.itsm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

/**
 * An HTTP proxy in front of a ticket system that makes a create's outcome unknown to the
 * client while the system does create the ticket: it reads the whole request first, so it is
 * forwarded even after the client gave up, then may hold it before forwarding (the system
 * commits after the client's timeout), hold the answer (the create outlives the timeout) or
 * drop the answer (lost on the network). Other requests pass through unchanged.
 */
final class SlowProxy implements AutoCloseable {
  /** What happens to one create: waits before forwarding and before answering, or no answer. */
  record Fault(Duration beforeForward, Duration beforeAnswer, boolean dropAnswer) {
    static Fault commitsAfterTimeout(Duration forward, Duration answer) {
      return new Fault(forward, answer, false);
    }

    static Fault answerLost() {
      return new Fault(Duration.ZERO, Duration.ZERO, true);
    }
  }

  private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length",
      "expect", "upgrade", "transfer-encoding", "keep-alive");

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final HttpClient client = HttpClient.newHttpClient();
  private final String upstream;
  private final BiPredicate<String, String> isCreate;
  private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
  /** Creates received from clients, and forwarded to the system. */
  final AtomicInteger createsReceived = new AtomicInteger();
  final AtomicInteger createsForwarded = new AtomicInteger();

  /** A proxy to {@code upstream}; {@code isCreate} tells a create by method and path. */
  SlowProxy(String upstream, BiPredicate<String, String> isCreate) {
    this.upstream = upstream.replaceAll("/+$", "");
    this.isCreate = isCreate;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(pool);
    server.createContext("/", this::serve);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next create (one per call, in order) meets this fault. */
  void nextCreate(Fault f) {
    faults.add(f);
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String method = ex.getRequestMethod();
      boolean create = isCreate.test(method, ex.getRequestURI().getRawPath());
      Fault f = create ? faults.poll() : null;
      if (create) {
        createsReceived.incrementAndGet();
      }
      if (f != null) {
        sleep(f.beforeForward());
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream
          + ex.getRequestURI())).timeout(Duration.ofSeconds(60))
          .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body));
      ex.getRequestHeaders().forEach((k, vs) -> {
        if (!NOT_FORWARDED.contains(k.toLowerCase())) {
          vs.forEach(v -> b.header(k, v));
        }
      });
      HttpResponse<byte[]> res;
      try {
        res = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (create) {
        createsForwarded.incrementAndGet();
      }
      if (f != null) {
        sleep(f.beforeAnswer());
        if (f.dropAnswer()) {
          // Headers promising a body that never comes, then the connection closes.
          ex.sendResponseHeaders(res.statusCode(), 4096);
          ex.getResponseBody().write('{');
          ex.getResponseBody().flush();
          return;
        }
      }
      for (String h : List.of("Content-Type", "Location")) {
        res.headers().firstValue(h).ifPresent(v -> ex.getResponseHeaders().add(h, v));
      }
      byte[] out = res.body();
      ex.sendResponseHeaders(res.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        ex.getResponseBody().write(out);
      }
    } catch (IOException e) {
      // The client gave up while the answer was held: what the proxy is for.
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
