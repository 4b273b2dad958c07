package dev.pave.signals.deliver;

import dev.pave.signals.config.SinkConfig;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS trust for a sink: the CA bundle it names (PEM), else the JVM's default trust store. */
final class Tls {
  private Tls() {}

  static SSLContext context(SinkConfig.Tls tls) {
    try {
      if (tls == null || tls.caBundle() == null) {
        return SSLContext.getDefault();
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      try (InputStream in = new java.io.ByteArrayInputStream(tls.caBundle().bytes())) {
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          ks.setCertificateEntry("ca-" + i++, c);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot load the CA bundle " + tls.caBundle() + ": "
          + e.getMessage());
    }
  }
}
