package dev.pave.bench;

import dev.pave.cluster.Cluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/**
 * The embedded Kubernetes API in a process of its own, so a benchmark measures the operator's
 * CPU and heap apart from the API server's, as on a cluster. The parent reads one line, "ready
 * URL", and the server stops when the parent closes its standard input. At exit it prints the
 * requests it answered, by verb and resource, as "requests VERB resource count" lines.
 */
public final class ApiProcess implements AutoCloseable {
  final Process process;
  final String url;
  final String token;

  private ApiProcess(Process process, String url, String token) {
    this.process = process;
    this.url = url;
    this.token = token;
  }

  /** Starts the API in a child JVM with {@code heap} (e.g. "2g") and waits until it answers. */
  static ApiProcess start(String heap) throws IOException {
    return start(heap, true);
  }

  /** As above; without {@code workloads}, Deployments are stored and never rolled out. */
  static ApiProcess start(String heap, boolean workloads) throws IOException {
    String token = "bench-" + Long.toHexString(System.nanoTime());
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p = new ProcessBuilder(List.of(ProcessHandle.current().info().command()
        .orElse("java"), "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
        ApiProcess.class.getName(), String.valueOf(port), token, String.valueOf(workloads)))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String line = new java.io.BufferedReader(new java.io.InputStreamReader(
        p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8)).readLine();
    if (line == null || !line.startsWith("ready ")) {
      p.destroyForcibly();
      throw new IOException("the API process did not start: " + line);
    }
    return new ApiProcess(p, line.substring(6).strip(), token);
  }

  /** CPU seconds the API process has used so far. */
  double cpuSeconds() {
    return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      process.destroyForcibly();
    }
  }

  public static void main(String[] args) throws IOException {
    boolean workloads = args.length < 3 || Boolean.parseBoolean(args[2]);
    try (Cluster cluster = workloads ? Cluster.start(Integer.parseInt(args[0]), args[1])
        : Cluster.startWithoutWorkloads(Integer.parseInt(args[0]), args[1])) {
      System.out.println("ready " + cluster.url());
      System.out.flush();
      while (System.in.read() >= 0) {
        // Runs until the parent closes the pipe.
      }
      Map<String, Long> requests = cluster.requests();
      requests.forEach((k, v) -> System.err.println("api requests " + k + " " + v));
    }
    System.exit(0);
  }
}
