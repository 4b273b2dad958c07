package dev.pave.signals.insights;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.insights.Costs;
import dev.pave.signals.config.ConfigReader;
import dev.pave.spec.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code insights.costs} in the signals configuration: the documented example and bad input. */
class InsightsCostsConfigTest {
  @TempDir Path dir;

  static final String HEAD = """
      apiVersion: pave.dev/v1alpha1
      kind: SignalsConfig
      """;

  /** The yaml block of docs/insights.md's worked example, as written there. */
  static String documentedCosts() throws Exception {
    String doc = Files.readString(Path.of("../docs/insights.md"));
    int at = doc.indexOf("```yaml\ninsights:\n");
    assertThat(at).as("the worked example's yaml block in docs/insights.md").isPositive();
    int start = at + "```yaml\n".length();
    return doc.substring(start, doc.indexOf("```", start));
  }

  @Test
  void theDocumentedExampleStatesPeopleInfrastructureAndAVendorPerCluster() throws Exception {
    var r = ConfigReader.read("signals.yaml", HEAD + documentedCosts(), dir);
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().costs()).isEqualTo(new Costs(600_000, 5_000, 0, 2_000, 0, 3,
        150_000));
  }

  @Test
  void withoutCostsThereAreNone() throws Exception {
    var r = ConfigReader.read("signals.yaml", HEAD, dir);
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().costs()).isNull();
  }

  @Test
  void badFiguresNameTheirLineAndField() throws Exception {
    var r = ConfigReader.read("signals.yaml", HEAD + """
        insights:
          costs:
            people: {count: four, yearlyCostEach: -1}
            vendor: {perClusterPerMonth: 2000, perNode: 10}
            infrastrcture: 5
        """, dir);
    assertThat(r.config()).isNull();
    assertThat(r.problems()).extracting(Problem::format).containsExactlyInAnyOrder(
        "signals.yaml:7:5: insights.costs.infrastrcture: unknown field \"infrastrcture\" Valid"
            + " fields here: people, infrastructurePerMonth, vendor, clusters, nodes.",
        "signals.yaml:5:21: insights.costs.people.count: expected a number of 0 or more (such as"
            + " 120000 or 45.5), got \"four\"",
        "signals.yaml:5:43: insights.costs.people.yearlyCostEach: must be 0 or more, got -1",
        "signals.yaml:6:40: insights.costs.vendor.perNode: unknown field \"perNode\" Valid"
            + " fields here: perClusterPerMonth, perNodePerMonth.",
        "signals.yaml:5:5: insights.costs.clusters: missing clusters: vendor.perClusterPerMonth"
            + " is priced per cluster, so the number of clusters is needed");
  }
}
