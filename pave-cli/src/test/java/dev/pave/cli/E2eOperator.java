package dev.pave.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code pave operator} as its own process, as it runs outside the cluster: its own JVM, so
 * killing it ({@code SIGKILL}) leaves its Lease and its half-done reconcile behind exactly as
 * a crashed pod does. Its leader-election identity is {@code name} (the operator takes it
 * from {@code HOSTNAME}, as a pod's is its name).
 */
final class E2eOperator implements AutoCloseable {
  final String name;
  final int webhookPort;
  final Path log;
  private final Process process;

  private E2eOperator(String name, int webhookPort, Path log, Process process) {
    this.name = name;
    this.webhookPort = webhookPort;
    this.log = log;
    this.process = process;
  }

  static E2eOperator start(String name, Path kubeconfig, String env, String webhookHost,
      int port, Path dir) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Surefire and failsafe may start the test JVM from a manifest-only jar; the real class
    // path is then in this property.
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", classPath, "dev.pave.cli.Pave",
        "operator", "--env", env, "--kubeconfig", kubeconfig.toString(),
        "--leader-election-namespace", "pave-system", "--workers", "4", "--resync", "1m",
        "--health-port", "0", "--log-format", "text"));
    if (webhookHost != null) {
      cmd.addAll(List.of("--webhook-port", String.valueOf(port), "--webhook-namespace",
          "pave-system", "--webhook-host", webhookHost));
    }
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("HOSTNAME", name);
    pb.environment().remove("KUBECONFIG");
    return new E2eOperator(name, port, log, pb.start());
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, the Lease is not released. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
