package dev.pave.control.webhook;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The webhook's certificates: a self-signed CA and a serving certificate for the webhook
 * Service's DNS names, made with BouncyCastle's certificate builder on the JDK's own crypto
 * providers (EC P-256, SHA-256 with ECDSA). PEM in and out, as Secrets and kubelets keep them.
 */
public final class Certificates {
  /**
   * A certificate with its key, and the intermediate CAs that come with it in a supplied
   * tls.crt (a corporate PKI, a cert-manager CA issuer), sent along in the handshake.
   */
  public record Issued(X509Certificate certificate, PrivateKey key,
      List<X509Certificate> intermediates) {
    public Issued(X509Certificate certificate, PrivateKey key) {
      this(certificate, key, List.of());
    }

    /** What the server presents: the certificate, then its intermediates. */
    public X509Certificate[] chain() {
      List<X509Certificate> all = new ArrayList<>();
      all.add(certificate);
      all.addAll(intermediates);
      return all.toArray(X509Certificate[]::new);
    }

    public Instant notAfter() {
      return certificate.getNotAfter().toInstant();
    }

    public String certificatePem() {
      return pem(certificate);
    }

    /** The key as PKCS#8 ("PRIVATE KEY"), which every TLS stack reads. */
    public String keyPem() {
      try {
        return pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null).generate());
      } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private Certificates() {}

  /** A new CA, valid from {@code now} for {@code validity}. */
  public static Issued authority(String name, Instant now, Duration validity) {
    try {
      KeyPair keys = keyPair();
      X500Name subject = new X500Name("CN=" + name);
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject,
          keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new Issued(sign(b, keys.getPrivate()), keys.getPrivate());
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IllegalStateException("cannot create the webhook CA: " + e.getMessage(), e);
    }
  }

  /** A serving certificate for {@code dnsNames}, signed by {@code ca}. */
  public static Issued serving(Issued ca, List<String> dnsNames, Instant now,
      Duration validity) {
    try {
      KeyPair keys = keyPair();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(),
          serial(), Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)),
          new X500Name("CN=" + dnsNames.get(0)), keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
          .map(n -> new GeneralName(n.matches("[0-9.]+") || n.contains(":") ? GeneralName.iPAddress
              : GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          ext.createAuthorityKeyIdentifier(ca.certificate()));
      return new Issued(sign(b, ca.key()), keys.getPrivate());
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IllegalStateException("cannot create the webhook certificate: "
          + e.getMessage(), e);
    }
  }

  /** Reads a certificate and its key from PEM text (PKCS#8 or the OpenSSL key formats). */
  public static Issued read(String certificatePem, String keyPem) {
    List<X509Certificate> certs = certificates(certificatePem);
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("no PEM certificate found");
    }
    try (PEMParser p = new PEMParser(new StringReader(keyPem))) {
      Object o = p.readObject();
      JcaPEMKeyConverter c = new JcaPEMKeyConverter();
      PrivateKey key;
      if (o instanceof PEMKeyPair pair) {
        key = c.getKeyPair(pair).getPrivate();
      } else if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
        key = c.getPrivateKey(info);
      } else {
        throw new IllegalArgumentException("no PEM private key found");
      }
      return new Issued(certs.get(0), key, List.copyOf(certs.subList(1, certs.size())));
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable PEM private key: " + e.getMessage());
    }
  }

  /** Every certificate in a PEM bundle, in order. */
  public static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (o instanceof X509CertificateHolder h) {
          out.add(new JcaX509CertificateConverter().getCertificate(h));
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("unreadable PEM certificate: " + e.getMessage());
    }
    return out;
  }

  public static String pem(Object o) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(
          new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }
}
