package dev.pave.console.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InitSuggestionTest {
  static Workload workload(String team, String image, Integer port) {
    return new Workload("Deployment", "ns", "legacy", team, false, "Healthy", "1/1", List.of(),
        image, port);
  }

  @Test
  void describesTheWorkloadWithTheFlagsPaveInitTakes() {
    var s = InitSuggestion.of(workload("payments", "r.example.com/p/legacy:2.1.0", 8080));
    assertThat(s.command()).isEqualTo("pave init --no-input --name legacy --team payments"
        + " --image r.example.com/p/legacy:2.1.0 --port 8080");
    assertThat(s.gaps()).isEmpty();
  }

  @Test
  void namesWhatItCouldNotFillIn() {
    var s = InitSuggestion.of(workload(null, "r.example.com/p/legacy", null));
    assertThat(s.command()).isEqualTo("pave init --no-input --name legacy --team TEAM"
        + " --image r.example.com/p/legacy");
    assertThat(s.gaps()).hasSize(2).anyMatch(g -> g.contains("TEAM"))
        .anyMatch(g -> g.contains("has no tag"));
  }

  @Test
  void quotesForTheShell() {
    assertThat(InitSuggestion.quote("it's")).isEqualTo("'it'\\''s'");
    assertThat(InitSuggestion.quote("a-b.c")).isEqualTo("a-b.c");
  }
}
