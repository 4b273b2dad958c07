package dev.pave.control.webhook;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps the webhook's generated certificates in a Secret, renews them as {@link Rotation}
 * says, and writes the CA bundle into the webhook configurations that name the webhook's
 * Service, so the API server trusts whatever the webhook presents. Several replicas may run it:
 * the Secret is written with its resourceVersion, and the one that loses re-reads the winner's.
 */
public final class CertificateKeeper {
  static final String CA_CERT = "ca.crt";
  static final String CA_KEY = "ca.key";
  static final String TLS_CERT = "tls.crt";
  static final String TLS_KEY = "tls.key";
  /** CAs still trusted while a new one takes over, newest first. */
  static final String BUNDLE = "ca-bundle.crt";
  /** The CA that takes over next: trusted at once, signing only after {@link #TAKE_OVER}. */
  static final String NEXT_CA_CERT = "next-ca.crt";
  static final String NEXT_CA_KEY = "next-ca.key";
  /** Time for every API server to pick up a bundle before certificates it must trust appear. */
  static final java.time.Duration TAKE_OVER = java.time.Duration.ofMinutes(15);

  private final KubernetesClient client;
  private final String namespace;
  private final String secretName;
  private final String service;
  private final List<String> extraNames;
  private final List<String> webhookConfigurations;
  private final Rotation rotation;
  private final Clock clock;
  private final AtomicReference<Certificates.Issued> current = new AtomicReference<>();
  private volatile String caBundle = "";

  public CertificateKeeper(KubernetesClient client, String namespace, String secretName,
      String service, List<String> extraNames, List<String> webhookConfigurations,
      Rotation rotation, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.secretName = secretName;
    this.service = service;
    this.extraNames = extraNames;
    this.webhookConfigurations = webhookConfigurations;
    this.rotation = rotation;
    this.clock = clock;
  }

  /** The serving certificate and key in use. */
  public Certificates.Issued current() {
    return current.get();
  }

  /** The CA bundle (PEM) the API server must trust. */
  public String caBundle() {
    return caBundle;
  }

  /**
   * The names an API server uses for the webhook Service, and any extra ones (a host or an IP
   * address for a webhook registered by URL, as when the operator runs outside the cluster).
   */
  public List<String> dnsNames() {
    List<String> names = new ArrayList<>(List.of(service + "." + namespace + ".svc",
        service + "." + namespace + ".svc.cluster.local", service + "." + namespace, service));
    names.addAll(extraNames);
    return names;
  }

  /** Reads the Secret, renews what is due, and publishes the CA bundle. Safe to call often. */
  public Rotation.Action refresh() {
    try {
      return refreshOnce();
    } catch (java.security.cert.CertificateParsingException e) {
      throw new IllegalStateException("unreadable webhook certificate in Secret " + namespace
          + "/" + secretName + ": " + e.getMessage(), e);
    }
  }

