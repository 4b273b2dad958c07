package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignalsPortInUseTest {
  @TempDir Path dir;

  @Test
  void a_busy_port_is_named_with_the_field_that_changes_it_not_as_an_internal_error()
      throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = busy.getLocalPort();
      Path config = dir.resolve("signals.yaml");
      Files.writeString(config, """
          apiVersion: pave.dev/v1alpha1
          kind: SignalsConfig
          intake: {port: %d}
          database: {url: embedded, dataDirectory: data}
          """.formatted(port));
      Cli r = Cli.run("signals", "--config", config.toString(), "--status-every", "0s");
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + port + ": the port is in use")
          .contains("intake.port (0: any free port)").doesNotContain("internal error")
          .doesNotContain("please report");
    }
  }
}
