package dev.pave.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Who changed a drifted field, from managedFields as a real API server writes them. */
class ManagersTest {
  @SuppressWarnings("unchecked")
  static final Map<String, Object> LIVE = new Yaml().load("""
      metadata:
        name: checkout
        managedFields:
        - manager: pave
          operation: Update
          time: "2026-11-30T10:00:00Z"
          fieldsV1:
            f:metadata: {f:annotations: {f:pave.dev/last-applied: {}}}
            f:spec:
              f:replicas: {}
              f:template: {f:spec: {f:containers: {'k:{"name":"checkout"}': {f:image: {}, f:env: {}}}}}
        - manager: kubectl-edit
          operation: Update
          time: "2026-12-01T09:00:00Z"
          fieldsV1:
            f:spec: {f:template: {f:spec: {f:containers: {'k:{"name":"checkout"}': {f:image: {}}}}}}
        - manager: argocd-controller
          operation: Update
          time: "2026-12-01T08:00:00Z"
          fieldsV1:
            f:metadata: {f:annotations: {f:example.com/owner: {}}}
        - manager: kube-controller-manager
          operation: Update
          subresource: status
          time: "2026-12-01T09:30:00Z"
          fieldsV1: {f:status: {f:replicas: {}}}
      """);

  static Drift.Change change(String path) {
    return Managers.attribute(List.of(new Drift.Change(path, "a", "b")), LIVE, Set.of("pave"))
        .get(0);
  }

  @Test
  void aContainerFieldIsAttributedToWhoeverWroteItLast() {
    assertThat(change("spec.template.spec.containers[name=checkout].image").manager())
        .isEqualTo("kubectl-edit");
  }

  @Test
  void anAnnotationWithDotsInItsKeyIsFound() {
    assertThat(change("metadata.annotations.example.com/owner").manager())
        .isEqualTo("argocd-controller");
  }

  @Test
  void fieldsOnlyPaveWroteHaveNoOtherManager() {
    assertThat(change("spec.replicas").manager()).isNull();
    assertThat(change("spec.template.spec.containers[name=sidecar].image").manager()).isNull();
  }

  @Test
  void withoutManagedFieldsNothingIsClaimed() {
    Drift.Change c = new Drift.Change("spec.replicas", 1, 2);
    assertThat(Managers.attribute(List.of(c), Map.of("metadata", Map.of()), Set.of("pave")))
        .containsExactly(c);
  }
}
