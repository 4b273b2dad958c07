package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.deliver.SyslogSink;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The close check over TLS (RFC 5425): the sink reads the raw socket under the TLS layer, so a
 * receiver that closed its end is seen before the next frame and that frame goes on a new
 * connection. The receiver is the JDK's TLS server (rsyslog's TLS needs GnuTLS set up).
 */
class SyslogTlsTest {
  @TempDir Path dir;

  private void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty(
        "java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void a_tls_receiver_that_closed_is_reconnected_to_before_the_next_frame() throws Exception {
    Path ks = dir.resolve("server.p12");
    keytool("-genkeypair", "-keystore", ks.toString(), "-storepass", "changeit", "-alias", "s",
        "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2");
    keytool("-exportcert", "-rfc", "-keystore", ks.toString(), "-storepass", "changeit",
        "-alias", "s", "-file", dir.resolve("ca.pem").toString());
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = new FileInputStream(ks.toFile())) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(store, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    List<String> received = new CopyOnWriteArrayList<>();
    try (SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory()
        .createServerSocket(0)) {
      // The first connection: one frame, then closed, as by a receiver restarting; later
      // ones are read to their end.
      Thread t = new Thread(() -> {
        try {
          for (int conn = 1; ; conn++) {
            try (SSLSocket s = (SSLSocket) server.accept()) {
              var in = s.getInputStream();
              do {
                ByteArrayOutputStream len = new ByteArrayOutputStream();
                int c;
                while ((c = in.read()) != ' ' && c >= 0) {
                  len.write(c);
                }
                if (c < 0) {
                  break;
                }
                byte[] msg = in.readNBytes(Integer.parseInt(len.toString()));
                received.add(conn + " " + new String(msg, StandardCharsets.UTF_8));
              } while (conn > 1);
            }
          }
        } catch (Exception e) {
          // server closed
        }
      });
      t.setDaemon(true);
      t.start();
      var r = ConfigReader.read("signals.yaml", """
          apiVersion: pave.dev/v1alpha1
          kind: SignalsConfig
          sinks:
            - {name: siem, type: syslog, host: 127.0.0.1, port: %d, tls: {caFile: ca.pem}}
          """.formatted(server.getLocalPort()), dir);
      assertThat(r.problems()).isEmpty();
      try (SyslogSink sink = new SyslogSink((SinkConfig.Syslog) r.config().sinks().get(0),
          "test")) {
        sink.deliver(SyslogDeliveryTest.notice("one", "s", Status.FIRING));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        Thread.sleep(300); // the receiver's close_notify and FIN arrive
        sink.deliver(SyslogDeliveryTest.notice("two", "s", Status.FIRING));
        // "one" may come again (written after the connection was last seen open): same id.
        await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch(m ->
            m.startsWith("2 ") && m.contains("id=\"two\"")));
        assertThat(received.get(0)).startsWith("1 ").contains("id=\"one\"");
        assertThat(received).noneMatch(m -> m.startsWith("1 ") && m.contains("id=\"two\""));
      }
    }
  }
}
