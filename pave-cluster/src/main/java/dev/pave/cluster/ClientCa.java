package dev.pave.cluster;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The cluster's client certificate authority, as kube-apiserver's {@code --client-ca-file}: a
 * certificate it signed authenticates its holder as the subject's CN, in the groups its O
 * entries name, with the certificate's SHA-256 fingerprint as credential id. Made at start
 * with the JDK's keytool, together with one certificate for the administrator (CN=admin,
 * O=system:masters), the identity a cluster's installer hands its first user.
 */
final class ClientCa {
  static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

  private final X509Certificate ca;
  private final KeyStore admin;
  private final char[] adminSecret;

  private ClientCa(X509Certificate ca, KeyStore admin, char[] adminSecret) {
    this.ca = ca;
    this.admin = admin;
    this.adminSecret = adminSecret;
  }

  static ClientCa create() {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("pave-api-client-ca");
      Path store = dir.resolve("client.p12");
      String secret = java.util.UUID.randomUUID().toString();
      List<String> ks = List.of("-keystore", store.toString(), "-storetype", "PKCS12",
          "-storepass", secret, "-keypass", secret);
      ServingCertificate.keytool(with(List.of("-genkeypair", "-alias", "ca", "-keyalg", "EC",
          "-groupname", "secp256r1", "-dname", "CN=pave-embedded-api-client-ca", "-ext",
          "bc:c", "-validity", "3650"), ks));
      ServingCertificate.keytool(with(List.of("-genkeypair", "-alias", "admin", "-keyalg", "EC",
          "-groupname", "secp256r1", "-dname", "CN=admin, O=system:masters", "-validity",
          "3650"), ks));
      Path csr = dir.resolve("admin.csr");
      Path signed = dir.resolve("admin.pem");
      ServingCertificate.keytool(with(List.of("-certreq", "-alias", "admin", "-file",
          csr.toString()), ks));
      ServingCertificate.keytool(with(List.of("-gencert", "-alias", "ca", "-infile",
          csr.toString(), "-outfile", signed.toString(), "-rfc", "-ext", "EKU=clientAuth",
          "-validity", "3650"), ks));
      KeyStore loaded = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        loaded.load(in, secret.toCharArray());
      }
      X509Certificate ca = (X509Certificate) loaded.getCertificate("ca");
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(signed)));
      PrivateKey key = (PrivateKey) loaded.getKey("admin", secret.toCharArray());
      char[] adminSecret = java.util.UUID.randomUUID().toString().toCharArray();
      KeyStore admin = KeyStore.getInstance("PKCS12");
      admin.load(null, null);
      admin.setKeyEntry("admin", key, adminSecret, new Certificate[] {cert, ca});
      return new ClientCa(ca, admin, adminSecret);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the client certificate authority of the "
          + "embedded Kubernetes API: " + e.getMessage(), e);
    } finally {
      ServingCertificate.delete(dir);
    }
  }

  private static List<String> with(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** What the serving side trusts for client certificates: this authority alone. */
  TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("client-ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf.getTrustManagers();
  }

  /** The administrator's certificate and key, for a client's key managers. */
  KeyManagerFactory adminKeys() {
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(admin, adminSecret);
      return kmf;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The administrator's certificate in PEM, for a kubeconfig's client-certificate-data. */
  String adminCertificatePem() {
    try {
      return pem("CERTIFICATE", admin.getCertificate("admin").getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The administrator's key in PEM (PKCS#8), for a kubeconfig's client-key-data. */
  String adminKeyPem() {
    try {
      return pem("PRIVATE KEY", admin.getKey("admin", adminSecret).getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /**
   * The user a verified client certificate names, as the real x509 authenticator makes it:
   * CN the name, each O a group, plus system:authenticated, and the credential id
   * {@code X509SHA256=<hex of the SHA-256 of the certificate's DER>}. Null when the
   * certificate names no user (an empty CN), which the real server also refuses.
   */
  static User user(X509Certificate cert) {
    String name = null;
    List<String> groups = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          name = rdn.getValue().toString();
        } else if (rdn.getType().equalsIgnoreCase("O")) {
          // RFC 2253 order is last RDN first; the certificate's order is the reverse
          groups.add(0, rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    if (name == null || name.isEmpty()) {
      return null;
    }
    if (!groups.contains("system:authenticated")) {
      groups.add("system:authenticated");
    }
    String fingerprint;
    try {
      fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(cert.getEncoded()));
    } catch (GeneralSecurityException e) {
      return null;
    }
    return new User(name, "", List.copyOf(groups),
        Map.of(CREDENTIAL_ID, List.of("X509SHA256=" + fingerprint)));
  }
}
