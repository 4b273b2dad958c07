package dev.pave.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pave.release.Revision;
import dev.pave.render.Renderer;
import dev.pave.render.Specs;
import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReleasesTest {
  static final Releases.Target CHECKOUT = new Releases.Target("checkout", "dev", "checkout-dev");

  TestCluster api;
  KubernetesClient client;

  @BeforeEach
  void start() {
    api = TestCluster.start().crds(List.of(CustomResourceDefinitions.applicationRevision()));
    client = api.client;
  }

  @AfterEach
  void stop() {
    api.close();
  }

  Releases releases(int retention) {
    return new Releases(client, Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"),
        ZoneOffset.UTC), System::nanoTime, retention);
  }

  static List<HasMetadata> render(String logLevel) {
    return Renderer.render(Specs.app("port: 8080\nenv: {LOG_LEVEL: " + logLevel + "}"),
        Environments.builtIn().get("dev"));
  }

  String logLevel() {
    Deployment d = client.apps().deployments().inNamespace("checkout-dev").withName("checkout")
        .get();
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("LOG_LEVEL")).findFirst().orElseThrow().getValue();
  }

  @Test
  void eachChangedReleaseIsOneRevisionAndARepeatedDeployRecordsNothing() {
    Releases r = releases(20);
    Releases.Outcome first = r.deploy(CHECKOUT, render("info"), "spec v1", "ana", "abc1");
    assertThat(first.revision()).isEqualTo(1);
    assertThat(first.recorded()).isTrue();
    Releases.Outcome again = r.deploy(CHECKOUT, render("info"), "spec v1", "operator", null);
    assertThat(again.recorded()).isFalse();
    assertThat(again.revision()).isEqualTo(1);
    Releases.Outcome second = r.deploy(CHECKOUT, render("debug"), "spec v2", "ana", "abc2");
    assertThat(second.revision()).isEqualTo(2);
    assertThat(r.history(CHECKOUT)).extracting(Revision::number, Revision::changedBy,
        Revision::sourceCommit).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, "ana", "abc1"),
        org.assertj.core.groups.Tuple.tuple(2, "ana", "abc2"));
  }

  @Test
  void aRollbackAppliesThePreviousRevisionInOneStepAndIsRecorded() {
    Releases r = releases(20);
    r.deploy(CHECKOUT, render("info"), "spec v1", "ana", null);
    r.deploy(CHECKOUT, render("debug"), "spec v2", "ana", null);
    assertThat(logLevel()).isEqualTo("debug");
    Releases.Outcome back = r.rollback(CHECKOUT, null, "bo");
    assertThat(back.failed()).isFalse();
    assertThat(logLevel()).isEqualTo("info");
    assertThat(back.revision()).isEqualTo(3);
    assertThat(back.took()).isPositive();
    assertThat(r.history(CHECKOUT)).last().extracting(Revision::changedBy)
        .isEqualTo("bo (rollback to 1)");
    Releases.Outcome forward = r.rollback(CHECKOUT, 2, "bo");
    assertThat(logLevel()).isEqualTo("debug");
    assertThat(forward.revision()).isEqualTo(4);
  }

  @Test
  void aRollbackToARevisionThatIsNotKeptSaysWhichAre() {
    Releases r = releases(20);
    r.deploy(CHECKOUT, render("info"), "spec v1", "ana", null);
    assertThatThrownBy(() -> r.rollback(CHECKOUT, null, "bo"))
        .hasMessage("there is no revision before 1 to roll back to");
    assertThatThrownBy(() -> r.rollback(CHECKOUT, 7, "bo"))
        .hasMessage("revision 7 is not kept; kept revisions: [1]");
  }

  @Test
  void onlyTheConfiguredNumberOfRevisionsIsKept() {
    Releases r = releases(3);
    for (String level : List.of("a", "b", "c", "d", "e")) {
      r.deploy(CHECKOUT, render(level), "spec " + level, "ana", null);
    }
    assertThat(r.history(CHECKOUT)).extracting(Revision::number).containsExactly(3, 4, 5);
  }
}
