package dev.pave.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed serving certificate for 127.0.0.1 and localhost, made at start with the JDK's
 * keytool. Clients built on client-go (kubectl among them) send a bearer token only over TLS,
 * so an API they must authenticate to serves HTTPS; the kubeconfig carries this certificate
 * as its certificate authority, so they verify the server instead of skipping verification.
 */
final class ServingCertificate {
  private final SSLContext context;
  private final String pem;

  private ServingCertificate(SSLContext context, String pem) {
    this.context = context;
    this.pem = pem;
  }

  static ServingCertificate create() {
    return create(() -> null);
  }

  /**
   * A serving certificate whose server verifies client certificates against the authority
   * {@code clients} supplies (asked for only once this certificate is made, so that both can
   * be made at the same time).
   */
  static ServingCertificate create(java.util.function.Supplier<ClientCa> clients) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("pave-api-tls");
      Path store = dir.resolve("serving.p12");
      char[] secret = java.util.UUID.randomUUID().toString().toCharArray();
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      run(List.of(keytool, "-genkeypair", "-alias", "serving", "-keyalg", "EC", "-groupname",
          "secp256r1", "-dname", "CN=pave-embedded-api", "-ext",
          "SAN=ip:127.0.0.1,dns:localhost", "-validity", "3650", "-keystore", store.toString(),
          "-storetype", "PKCS12", "-storepass", new String(secret), "-keypass",
          new String(secret)));
      String pem = run(List.of(keytool, "-exportcert", "-rfc", "-alias", "serving",
          "-keystore", store.toString(), "-storepass", new String(secret)));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, secret);
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, secret);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ClientCa ca = clients.get();
      // client certificates are asked for, not required: tokens and anonymous requests
      // come without one, as to kube-apiserver
      ctx.init(kmf.getKeyManagers(), ca == null ? null : ca.trustManagers(), null);
      return new ServingCertificate(ctx, pem.strip() + "\n");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a serving certificate for the embedded "
          + "Kubernetes API: " + e.getMessage(), e);
    } finally {
      delete(dir);
    }
  }

  static void delete(Path dir) {
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temporary directory left behind holds nothing secret once the process ends
      }
    }
  }

  /** Runs the JDK's keytool with these arguments; its output. */
  static String keytool(List<String> args) throws IOException {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(args);
    return run(command);
  }

  private static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while keytool ran", e);
    }
    return out;
  }

  SSLContext context() {
    return context;
  }

  /** The certificate in PEM, for a kubeconfig's certificate-authority-data. */
  String pem() {
    return pem;
  }
}
