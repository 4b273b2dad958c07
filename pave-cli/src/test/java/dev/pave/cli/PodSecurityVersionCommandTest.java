package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --pss-version, and fields written without a value, through check and fix. */
class PodSecurityVersionCommandTest {
  /** Admitted by Kubernetes at baseline: the empty securityContext and annotations are absent. */
  static final String EMPTY_FIELDS = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: shop
      spec:
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
            annotations:
          spec:
            securityContext:
            containers:
              - name: app
                image: registry.example.com/shop/web:1.2.3
                securityContext:
      """;

  static final String PROBE_HOST = """
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop}
      spec:
        containers:
          - name: app
            image: registry.example.com/shop/web:1.2.3
            livenessProbe:
              tcpSocket: {host: 10.0.0.1, port: 80}
      """;

  @TempDir Path tmp;

  private String file(String name, String text) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, text);
    return f.toString();
  }

  @Test
  void emptyFieldsPassBaselineInEveryFormatWithoutInternalValues() throws Exception {
    String f = file("web.yaml", EMPTY_FIELDS);
    for (String format : CheckCommand.FORMATS) {
      Cli r = Cli.run("check", f, "--pack", "pod-security-baseline", "-o", format);
      assertThat(r.exit()).as(format + ": " + r.out() + r.err()).isZero();
      assertThat(r.out() + r.err()).as(format).doesNotContain("Cel", "Unknown",
          "{attributes", "policy error");
    }
    Cli restricted = Cli.run("check", f, "--pack", "pod-security-restricted", "-o", "json");
    assertThat(restricted.exit()).isEqualTo(1);
    assertThat(restricted.out()).contains("allowPrivilegeEscalation != false")
        .doesNotContain("pod-security-baseline/", "Cel", "Unknown");
  }

  @Test
  void fixNeverBreaksAFileWithFieldsWrittenWithoutAValue() throws Exception {
    String f = file("web.yaml", EMPTY_FIELDS);
    Cli r = Cli.run("fix", f, "--pack", "pod-security-restricted");
    // Nothing here is a baseline finding, so nothing baseline is offered as a fix.
    assertThat(r.err()).doesNotContain("pod-security-baseline/", "Cel", "Unknown");
    Cli check = Cli.run("check", f, "--pack", "pod-security-restricted");
    assertThat(check.err()).doesNotContain("invalid", "Exception");
    if (r.exit() == 0) {
      assertThat(check.exit()).as(check.out()).isZero();
    } else {
      assertThat(Files.readString(Path.of(f))).isEqualTo(EMPTY_FIELDS);
      assertThat(r.err()).contains("pod-security-restricted/allow-privilege-escalation");
    }
  }

  @Test
  void anOlderReleaseLeavesOutChecksNewerThanIt() throws Exception {
    String f = file("pod.yaml", PROBE_HOST);
    Cli latest = Cli.run("check", f, "--pack", "pod-security-baseline");
    assertThat(latest.exit()).isEqualTo(1);
    assertThat(latest.out()).contains("probe or lifecycle host");
    assertThat(Cli.run("check", f, "--pack", "pod-security-baseline", "--pss-version",
        "v1.36").exit()).isEqualTo(1);
    Cli older = Cli.run("check", f, "--pack", "pod-security-baseline", "--pss-version",
        "v1.33");
    assertThat(older.exit()).as(older.out()).isZero();
    Cli fix = Cli.run("fix", f, "--pack", "pod-security-baseline", "--pss-version", "v1.33");
    assertThat(fix.exit()).as(fix.err()).isZero();
    assertThat(Files.readString(Path.of(f))).isEqualTo(PROBE_HOST);
  }

  @Test
  void aBadVersionIsAUsageErrorNamingWhatIsValid() throws Exception {
    String f = file("pod.yaml", PROBE_HOST);
    for (String bad : new String[] {"1.33", "v2.0", "v1.21", "newest"}) {
      Cli r = Cli.run("check", f, "--pss-version", bad);
      assertThat(r.exit()).as(bad).isEqualTo(2);
      assertThat(r.err()).as(bad).contains("--pss-version").contains(bad)
          .doesNotContain("Exception", "\tat ");
    }
    assertThat(Cli.run("check", f, "--pss-version", "v2.0").err()).contains(
        "expected latest or v1.NN (v1.22 to v1.36)");
    assertThat(Cli.run("fix", f, "--pss-version", "v1.21").err()).contains(
        "older than v1.22");
  }
}
