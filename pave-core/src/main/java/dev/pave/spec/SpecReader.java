package dev.pave.spec;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads Pave documents (Application, Environment) from YAML text. Pure: the caller supplies the
 * text and a name for it; nothing is read from disk here.
 */
public final class SpecReader {
  private SpecReader() {}

  public static ReadResult read(String source, String text) {
    List<Document<?>> documents = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (YamlDocuments.Piece piece : YamlDocuments.split(text)) {
      readOne(source, piece, documents, problems);
    }
    if (documents.isEmpty() && problems.isEmpty()) {
      problems.add(new Problem(source, 0, 0, "", "no document found; expected an Application"
          + " (apiVersion: " + Application.API_VERSION + ", kind: Application)"));
    }
    return new ReadResult(documents, problems);
  }

  private static void readOne(String source, YamlDocuments.Piece piece,
      List<Document<?>> documents, List<Problem> problems) {
    Node root = YamlDocuments.compose(source, piece, problems);
    if (root == null) {
      return;
    }
    SourceMap positions = new SourceMap(source);
    List<Problem> found = new ArrayList<>();
    Binder binder = new Binder(positions, found, piece.firstLine());
    if (!(root instanceof MappingNode mapping)) {
      binder.problem(root, "", "expected a mapping with apiVersion, kind, metadata and spec, got "
          + Binder.describe(root));
      problems.addAll(found);
      return;
    }
    String apiVersion = scalarField(mapping, "apiVersion");
    String kind = scalarField(mapping, "kind");
    Object value = null;
    if (!Application.API_VERSION.equals(apiVersion)) {
      binder.problem(fieldNode(mapping, "apiVersion"), "apiVersion",
          apiVersion == null ? "missing apiVersion; expected " + Application.API_VERSION
              : "unsupported apiVersion \"" + apiVersion + "\"; expected "
                  + Application.API_VERSION);
    } else if (Application.KIND.equals(kind)) {
      Application app = binder.bindRecord(Application.class, root, "");
      if (app != null && found.isEmpty()) {
        found.addAll(ApplicationChecks.check(app, positions));
      }
      value = app;
    } else if (Environment.KIND.equals(kind)) {
      Environment env = binder.bindRecord(Environment.class, root, "");
      if (env != null && found.isEmpty()) {
        found.addAll(EnvironmentChecks.check(env, positions));
      }
      value = env;
    } else {
      binder.problem(fieldNode(mapping, "kind"), "kind", kind == null
          ? "missing kind; expected Application or Environment"
          : "unknown kind \"" + kind + "\"; expected Application or Environment"
              + Suggest.didYouMean(kind, List.of("Application", "Environment")));
    }
    problems.addAll(found);
    if (found.isEmpty() && value != null) {
      documents.add(new Document<>(value, positions));
    }
  }

  private static Node fieldNode(MappingNode mapping, String name) {
    for (NodeTuple t : mapping.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(name)) {
        return t.getValueNode();
      }
    }
    return mapping;
  }

  private static String scalarField(MappingNode mapping, String name) {
    Node n = fieldNode(mapping, name);
    return n != mapping && n instanceof ScalarNode s ? s.getValue() : null;
  }
}