  private Rotation.Action refreshOnce() throws java.security.cert.CertificateParsingException {
    for (int attempt = 1; ; attempt++) {
      Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
      Map<String, String> data = decode(secret);
      Certificates.Issued ca = data.containsKey(CA_CERT) && data.containsKey(CA_KEY)
          ? Certificates.read(data.get(CA_CERT), data.get(CA_KEY)) : null;
      Certificates.Issued serving = data.containsKey(TLS_CERT) && data.containsKey(TLS_KEY)
          ? Certificates.read(data.get(TLS_CERT), data.get(TLS_KEY)) : null;
      Instant now = clock.instant();
      Rotation.Action action = rotation.decide(ca == null ? null : ca.notAfter(),
          serving == null ? null : serving.notAfter(), now);
      List<X509Certificate> trusted = new ArrayList<>(data.containsKey(BUNDLE)
          ? Certificates.certificates(data.get(BUNDLE)) : List.of());
      Certificates.Issued next = data.containsKey(NEXT_CA_CERT) && data.containsKey(NEXT_CA_KEY)
          ? Certificates.read(data.get(NEXT_CA_CERT), data.get(NEXT_CA_KEY)) : null;
      if (action == Rotation.Action.NEW_AUTHORITY && ca == null) {
        // First start: nothing is trusted yet, so there is nothing to wait for.
        ca = Certificates.authority("pave-webhook-ca", now, rotation.caValidity());
        trusted.add(0, ca.certificate());
      } else if (action == Rotation.Action.NEW_AUTHORITY && next == null) {
        // A new CA goes into the bundle first; the old one keeps signing until it is trusted.
        next = Certificates.authority("pave-webhook-ca", now, rotation.caValidity());
        trusted.add(next.certificate());
        action = Rotation.Action.TRUST_NEW_AUTHORITY;
      } else if (action == Rotation.Action.NEW_AUTHORITY && now.isBefore(next.certificate()
          .getNotBefore().toInstant().plus(TAKE_OVER))) {
        action = Rotation.Action.KEEP;
      } else if (action == Rotation.Action.NEW_AUTHORITY) {
        ca = next;
        next = null;
      }
      if (action == Rotation.Action.KEEP && (serving.certificate().getSubjectAlternativeNames()
          == null || !serving.certificate().getSubjectAlternativeNames().stream()
              .map(n -> String.valueOf(n.get(1))).toList().containsAll(dnsNames()))) {
        action = Rotation.Action.NEW_SERVING_CERTIFICATE; // Names changed since it was issued.
      }
      if (action != Rotation.Action.KEEP && action != Rotation.Action.TRUST_NEW_AUTHORITY) {
        serving = Certificates.serving(ca, dnsNames(), now, rotation.servingValidity());
      }
      // Expired CAs leave the bundle; the signing one is first, the next one always in it.
      trusted.removeIf(c -> c.getNotAfter().toInstant().isBefore(now));
      trusted.remove(ca.certificate());
      trusted.add(0, ca.certificate());
      if (next != null && !trusted.contains(next.certificate())) {
        trusted.add(next.certificate());
      }
      String bundle = String.join("", trusted.stream().map(Certificates::pem).toList());
      if (action != Rotation.Action.KEEP || !bundle.equals(data.get(BUNDLE))) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(CA_CERT, ca.certificatePem());
        out.put(CA_KEY, ca.keyPem());
        out.put(TLS_CERT, serving.certificatePem());
        out.put(TLS_KEY, serving.keyPem());
        out.put(BUNDLE, bundle);
        if (next != null) {
          out.put(NEXT_CA_CERT, next.certificatePem());
          out.put(NEXT_CA_KEY, next.keyPem());
        }
        try {
          write(secret, out);
        } catch (KubernetesClientException e) {
          if ((e.getCode() == 409) && attempt < 5) {
            continue; // Another replica renewed first: use what it wrote.
          }
          throw e;
        }
      }
      // The API servers must trust the bundle before this replica presents what it signs.
      publish(bundle);
      current.set(serving);
      caBundle = bundle;
      return action;
    }
  }

  private void write(Secret existing, Map<String, String> data) {
    Map<String, String> encoded = new LinkedHashMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(
        v.getBytes(StandardCharsets.UTF_8))));
    if (existing == null) {
      client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata()
          .withName(secretName).withNamespace(namespace)
          .addToLabels("app.kubernetes.io/managed-by", "pave").endMetadata()
          .withType("kubernetes.io/tls").withData(encoded).build()).create();
    } else {
      existing.setData(encoded);
      client.secrets().inNamespace(namespace).resource(existing).update();
    }
  }

  /** Sets caBundle on every webhook of the named configurations that points at us. */
  private void publish(String bundle) {
    String encoded = Base64.getEncoder().encodeToString(bundle.getBytes(StandardCharsets.UTF_8));
    for (String name : webhookConfigurations) {
      var validating = client.admissionRegistration().v1().validatingWebhookConfigurations()
          .withName(name).get();
      if (validating != null && validating.getWebhooks().stream().anyMatch(w -> ours(
          w.getClientConfig()) && !encoded.equals(w.getClientConfig().getCaBundle()))) {
        validating.getWebhooks().stream().filter(w -> ours(w.getClientConfig()))
            .forEach(w -> w.getClientConfig().setCaBundle(encoded));
        updateOnce(validating);
      }
      var mutating = client.admissionRegistration().v1().mutatingWebhookConfigurations()
          .withName(name).get();
      if (mutating != null && mutating.getWebhooks().stream().anyMatch(w -> ours(
          w.getClientConfig()) && !encoded.equals(w.getClientConfig().getCaBundle()))) {
        mutating.getWebhooks().stream().filter(w -> ours(w.getClientConfig()))
            .forEach(w -> w.getClientConfig().setCaBundle(encoded));
        updateOnce(mutating);
      }
    }
  }

  /** A conflict means someone else wrote it just now: the next refresh (a minute) retries. */
  private void updateOnce(io.fabric8.kubernetes.api.model.HasMetadata o) {
    try {
      client.resource(o).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      throw new IllegalStateException("webhook configuration " + o.getMetadata().getName()
          + " changed while its caBundle was written; retrying at the next refresh");
    }
  }

  /**
   * Our Service, or a URL whose host the certificate names (the operator outside the cluster,
   * registered by URL with {@code --webhook-host}): a URL pointing elsewhere is another
   * server's and keeps its own bundle.
   */
  private boolean ours(io.fabric8.kubernetes.api.model.admissionregistration.v1
      .WebhookClientConfig c) {
    if (c == null) {
      return false;
    }
    if (c.getService() != null) {
      return service.equals(c.getService().getName())
          && namespace.equals(c.getService().getNamespace());
    }
    if (c.getUrl() == null) {
      return false;
    }
    try {
      String host = java.net.URI.create(c.getUrl()).getHost();
      return host != null && extraNames.contains(host.replaceAll("^\\[|]$", ""));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Map<String, String> decode(Secret s) {
    Map<String, String> out = new LinkedHashMap<>();
    if (s != null && s.getData() != null) {
      s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v),
          StandardCharsets.UTF_8)));
    }
    return out;
  }
}
