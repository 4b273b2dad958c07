// Load generator for the signals figures in docs/performance.md. Run through bench/signals.sh,
// or by hand:  java bench/SignalsLoad.java MODE TARGET-URL [options]
//   MODE max:  send ALERTS alerts as notifications of PER alerts over CONC connections, as fast
//              as answered; report alerts/s and acknowledgement latency percentiles.
//   MODE rate: send RATE alerts/s (open loop, one alert per notification) for SECONDS; report
//              acknowledgement latency percentiles (the time a sender waits for its 2xx).
//   MODE e2e:  like max, and run a webhook receiver on RECEIVER-PORT; report the time from the
//              first request to the last delivered notice.
// TARGET-URL ending in /api/v2/alerts is Alertmanager's own API (alerts as a JSON array);
// anything else gets Alertmanager webhook notifications (version 4).
// Options: alerts=N per=N conc=N rate=N seconds=N receiver=PORT token=T run=ID
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public class SignalsLoad {
  static Map<String, String> opts = new HashMap<>();
  static final java.util.regex.Pattern BATCH_ID =
      java.util.regex.Pattern.compile("(?:^\\[|\\},)\\{\"id\":\"([^\"]+)\"");

  static int opt(String k, int d) {
    return opts.containsKey(k) ? Integer.parseInt(opts.get(k)) : d;
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    URI target = URI.create(args[1]);
    for (int i = 2; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      opts.put(kv[0], kv[1]);
    }
    boolean am = target.getPath().endsWith("/api/v2/alerts");
    String run = opts.getOrDefault("run", String.valueOf(System.nanoTime()));
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
    switch (mode) {
      case "max", "e2e" -> max(mode, http, target, am, run);
      case "rate" -> rate(http, target, am, run);
      case "rate-raw" -> rateRaw(target, am, run);
      default -> throw new IllegalArgumentException("mode: max, rate, rate-raw or e2e");
    }
    // The generator shares the cores with what it measures: report what it used itself.
    System.out.printf("load generator cpu %.1f s over %.1f s wall%n",
        ProcessHandle.current().info().totalCpuDuration().orElse(java.time.Duration.ZERO)
            .toMillis() / 1000.0, (System.nanoTime() - STARTED) / 1e9);
    System.exit(0);
  }

  static final long STARTED = System.nanoTime();

  // Each notification is its own group (alertname Load<group>), as in Alertmanager's bursts of
  // single-alert groups; per=10 gives groups of ten alerts.
  static String alert(String run, int n, int group) {
    return "{\"status\":\"firing\",\"labels\":{\"alertname\":\"Load" + group
        + "\",\"namespace\":\"payments\",\"pod\":\"checkout-7d9f8b6c5-" + String.format("%05d", n % 100000)
        + "\",\"severity\":\"warning\",\"cluster\":\"prod-eu-1\",\"run\":\"" + run + "\",\"n\":\"" + n
        + "\"},\"annotations\":{\"summary\":\"load alert " + n + "\"},\"startsAt\":\"2026-11-23T19:35:08Z\","
        + "\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"\",\"fingerprint\":\"" + run + "-" + n + "\"}";
  }

  static String amAlert(String run, int n, int group) {
    return "{\"labels\":{\"alertname\":\"Load" + group + "\",\"namespace\":\"payments\",\"pod\":\"checkout-7d9f8b6c5-"
        + String.format("%05d", n % 100000) + "\",\"severity\":\"warning\",\"run\":\"" + run + "\",\"n\":\"" + n
        + "\"},\"annotations\":{\"summary\":\"load alert " + n + "\"}}";
  }

  static String body(boolean am, String run, int first, int count) {
    StringBuilder b = new StringBuilder(am ? "[" : "{\"receiver\":\"pave\",\"status\":\"firing\",\"alerts\":[");
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : ",").append(am ? amAlert(run, first + i, first / count)
          : alert(run, first + i, first / count));
    }
    if (am) {
      return b.append(']').toString();
    }
    return b.append("],\"groupLabels\":{},\"commonLabels\":{},\"commonAnnotations\":{},\"externalURL\":\"\","
        + "\"version\":\"4\",\"groupKey\":\"{}:{run=\\\"" + run + "\\\", alertname=\\\"Load").append(first / count)
        .append("\\\"}\",\"truncatedAlerts\":0}").toString();
  }

  static HttpRequest request(URI target, String body) {
    var b = HttpRequest.newBuilder(target).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (opts.containsKey("token")) {
      b.header("Authorization", "Bearer " + opts.get("token"));
    }
    return b.build();
  }

  /** Sends until a 2xx, like Alertmanager; returns the latency of the successful attempt. */
  static long send(HttpClient http, HttpRequest r, AtomicInteger refused) throws Exception {
    for (int attempt = 0; ; attempt++) {
      long t0 = System.nanoTime();
      int s = http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
      long t = System.nanoTime() - t0;
      if (s / 100 == 2) {
        return t;
      }
      if (s != 429 && s != 503) {
        throw new IllegalStateException("HTTP " + s);
      }
      refused.incrementAndGet();
      Thread.sleep(Math.min(200, 5L << Math.min(attempt, 5)));
    }
  }

  static void max(String mode, HttpClient http, URI target, boolean am, String run) throws Exception {
    int alerts = opt("alerts", 20000);
    int per = opt("per", 1);
    int conc = opt("conc", 64);
    AtomicLong delivered = new AtomicLong();
    AtomicLong lastDelivery = new AtomicLong();
    Map<String, Boolean> seen = new ConcurrentHashMap<>();
    HttpServer receiver = null;
    if (mode.equals("e2e")) {
      receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", opt("receiver", 0)), 512);
      receiver.setExecutor(Executors.newFixedThreadPool(16));
      receiver.createContext("/", ex -> {
        String id = ex.getRequestHeaders().getFirst("X-Pave-Signal-Id");
        byte[] body = ex.getRequestBody().readAllBytes();
        List<String> ids = new ArrayList<>();
        if (id != null) {
          ids.add(id);
        } else {
          // A batch: a JSON array of canonical signals, each element opening with its id.
          var m = BATCH_ID.matcher(new String(body, java.nio.charset.StandardCharsets.UTF_8));
          while (m.find()) {
            ids.add(m.group(1));
          }
        }
        for (String one : ids) {
          if (seen.putIfAbsent(one, Boolean.TRUE) == null) {
            delivered.incrementAndGet();
            lastDelivery.set(System.nanoTime());
          }
        }
        ex.sendResponseHeaders(200, -1);
        ex.close();
      });
      receiver.start();
    }
    int requests = alerts / per;
    long[] lat = new long[requests];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(conc);
    CountDownLatch done = new CountDownLatch(conc);
    long start = System.nanoTime();
    for (int c = 0; c < conc; c++) {
      pool.submit(() -> {
        try {
          int i;
          while ((i = next.getAndIncrement()) < requests) {
            lat[i] = send(http, request(target, body(am, run, i * per, per)), refused);
          }
        } catch (Exception e) {
          System.err.println("sender failed: " + e);
        } finally {
          done.countDown();
        }
      });
    }
    done.await();
    long took = System.nanoTime() - start;
    pool.shutdown();
    System.out.printf("%s target=%s alerts=%d per=%d conc=%d: %.0f alerts/s acknowledged (%.2f s), %d answers 429/503 retried; ack latency %s%n",
        mode, target.getPath(), alerts, per, conc, alerts / (took / 1e9), took / 1e9, refused.get(), percentiles(lat));
    if (receiver != null) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (delivered.get() < alerts && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      long e2e = lastDelivery.get() - start;
      System.out.printf("e2e: %d of %d delivered to the webhook; %.0f signals/s end to end (%.2f s from first request to last delivery)%n",
          delivered.get(), alerts, delivered.get() / (e2e / 1e9), e2e / 1e9);
      receiver.stop(0);
    }
  }

  /**
   * Like rate, over CONC persistent HTTP/1.1 connections written and read directly on sockets
   * (java.net.http costs most of a core at 1,000 requests/s on these machines). Latency is
   * counted from when the request was due, not from when it went out, so a sender falling
   * behind shows in the figure instead of hiding it.
   */
  static void rateRaw(URI target, boolean am, String run) throws Exception {
    int rate = opt("rate", 1000);
    int seconds = opt("seconds", 20);
    int conc = opt("conc", 32);
    int total = rate * seconds;
    long[] lat = new long[total];
    long interval = 1_000_000_000L / rate;
    AtomicInteger next = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    long start = System.nanoTime() + 50_000_000L;
    Thread[] senders = new Thread[conc];
    for (int c = 0; c < conc; c++) {
      senders[c] = new Thread(() -> {
        try (java.net.Socket socket = new java.net.Socket(target.getHost(), target.getPort())) {
          socket.setTcpNoDelay(true);
          var out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16384);
          var in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
          for (int n = next.getAndIncrement(); n < total; n = next.getAndIncrement()) {
            long due = start + n * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
              TimeUnit.NANOSECONDS.sleep(wait);
            }
            byte[] body = body(am, run, n, 1).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            while (true) {
              String head = "POST " + target.getRawPath() + " HTTP/1.1\r\nHost: " + target.getHost()
                  + ":" + target.getPort() + "\r\nContent-Type: application/json\r\n"
                  + (opts.containsKey("token") ? "Authorization: Bearer " + opts.get("token") + "\r\n" : "")
                  + "Content-Length: " + body.length + "\r\n\r\n";
              out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
              out.write(body);
              out.flush();
              int status = readResponse(in);
              if (status / 100 == 2) {
                break;
              }
              if (status != 429 && status != 503) {
                throw new IllegalStateException("HTTP " + status);
              }
              refused.incrementAndGet();
              Thread.sleep(5);
            }
            lat[n] = System.nanoTime() - due;
          }
        } catch (Exception e) {
          System.err.println("sender failed: " + e);
        }
      });
      senders[c].start();
    }
    for (Thread t : senders) {
      t.join();
    }
    double took = (System.nanoTime() - start) / 1e9;
    System.out.printf("rate-raw target=%s offered=%d alerts/s for %d s over %d connections (%d alerts, finished in %.1f s), %d answers 429/503; ack latency from due time %s%n",
        target.getPath(), rate, seconds, conc, total, took, refused.get(), percentiles(lat));
    if (opts.containsKey("timeline")) {
      // One line per second of the run: its p99 and maximum, to place a stall in time.
      StringBuilder b = new StringBuilder();
      long wallStart = System.currentTimeMillis() - (long) (took * 1000);
      for (int s = 0; s * rate < total; s++) {
        long[] sec = java.util.Arrays.copyOfRange(lat, s * rate, Math.min(total, (s + 1) * rate));
        java.util.Arrays.sort(sec);
        b.append(String.format("%s second %d p99 %.1f ms max %.1f ms%n",
            java.time.Instant.ofEpochMilli(wallStart + s * 1000L), s,
            sec[(int) (sec.length * 0.99)] / 1e6, sec[sec.length - 1] / 1e6));
      }
      java.nio.file.Files.writeString(java.nio.file.Path.of(opts.get("timeline")), b);
    }
  }

  /** Reads one HTTP/1.1 response (Content-Length or chunked body) and returns its status. */
  static int readResponse(java.io.InputStream in) throws java.io.IOException {
    String status = line(in);
    int code = Integer.parseInt(status.split(" ")[1]);
    long length = 0;
    boolean chunked = false;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      String lower = h.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(h.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(line(in).trim(), 16); size > 0;
          size = Long.parseLong(line(in).trim(), 16)) {
        in.skipNBytes(size);
        line(in);
      }
      line(in);
    } else {
      in.skipNBytes(length);
    }
    return code;
  }

  static String line(java.io.InputStream in) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new java.io.EOFException("connection closed");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  static void rate(HttpClient http, URI target, boolean am, String run) throws Exception {
    int rate = opt("rate", 1000);
    int seconds = opt("seconds", 20);
    int total = rate * seconds;
    long[] lat = new long[total];
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(256);
    CountDownLatch done = new CountDownLatch(total);
    long start = System.nanoTime();
    long interval = 1_000_000_000L / rate;
    for (int i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      int n = i;
      pool.submit(() -> {
        try {
          lat[n] = send(http, request(target, body(am, run, n, 1)), refused);
        } catch (Exception e) {
          System.err.println("sender failed: " + e);
        } finally {
          done.countDown();
        }
      });
    }
    done.await();
    pool.shutdown();
    double took = (System.nanoTime() - start) / 1e9;
    System.out.printf("rate target=%s offered=%d alerts/s for %d s (%d alerts, finished in %.1f s), %d answers 429/503; ack latency %s%n",
        target.getPath(), rate, seconds, total, took, refused.get(), percentiles(lat));
  }

  static String percentiles(long[] lat) {
    long[] s = Arrays.stream(lat).filter(x -> x > 0).sorted().toArray();
    if (s.length == 0) {
      return "n/a";
    }
    return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms", s[s.length / 2] / 1e6,
        s[(int) (s.length * 0.99)] / 1e6, s[s.length - 1] / 1e6);
  }
}
