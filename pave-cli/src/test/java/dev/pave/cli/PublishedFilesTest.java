package dev.pave.cli;

import dev.pave.render.Golden;
import dev.pave.render.Manifests;
import dev.pave.schema.CustomResourceDefinitions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schemas under schema/ and the CRDs under deploy/crds/ are generated from the spec
 * records; this test fails when a committed copy is stale. Regenerate with
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

  @Test
  void theCustomResourceDefinitionsAreCurrent() throws Exception {
    String header = "# Generated from the spec records by the build; do not edit.\n";
    Golden.assertMatches(root.resolve("deploy/crds/applications.pave.dev.yaml"),
        header + Manifests.yamlOf(CustomResourceDefinitions.application()));
    Golden.assertMatches(root.resolve("deploy/crds/environments.pave.dev.yaml"),
        header + Manifests.yamlOf(CustomResourceDefinitions.environment()));
    Golden.assertMatches(root.resolve("deploy/crds/applicationrevisions.pave.dev.yaml"),
        header + Manifests.yamlOf(CustomResourceDefinitions.applicationRevision()));
  }
}
