package dev.pave.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.spec.Application;
import dev.pave.spec.Environments;
import dev.pave.spec.ReadResult;
import dev.pave.spec.SpecReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each example in examples/ rendered for every built-in environment must equal its committed
 * output in examples/NAME/rendered/ENV.yaml, which also shows users what Pave produces.
 */
class GoldenExamplesTest {

  @TestFactory
  Stream<DynamicTest> examplesRenderToTheirCommittedOutput() throws IOException {
    Path examples = Golden.root().resolve("examples");
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(examples)) {
      for (Path dir : dirs.filter(d -> Files.exists(d.resolve("pave.yaml"))).sorted().toList()) {
        ReadResult read = SpecReader.read(dir.resolve("pave.yaml").toString(),
            Files.readString(dir.resolve("pave.yaml"), StandardCharsets.UTF_8));
        for (String env : Environments.builtIn().keySet()) {
          tests.add(DynamicTest.dynamicTest(dir.getFileName() + " in " + env, () -> {
            assertThat(read.problems()).isEmpty();
            Application app = read.applications().get(0).value();
            String yaml = Manifests.yaml(Renderer.render(app, Environments.builtIn().get(env)));
            Golden.assertMatches(dir.resolve("rendered").resolve(env + ".yaml"), yaml);
          }));
        }
      }
    }
    assertThat(tests).as("examples found").hasSizeGreaterThanOrEqualTo(9);
    return tests.stream();
  }
}
