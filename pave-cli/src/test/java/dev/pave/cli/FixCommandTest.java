package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixCommandTest {
  static final String DEPLOYMENT = """
      # Web tier, owned by the shop team.
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: shop
      spec:
        replicas: 2
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
              - name: app   # the main container
                image: registry.example.com/shop/web:1.2.3
                securityContext:
                  privileged: true
              - name: sidecar
                image: registry.example.com/shop/proxy:2.0.0
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}   # untouched
      spec: {ports: [{port: 80}]}
      """;

  @TempDir Path tmp;

  @Test
  void fixesInPlaceKeepingCommentsAndUntouchedLinesAndTheResultPassesTheCheck()
      throws Exception {
    Path f = tmp.resolve("web.yaml");
    Files.writeString(f, DEPLOYMENT);
    Cli r = Cli.run("fix", f.toString(), "--pack", "pod-security-restricted");
    assertThat(r.exit()).isZero();
    assertThat(r.err()).contains("fixed 8 findings; 0 left for a person.");
    String after = Files.readString(f);
    assertThat(after).startsWith("# Web tier, owned by the shop team.\n")
        .contains("      - name: app   # the main container\n")
        .contains("          privileged: false\n")
        .contains("          allowPrivilegeEscalation: false\n")
        .contains("\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n")
        .endsWith("metadata: {name: web, namespace: shop}   # untouched\n"
            + "spec: {ports: [{port: 80}]}\n");
    Cli check = Cli.run("check", f.toString(), "--pack", "pod-security-restricted");
    assertThat(check.exit()).as(check.out()).isZero();
  }

  @Test
  void dryRunPrintsAUnifiedDiffAndWritesNothing() throws Exception {
    Path f = tmp.resolve("web.yaml");
    Files.writeString(f, DEPLOYMENT);
    Cli r = Cli.run("fix", f.toString(), "--pack", "pod-security-baseline", "--dry-run");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--- a/").contains("+++ b/")
        .contains("-            privileged: true").contains("+            privileged: false");
    assertThat(Files.readString(f)).isEqualTo(DEPLOYMENT);
  }

  @Test
  void whatCannotBeFixedAutomaticallyIsListedAndFailsTheRun() throws Exception {
    Path f = tmp.resolve("pod.yaml");
    Files.writeString(f, """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: shop}
        spec:
          containers:
            - name: app
              image: registry.example.com/shop/app:1.0.0
              securityContext: {capabilities: {add: [SYS_ADMIN]}}
        """);
    Cli r = Cli.run("fix", f.toString(), "--pack", "pod-security-baseline");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("left: " + f + ": Pod/shop/p pod-security-baseline/capabilities"
        + " at spec.containers[name=app].securityContext.capabilities.add: no automatic fix");
  }
  @Test
  void aCorrectTeamLabelIsLeftAloneAndNoPlaceholderIsEverWritten() throws Exception {
    // identity-labels fails for the missing part-of label; its fix names pave.dev/team, which
    // is set correctly and must stay "shop", not become "<team>" (which Kubernetes rejects).
    Path labelled = tmp.resolve("labelled.yaml");
    String text = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          namespace: shop
          labels:
            app.kubernetes.io/name: p
            app.kubernetes.io/instance: p-prod
            pave.dev/team: shop
            pave.dev/environment: prod
        spec:
          containers:
            - name: app
              image: registry.example.com/shop/app:1.0.0
        """;
    Files.writeString(labelled, text);
    Cli r = Cli.run("fix", labelled.toString(), "--pack", "platform");
    assertThat(Files.readString(labelled)).contains("pave.dev/team: shop")
        .doesNotContain("<team>");
    assertThat(r.err()).contains("platform/identity-labels at metadata.labels: no automatic fix");

    // Without the label, the fix's value is a stand-in: left for a person, the file untouched,
    // so the owning-team rule still fails.
    Path unowned = tmp.resolve("unowned.yaml");
    String withoutTeam = text.replace("    pave.dev/team: shop\n", "");
    Files.writeString(unowned, withoutTeam);
    Cli u = Cli.run("fix", unowned.toString(), "--pack", "platform");
    assertThat(Files.readString(unowned)).doesNotContain("<team>");
    assertThat(u.exit()).isEqualTo(1);
    assertThat(u.err()).contains("platform/owning-team at metadata.labels: no automatic fix:"
        + " the fix's value \"<team>\" is for a person to choose");
    Cli check = Cli.run("check", unowned.toString(), "--pack", "platform");
    assertThat(check.out()).contains("owning-team");
    assertThat(check.exit()).isEqualTo(1);
  }
}
