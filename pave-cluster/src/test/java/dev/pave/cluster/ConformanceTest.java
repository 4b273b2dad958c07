package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Holds the embedded API to a real kube-apiserver: replays every exchange recorded from
 * v1.36.2 and compares the answers. Writes the per-entry outcome and the per-file figure to
 * {@code target/conformance-report.txt}.
 */
class ConformanceTest {
  /**
   * The share of all recorded exchanges that must match: the figure in docs/testing.md (77%)
   * less a margin for the controllers' timing on a loaded machine.
   */
  private static final double FLOOR = 0.72;

  @Test
  void answersAsTheRecordedServerDid() throws Exception {
    String only = System.getProperty("conformance.files");
    List<Replay.Outcome> all = new ArrayList<>();
    Map<String, int[]> perFile = new LinkedHashMap<>();
    // HTTPS with a client CA, as the recording's server: the recorder was the administrator
    // by client certificate, and webhooks see that certificate's credential id
    try (Cluster cluster = Cluster.startTls(0, "pave-admin-" + java.util.UUID.randomUUID())) {
      Replay replay = new Replay(cluster);
      for (String file : Recordings.ORDER) {
        if (only != null && !only.contains(file)) {
          continue;
        }
        List<Replay.Outcome> outcomes = replay.run(Recordings.load(file));
        int[] counts = new int[3];
        for (Replay.Outcome o : outcomes) {
          counts[o.kind().ordinal()]++;
        }
        perFile.put(file, counts);
        all.addAll(outcomes);
      }
    }
    StringBuilder report = new StringBuilder();
    int matched = 0;
    int total = 0;
    report.append("file | matched | differs | not replayed | total\n");
    for (Map.Entry<String, int[]> f : perFile.entrySet()) {
      int[] c = f.getValue();
      int t = c[0] + c[1] + c[2];
      report.append(f.getKey()).append(" | ").append(c[0]).append(" | ").append(c[1])
          .append(" | ").append(c[2]).append(" | ").append(t).append('\n');
      matched += c[0];
      total += t;
    }
    report.append("all | ").append(matched).append(" | | | ").append(total).append('\n');
    report.append('\n');
    for (Replay.Outcome o : all) {
      report.append(o.kind()).append(' ').append(o.entry().id()).append('\n');
      for (String d : o.differences()) {
        report.append("    ").append(d).append('\n');
      }
    }
    Path out = Path.of("target/conformance-report.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString());
    System.out.println(report.substring(0, report.indexOf("\n\n")));
    if (only == null) {
      assertThat((double) matched / Math.max(1, total)).as(report.substring(0,
          report.indexOf("\n\n"))).isGreaterThanOrEqualTo(FLOOR);
    }
  }
}
