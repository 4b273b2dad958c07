package dev.pave.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A first start that fails part way leaves nothing that would steer the next one. */
class SandboxFailedStartTest {
  @TempDir Path data;

  @Test
  void aFailedFirstStartLeavesNeitherSettingsNorObjectsBehind() throws Exception {
    Files.writeString(data.resolve("notes.txt"), "mine");
    // The console's port is taken, so the start fails after the API and signals have started.
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> Sandbox.start(new Sandbox.Settings(data, false, 0, 0,
          taken.getLocalPort(), null, null, null)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot start the console").hasMessageContaining("--port");
    }
    // signals.yaml would keep this start's signals port whatever --signals-port said next
    // time, and a saved cluster.jsonl (its definitions) would make the next start skip the demo.
    for (String name : Sandbox.KEPT) {
      assertThat(data.resolve(name)).as(name).doesNotExist();
    }
    assertThat(data.resolve("notes.txt")).hasContent("mine");
    // The lock went with the failed start: the directory can be taken again.
    DataLock.acquire(data).close();
  }
}
