package dev.pave.signals.itsm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The HTTP plumbing of the local stand-ins for ITSM services: authentication by Basic or
 * Bearer header, a log of requests, and two faults the tests switch on: answering 503 for a
 * while, and dropping the connection after a create was committed (the answer is lost).
 */
abstract class FakeApi implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received, for assertions. */
  record Call(String method, String path, String authorization, String body) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Requests to answer 503 before behaving normally again. */
  final AtomicInteger unavailable = new AtomicInteger();
  /** Creates whose answer is lost: the record is stored, then the connection is closed. */
  final AtomicInteger loseCreateAnswers = new AtomicInteger();
  private final String basic;
  private final String bearer;
  private final HttpServer server;

  FakeApi(String user, String password, String bearerToken) {
    this.basic = user == null ? null : "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + password).getBytes(StandardCharsets.UTF_8));
    this.bearer = bearerToken == null ? null : "Bearer " + bearerToken;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::serve);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A response: status, JSON body (null: none), extra headers. */
  record Answer(int status, Object body, Map<String, String> headers) {
    Answer(int status, Object body) {
      this(status, body, Map.of());
    }
  }

  /** Thrown by handlers to drop the connection without an answer. */
  static final class Drop extends RuntimeException {}

  abstract Answer handle(String method, String path, Map<String, String> query, JsonNode body,
      String rawBody);

  /** The error body of the service for an authentication failure. */
  abstract Object unauthorized();

  /** The error body of the service for a body that is not JSON. */
  abstract Object unreadable(String detail);

  private synchronized void serve(HttpExchange ex) throws IOException {
    try (ex) {
      String raw = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String path = ex.getRequestURI().getRawPath();
      calls.add(new Call(ex.getRequestMethod(), ex.getRequestURI().toString(), auth, raw));
      if (unavailable.get() > 0) {
        unavailable.decrementAndGet();
        send(ex, new Answer(503, null));
        return;
      }
      if (auth == null || !(auth.equals(basic) || auth.equals(bearer))) {
        send(ex, new Answer(401, unauthorized(), Map.of("WWW-Authenticate",
            "Basic realm=\"fake\"")));
        return;
      }
      JsonNode body = null;
      if (!raw.isEmpty()) {
        try {
          body = JSON.readTree(raw);
        } catch (IOException e) {
          send(ex, new Answer(400, unreadable(e.getMessage())));
          return;
        }
      }
      Answer a;
      try {
        a = handle(ex.getRequestMethod(), path, query(ex.getRequestURI().getRawQuery()), body,
            raw);
      } catch (Drop d) {
        // Headers promising a body that never comes, then the connection closes: the client
        // sees the exchange fail after the server committed the change.
        ex.sendResponseHeaders(201, 4096);
        ex.getResponseBody().write('{');
        ex.getResponseBody().flush();
        return;
      }
      send(ex, a);
    }
  }

  /** Whether this create should lose its answer (the record is kept). */
  boolean loseAnswer() {
    return loseCreateAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  private static void send(HttpExchange ex, Answer a) throws IOException {
    a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    if (a.body() == null) {
      ex.sendResponseHeaders(a.status(), -1);
      return;
    }
    byte[] b = JSON.writeValueAsBytes(a.body());
    ex.getResponseHeaders().add("Content-Type", "application/json;charset=UTF-8");
    ex.sendResponseHeaders(a.status(), b.length);
    ex.getResponseBody().write(b);
  }

  static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String kv : raw.split("&")) {
      int i = kv.indexOf('=');
      String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
      String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  List<Call> calls(Predicate<Call> p) {
    return calls.stream().filter(p).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
