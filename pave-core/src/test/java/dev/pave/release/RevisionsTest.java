package dev.pave.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.render.Manifests;
import dev.pave.render.Renderer;
import dev.pave.render.Specs;
import dev.pave.spec.Environments;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RevisionsTest {
  static final Instant T = Instant.parse("2026-11-24T12:00:00Z");

  static List<Map<String, Object>> rendered(String extra) {
    return Renderer.render(Specs.app("port: 8080\n" + extra), Environments.builtIn().get("prod"))
        .stream().map(Manifests::toMap).toList();
  }

  @Test
  void theFirstReleaseIsRevisionOneAndItsObjectsComeBackIntact() {
    List<Map<String, Object>> objects = rendered("");
    Revision r = Revisions.next(List.of(), objects, "spec: {}", "ana", T, "abc123").orElseThrow();
    assertThat(r.number()).isEqualTo(1);
    assertThat(r.hash()).hasSize(64);
    assertThat(Revisions.objects(r)).isEqualTo(objects);
    assertThat(r.objects().length()).as("compressed").isLessThan(
        Manifests.yamlOf(objects).length() / 3);
  }

  @Test
  void unchangedOutputRecordsNothingSoARetriedReconcileMakesNoDuplicate() {
    List<Map<String, Object>> objects = rendered("");
    Revision first = Revisions.next(List.of(), objects, "s", "ana", T, null).orElseThrow();
    assertThat(Revisions.next(List.of(first), rendered(""), "s", "operator", T.plusSeconds(5),
        null)).isEmpty();
    Revision second = Revisions.next(List.of(first), rendered("replicas: 4"), "s2", "ana",
        T.plusSeconds(60), null).orElseThrow();
    assertThat(second.number()).isEqualTo(2);
    assertThat(second.hash()).isNotEqualTo(first.hash());
  }

  @Test
  void theHashIgnoresMapOrderButNotValues() {
    assertThat(Revisions.hash(List.of(Map.of("a", 1L, "b", 2L))))
        .isEqualTo(Revisions.hash(List.of(Map.of("b", 2L, "a", 1L))))
        .isNotEqualTo(Revisions.hash(List.of(Map.of("a", 1L, "b", 3L))));
  }

  @Test
  void retentionDeletesTheOldestButNeverAProtectedRevision() {
    List<Revision> history = new ArrayList<>();
    for (int i = 1; i <= 25; i++) {
      history.add(new Revision(i, "h" + i, "", "", "ana", T.plusSeconds(i), null));
    }
    List<Revision> expired = Revisions.expired(history, 20, Set.of(2, 25));
    assertThat(expired).extracting(Revision::number).containsExactly(1, 3, 4, 5, 6);
    assertThat(Revisions.expired(history.subList(0, 10), 20, Set.of())).isEmpty();
  }
}
