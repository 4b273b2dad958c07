package dev.pave.schema;

import dev.pave.spec.ApplicationSpec;
import dev.pave.spec.EnvironmentSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The CustomResourceDefinitions of Pave's own kinds, as plain maps. */
public final class CustomResourceDefinitions {
  public static final String GROUP = "pave.dev";
  public static final String VERSION = "v1alpha1";

  private CustomResourceDefinitions() {}

  public static Map<String, Object> application() {
    return crd("Application", "applications", "application", List.of("app"), "Namespaced",
        SchemaGenerator.crdSchema(ApplicationSpec.class), List.of(
            column("Team", "string", ".spec.team"),
            column("Image", "string", ".spec.image"),
            column("Revision", "integer", ".status.revision"),
            column("Phase", "string", ".status.phase"),
            column("Age", "date", ".metadata.creationTimestamp")));
  }

  public static Map<String, Object> environment() {
    return crd("Environment", "environments", "environment", List.of("env"), "Cluster",
        SchemaGenerator.crdSchema(EnvironmentSpec.class), List.of(
            column("Cluster", "string", ".spec.cluster"),
            column("Domain", "string", ".spec.domain"),
            column("Age", "date", ".metadata.creationTimestamp")));
  }

  /** Cluster-scoped: a team spans the namespaces of every environment it deploys to. */
  public static Map<String, Object> team() {
    return crd("Team", "teams", "team", List.of(), "Cluster",
        SchemaGenerator.crdSchema(dev.pave.team.TeamSpec.class), List.of(
            column("Size", "string", ".spec.size"),
            column("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status"),
            column("Age", "date", ".metadata.creationTimestamp")));
  }

  public static Map<String, Object> applicationRevision() {
    return crd("ApplicationRevision", "applicationrevisions", "applicationrevision",
        List.of("apprev"), "Namespaced",
        SchemaGenerator.crdSchema(dev.pave.release.RevisionSpec.class), List.of(
            column("Application", "string", ".spec.application"),
            column("Environment", "string", ".spec.environment"),
            column("Revision", "integer", ".spec.number"),
            column("Changed-By", "string", ".spec.changedBy"),
            column("Age", "date", ".metadata.creationTimestamp")));
  }

  private static Map<String, Object> crd(String kind, String plural, String singular,
      List<String> shortNames, String scope, Map<String, Object> schema,
      List<Map<String, Object>> columns) {
    Map<String, Object> names = new LinkedHashMap<>();
    names.put("kind", kind);
    names.put("listKind", kind + "List");
    names.put("plural", plural);
    names.put("singular", singular);
    names.put("shortNames", shortNames);
    names.put("categories", List.of("pave"));
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("name", VERSION);
    version.put("served", true);
    version.put("storage", true);
    version.put("schema", Map.of("openAPIV3Schema", schema));
    version.put("subresources", Map.of("status", Map.of()));
    version.put("additionalPrinterColumns", columns);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("group", GROUP);
    spec.put("names", names);
    spec.put("scope", scope);
    spec.put("versions", List.of(version));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", plural + "." + GROUP);
    metadata.put("labels", Map.of("app.kubernetes.io/part-of", "pave"));
    Map<String, Object> crd = new LinkedHashMap<>();
    crd.put("apiVersion", "apiextensions.k8s.io/v1");
    crd.put("kind", "CustomResourceDefinition");
    crd.put("metadata", metadata);
    crd.put("spec", spec);
    return crd;
  }

  private static Map<String, Object> column(String name, String type, String path) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put("type", type);
    c.put("jsonPath", path);
    return c;
  }
}
