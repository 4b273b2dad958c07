package dev.pave.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.render.Manifests;
import dev.pave.render.Renderer;
import dev.pave.render.Specs;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class ThreeWayMergeTest {
  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String text) {
    return new Yaml().load(text);
  }

  static final String DESIRED = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels: {app: web}
        annotations: {pave.dev/owner: ana}
      spec:
        template:
          spec:
            containers:
              - name: app
                image: web:2
                env: [{name: MODE, value: fast}]
      """;

  @Test
  void aNewObjectIsWrittenAsDesired() {
    Map<String, Object> desired = yaml(DESIRED);
    assertThat(ThreeWayMerge.merge(null, desired, null)).isEqualTo(desired);
  }

  @Test
  void replicasSetByAnAutoscalerAreLeftAlone() {
    Map<String, Object> live = yaml(DESIRED.replace("spec:\n  template:",
        "spec:\n  replicas: 5\n  template:"));
    Map<String, Object> merged = ThreeWayMerge.merge(yaml(DESIRED), yaml(DESIRED), live);
    assertThat(path(merged, "spec", "replicas")).isEqualTo(5);
  }

  @Test
  void replicasPaveWroteBeforeAreRemovedWhenItStopsWantingThem() {
    String fixed = DESIRED.replace("spec:\n  template:", "spec:\n  replicas: 3\n  template:");
    Map<String, Object> merged = ThreeWayMerge.merge(yaml(fixed), yaml(DESIRED), yaml(fixed));
    assertThat(((Map<?, ?>) merged.get("spec")).containsKey("replicas")).isFalse();
  }

  @Test
  void annotationsOfOthersStayAndPavesOldOnesGo() {
    Map<String, Object> last = yaml(DESIRED.replace("{pave.dev/owner: ana}",
        "{pave.dev/owner: ana, pave.dev/runbook: 'https://r'}"));
    Map<String, Object> live = yaml(DESIRED.replace("{pave.dev/owner: ana}",
        "{pave.dev/owner: ana, pave.dev/runbook: 'https://r', deployment.kubernetes.io/revision:"
            + " '7'}"));
    Map<String, Object> merged = ThreeWayMerge.merge(last, yaml(DESIRED), live);
    assertThat((Map<String, Object>) path(merged, "metadata", "annotations"))
        .containsEntry("pave.dev/owner", "ana")
        .containsEntry("deployment.kubernetes.io/revision", "7")
        .doesNotContainKey("pave.dev/runbook");
  }

  @Test
  @SuppressWarnings("unchecked")
  void injectedSidecarsStayRemovedContainersGoAndDefaultsAreKept() {
    Map<String, Object> last = yaml(DESIRED.replace("env: [{name: MODE, value: fast}]",
        "env: [{name: MODE, value: fast}]\n        - name: old\n          image: old:1"));
    Map<String, Object> live = yaml(DESIRED.replace("image: web:2", "image: web:1\n"
        + "          terminationMessagePath: /dev/termination-log")
        .replace("env: [{name: MODE, value: fast}]", "env: [{name: MODE, value: fast}]\n"
            + "        - name: old\n          image: old:1\n"
            + "        - name: istio-proxy\n          image: istio:1.20"));
    Map<String, Object> merged = ThreeWayMerge.merge(last, yaml(DESIRED), live);
    List<Map<String, Object>> containers = (List<Map<String, Object>>) path(merged, "spec",
        "template", "spec", "containers");
    assertThat(containers).extracting(c -> c.get("name")).containsExactly("app", "istio-proxy");
    assertThat(containers.get(0)).containsEntry("image", "web:2")
        .containsEntry("terminationMessagePath", "/dev/termination-log");
  }

  @Test
  void statusAndServerFieldsAreNeverOverwritten() {
    Map<String, Object> live = yaml(DESIRED.replace("name: web\n", "name: web\n"
        + "  resourceVersion: '42'\n  uid: abc\n") + "status: {readyReplicas: 2}\n");
    Map<String, Object> merged = ThreeWayMerge.merge(yaml(DESIRED), yaml(DESIRED), live);
    assertThat(path(merged, "metadata", "resourceVersion")).isEqualTo("42");
    assertThat(path(merged, "status", "readyReplicas")).isEqualTo(2);
  }

  @Test
  void driftIsReportedOnlyForFieldsPaveOwns() {
    Map<String, Object> live = yaml(DESIRED.replace("image: web:2", "image: web:hotfix")
        .replace("labels: {app: web}", "labels: {app: web, team: other}"));
    List<Drift.Change> drift = Drift.between(yaml(DESIRED), live);
    assertThat(drift).containsExactly(new Drift.Change(
        "spec.template.spec.containers[name=app].image", "web:2", "web:hotfix"));
  }

  /**
   * For every rendered object: whatever another controller added, after the merge the fields
   * Pave owns are exactly what it wants (no drift) and what the others added is still there.
   */
  @Property(tries = 50)
  @SuppressWarnings("unchecked")
  void afterTheMergePavesFieldsAreAsDesiredAndOthersFieldsRemain(
      @ForAll @IntRange(min = 1, max = 20) int replicas) {
    List<HasMetadata> rendered = Renderer.render(Specs.app("port: 8080\nautoscale: {min: 2,"
        + " max: 9}\njobs: [{name: j, schedule: '@daily'}]"), Environments.builtIn().get("prod"));
    for (HasMetadata o : rendered) {
      Map<String, Object> desired = Manifests.toMap(o);
      Map<String, Object> live = (Map<String, Object>) ThreeWayMerge.copyValue(desired);
      Map<String, Object> meta = (Map<String, Object>) live.get("metadata");
      Map<String, Object> annotations = new LinkedHashMap<>(meta.get("annotations") == null
          ? Map.of() : (Map<String, Object>) meta.get("annotations"));
      annotations.put("other.example.com/touched", "yes");
      meta.put("annotations", annotations);
      meta.put("resourceVersion", "7");
      if (o.getKind().equals("Deployment")) {
        ((Map<String, Object>) live.get("spec")).put("replicas", replicas);
      }
      Map<String, Object> merged = ThreeWayMerge.merge(desired, desired, live);
      assertThat(Drift.between(desired, merged)).as(o.getKind()).isEmpty();
      assertThat(path(merged, "metadata", "annotations", "other.example.com/touched"))
          .isEqualTo("yes");
      if (o.getKind().equals("Deployment")) {
        assertThat(path(merged, "spec", "replicas")).isEqualTo(replicas);
      }
      Map<String, Object> again = ThreeWayMerge.merge(desired, desired, merged);
      assertThat(again).as("merging is idempotent").isEqualTo(merged);
    }
  }

  @SuppressWarnings("unchecked")
  static Object path(Map<String, Object> m, String... keys) {
    Object node = m;
    for (String k : keys) {
      node = ((Map<String, Object>) node).get(k);
    }
    return node;
  }

  static List<Object> list(Object... items) {
    return new ArrayList<>(List.of(items));
  }
}
