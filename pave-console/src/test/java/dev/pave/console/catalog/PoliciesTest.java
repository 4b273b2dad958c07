package dev.pave.console.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.policy.CheckRun;
import dev.pave.policy.Finding;
import dev.pave.policy.PolicySettings;
import dev.pave.policy.Severity;
import dev.pave.spec.Application;
import dev.pave.spec.Document;
import dev.pave.spec.Environment;
import dev.pave.spec.Environments;
import dev.pave.spec.SpecReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's verdict from the settings admission denies with. */
class PoliciesTest {
  static final PolicySettings ADMISSION = PolicySettings.builtIn(Map.of("platform",
      Map.of("allowedRegistries", List.of("registry.example.com"))), Severity.HIGH);

  static Document<Application> spec(String image) {
    return SpecReader.read("pave.yaml", """
        apiVersion: pave.dev/v1alpha1
        kind: Application
        metadata:
          name: session-cache
        spec:
          team: shop
          image: %s
          port: 6379
        """.formatted(image)).applications().get(0);
  }

  @Test
  void anImageFromARegistryOutsideTheAllowListFailsAsAdmissionDeniesIt() {
    Environment dev = Environments.builtIn().get("dev");
    Instant now = Instant.parse("2026-12-07T12:00:00Z");
    Policies console = new Policies(ADMISSION, List::of);
    CheckRun run = console.check(spec("docker.io/bitnami/redis:7.2.4"), dev, now);
    assertThat(run.findings()).filteredOn(Finding::blocking).extracting(Finding::ruleId)
        .contains("platform/allowed-registries");
    assertThat(Policies.verdict(run)).isEqualTo("Fail");
    assertThat(console.failOn()).isEqualTo(Severity.HIGH);

    // The same image from the allowed registry: no registry finding, as admission admits it.
    CheckRun allowed = console.check(spec("registry.example.com/shop/redis:7.2.4"), dev, now);
    assertThat(allowed.findings()).extracting(Finding::ruleId)
        .doesNotContain("platform/allowed-registries");
  }
}
