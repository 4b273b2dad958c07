package dev.pave.control.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;

/**
 * Certificates supplied by the user (cert-manager, a corporate CA) as tls.crt and tls.key in a
 * directory, read again whenever either file changes, as a mounted Secret changes on renewal.
 */
public final class CertificateFiles implements Supplier<Certificates.Issued> {
  private final Path cert;
  private final Path key;
  private Certificates.Issued loaded;
  private FileTime certTime;
  private FileTime keyTime;

  public CertificateFiles(Path dir) {
    this.cert = dir.resolve("tls.crt");
    this.key = dir.resolve("tls.key");
    get(); // Fail at start, naming the file, rather than at the first handshake.
  }

  @Override
  public synchronized Certificates.Issued get() {
    try {
      FileTime c = Files.getLastModifiedTime(cert);
      FileTime k = Files.getLastModifiedTime(key);
      if (loaded == null || !c.equals(certTime) || !k.equals(keyTime)) {
        Certificates.Issued next;
        try {
          next = Certificates.read(Files.readString(cert), Files.readString(key));
        } catch (IllegalArgumentException e) {
          if (loaded != null) {
            return loaded; // Half-written during a renewal: keep serving the previous one.
          }
          throw new IllegalArgumentException(cert + " / " + key + ": " + e.getMessage(), e);
        }
        loaded = next;
        certTime = c;
        keyTime = k;
      }
      return loaded;
    } catch (IOException e) {
      if (loaded != null) {
        return loaded;
      }
      throw new UncheckedIOException("cannot read the webhook certificate: " + e.getMessage(),
          e);
    }
  }
}
