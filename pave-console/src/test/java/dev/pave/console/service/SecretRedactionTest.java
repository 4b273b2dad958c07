package dev.pave.console.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.release.Revision;
import dev.pave.release.Revisions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console never shows Secret values, whatever a revision holds. */
class SecretRedactionTest {
  @Test
  void aSecretInARevisionIsShownWithItsKeysButNotItsValues() {
    Map<String, Object> secret = Map.of("apiVersion", "v1", "kind", "Secret",
        "metadata", Map.of("name", "db", "namespace", "checkout-dev"),
        "data", Map.of("password", "c3VwZXItc2VjcmV0"), "stringData", Map.of("token", "hunter2"));
    Map<String, Object> config = Map.of("apiVersion", "v1", "kind", "ConfigMap",
        "metadata", Map.of("name", "cfg"), "data", Map.of("LOG_LEVEL", "info"));
    Revision r = new Revision(1, "h", Revisions.compress(List.of(secret, config)), "", "ana",
        Instant.EPOCH, null);
    String yaml = ServiceDetails.yamlOf(r);
    assertThat(yaml).contains("password:").contains("token:").contains(ServiceDetails.REDACTED)
        .doesNotContain("c3VwZXItc2VjcmV0").doesNotContain("hunter2")
        .contains("LOG_LEVEL: info");
  }
}
