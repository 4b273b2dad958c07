package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped example must run as it is: `pave signals --config examples/signals.yaml`. */
class ExampleConfigTest {
  @TempDir Path dir;

  @Test
  void the_example_reads_as_shipped_with_its_example_secrets_and_starts() throws Exception {
    Path example = Path.of("../examples/signals.yaml");
    var r = ConfigReader.read(example);
    assertThat(r.problems()).isEmpty();
    // Its static catalog entry has a revision, so an alert for it can be complete.
    assertThat(r.config().catalog().applications().get(0).current().number()).isEqualTo(12);
    try (Stream<Path> files = Files.list(Path.of("../examples/secrets"))) {
      for (Path f : files.toList()) {
        String content = f.toString().endsWith(".pem")
            ? ((java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(Files.newInputStream(f)))
                .getSubjectX500Principal().getName()
            : Files.readString(f);
        assertThat(content).as(f.toString()).containsAnyOf("example", "Example");
      }
    }
    // Started on any free port and a fresh database (sinks, TLS CA and all as configured).
    Path copy = dir.resolve("signals.yaml");
    Files.writeString(copy, Files.readString(example).replace("port: 9095", "port: 0"));
    copyDir(Path.of("../examples/secrets"), dir.resolve("secrets"));
    var started = ConfigReader.read(copy);
    assertThat(started.problems()).isEmpty();
    List<String> log = new ArrayList<>();
    try (Database db = Postgres.fresh();
        Pipeline p = Pipeline.start(started.config(), db, Clock.systemUTC(), log::add)) {
      assertThat(p.port()).isPositive();
      assertThat(p.sinks()).hasSize(3);
    }
  }

  private static void copyDir(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
