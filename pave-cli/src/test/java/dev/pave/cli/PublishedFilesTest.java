package dev.pave.cli;

import dev.pave.render.Golden;
import dev.pave.render.Manifests;
import dev.pave.schema.CustomResourceDefinitions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schemas under schema/ and the CRDs under deploy/crds/ (and the Helm chart's crds/)
 * are generated from the spec records; this test fails when a committed copy is stale.
 * Regenerate with
 * {@code ./mvnw verify -Dpave.golden.update=true}.
 */
class PublishedFilesTest {
  final Path root = Golden.root();

  @Test
  void theJsonSchemasAreCurrent() throws Exception {
    Golden.assertMatches(root.resolve("schema/application.schema.json"),
        SchemaCommand.text("Application"));
    Golden.assertMatches(root.resolve("schema/environment.schema.json"),
        SchemaCommand.text("Environment"));
  }

  /** The CRDs for kubectl and the same ones in the Helm chart, which installs them first. */
  @Test
  void theCustomResourceDefinitionsAreCurrent() throws Exception {
    String header = "# Generated from the spec records by the build; do not edit.\n";
    for (String dir : new String[] {"deploy/crds", "deploy/helm/pave/crds"}) {
      Golden.assertMatches(root.resolve(dir + "/applications.pave.dev.yaml"),
          header + Manifests.yamlOf(CustomResourceDefinitions.application()));
      Golden.assertMatches(root.resolve(dir + "/environments.pave.dev.yaml"),
          header + Manifests.yamlOf(CustomResourceDefinitions.environment()));
      Golden.assertMatches(root.resolve(dir + "/applicationrevisions.pave.dev.yaml"),
          header + Manifests.yamlOf(CustomResourceDefinitions.applicationRevision()));
      Golden.assertMatches(root.resolve(dir + "/teams.pave.dev.yaml"),
          header + Manifests.yamlOf(CustomResourceDefinitions.team()));
      Golden.assertMatches(root.resolve(dir + "/signalsinks.pave.dev.yaml"),
          header + Manifests.yamlOf(
              dev.pave.signals.cluster.SignalSinkResources.definition()));
    }
  }
}
