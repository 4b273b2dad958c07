package dev.pave.signals;

import dev.pave.signals.enrich.Catalog;
import dev.pave.signals.enrich.CatalogEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/** Captured Alertmanager bodies and a small catalog shared by the tests. */
public final class Fixtures {
  public static final Instant NOW = Instant.parse("2026-11-23T19:40:00Z");

  private Fixtures() {}

  public static byte[] resource(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] firing() {
    return resource("alertmanager/webhook-v4-firing.json");
  }

  public static byte[] mixedResolved() {
    return resource("alertmanager/webhook-v4-mixed-resolved.json");
  }

  /** checkout in prod (namespace payments, cluster prod-eu-1), complete; ledger partial. */
  public static CatalogEntry checkoutProd() {
    return new CatalogEntry("checkout", "prod", "payments", "ana@example.com",
        "pagerduty:payments-primary", "https://runbooks.example.com/checkout", "critical",
        "prod-eu-1", "payments", "1.4.2",
        List.of(new CatalogEntry.Release(11, Instant.parse("2026-11-20T10:00:00Z"), "ben", "a1"),
            new CatalogEntry.Release(12, Instant.parse("2026-11-23T18:55:00Z"), "ana", "b2")),
        List.of(new CatalogEntry.ActiveException("checkout-privileged", List.of("psa/*"),
                Instant.parse("2026-12-31T00:00:00Z"), "ana@example.com"),
            new CatalogEntry.ActiveException("expired", List.of("psa/*"),
                Instant.parse("2026-11-01T00:00:00Z"), "ana@example.com")));
  }

  public static Catalog catalog() {
    return new Catalog(List.of(checkoutProd(),
        new CatalogEntry("checkout", "staging", "payments", "ana@example.com", null, null,
            "standard", "staging-1", "payments-staging", "1.5.0", List.of(), List.of()),
        new CatalogEntry("ledger", "prod", "payments", null, null, null, "standard",
            "prod-eu-1", "ledger-prod", "2.0.0",
            List.of(new CatalogEntry.Release(3, Instant.parse("2026-11-01T00:00:00Z"), "cy",
                null)), List.of())));
  }
}
