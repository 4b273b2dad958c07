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
   * How many recorded exchanges must match in a full run: the figure in docs/testing.md
   * less a margin of 3 for the entries whose outcome depends on the controllers' timing.
   */
  private static final int FLOOR = 397;

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
    List<String> unnamed = new ArrayList<>();
    List<String> namedButMatched = new ArrayList<>();
    for (Replay.Outcome o : all) {
      report.append(o.kind()).append(' ').append(o.entry().id()).append('\n');
      var known = KnownDifferences.find(o.entry());
      if (o.kind() != Replay.Kind.MATCH) {
        if (known.isPresent()) {
          report.append("    named: ").append(known.get().reason()).append('\n');
        } else {
          unnamed.add(o.entry().id());
        }
      } else if (known.isPresent()) {
        namedButMatched.add(o.entry().id() + (known.get().timing() ? " (timing-dependent)"
            : ""));
      }
      for (String d : o.differences()) {
        report.append("    ").append(d).append('\n');
      }
    }
    report.append('\n');
    namedButMatched.forEach(id -> report.append("named but matched: ").append(id).append('\n'));
    unnamed.forEach(id -> report.append("differs, not named in KnownDifferences: ").append(id)
        .append('\n'));
    Path out = Path.of("target/conformance-report.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString());
    System.out.println(report.substring(0, report.indexOf("\n\n")));
    namedButMatched.forEach(id -> System.out.println("named but matched: " + id));
    assertThat(unnamed).as("entries that differ from the recording without being named in "
        + "KnownDifferences (see target/conformance-report.txt)").isEmpty();
    if (only == null) {
      assertThat(matched).as(report.substring(0, report.indexOf("\n\n")))
          .isGreaterThanOrEqualTo(FLOOR);
    }
  }

  /** A named difference must name a recorded entry, so a renamed entry cannot go stale. */
  @Test
  void namedDifferencesNameRecordedEntries() throws Exception {
    for (KnownDifferences.Known k : KnownDifferences.ALL) {
      List<Recordings.Entry> entries = Recordings.load(k.file());
      assertThat(k.index()).as(k.id()).isLessThan(entries.size());
      assertThat(entries.get(k.index()).id()).isEqualTo(k.id());
      assertThat(k.reason()).as(k.id()).isNotBlank();
      assertThat(k.timing() == k.reason().startsWith("timing")).as(k.id()).isTrue();
    }
  }
}
