package dev.pave.team;

import dev.pave.render.Manifests;
import dev.pave.spec.Document;
import dev.pave.spec.Problem;
import dev.pave.spec.Records;
import dev.pave.spec.SourceMap;
import dev.pave.spec.YamlDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads Team documents from YAML text with the same positioned, all-at-once problems as the
 * Application reader ({@code teams.yaml:7:5: spec.members[1].role: ...}). Pure.
 */
public final class TeamReader {
  private TeamReader() {}

  /** The Teams read cleanly and every problem found. */
  public record Read(List<Document<Team>> teams, List<Problem> problems) {
    public Read {
      teams = List.copyOf(teams);
      problems = List.copyOf(problems);
    }

    public boolean ok() {
      return problems.isEmpty();
    }
  }

  public static Read read(String source, String text) {
    List<Document<Team>> teams = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (YamlDocuments.Piece piece : YamlDocuments.split(text)) {
      Node root = YamlDocuments.compose(source, piece, problems);
      if (root == null) {
        continue;
      }
      SourceMap positions = new SourceMap(source);
      List<Problem> found = new ArrayList<>();
      String kind = root instanceof MappingNode m ? scalar(m, "kind") : null;
      String apiVersion = root instanceof MappingNode m ? scalar(m, "apiVersion") : null;
      if (!Team.KIND.equals(kind) || !Team.API_VERSION.equals(apiVersion)) {
        int line = root.getStartMark().getLine() + 1 + piece.firstLine();
        problems.add(new Problem(source, line, 1, kind == null ? "kind" : "apiVersion",
            "expected apiVersion: " + Team.API_VERSION + " and kind: Team, got "
                + (apiVersion == null ? "no apiVersion" : apiVersion) + " and "
                + (kind == null ? "no kind" : kind)));
        continue;
      }
      Team team = Records.bind(Team.class, root, positions, found, piece.firstLine());
      if (team != null && found.isEmpty()) {
        found.addAll(TeamChecks.check(team, positions));
      }
      problems.addAll(found);
      if (team != null && found.isEmpty()) {
        teams.add(new Document<>(team, positions));
      }
    }
    if (teams.isEmpty() && problems.isEmpty()) {
      problems.add(new Problem(source, 0, 0, "", "no document found; expected a Team"
          + " (apiVersion: " + Team.API_VERSION + ", kind: Team)"));
    }
    return new Read(teams, problems);
  }

  /** A Team custom resource as the API returns it (a map), read as if from a file. */
  public static Read fromObject(Map<String, Object> object) {
    Map<String, Object> doc = new java.util.LinkedHashMap<>();
    Object meta = object.get("metadata");
    Object name = meta instanceof Map<?, ?> m ? m.get("name") : null;
    doc.put("apiVersion", Team.API_VERSION);
    doc.put("kind", Team.KIND);
    doc.put("metadata", Map.of("name", name == null ? "" : name));
    doc.put("spec", object.get("spec") == null ? Map.of() : object.get("spec"));
    return read("Team/" + name, Manifests.yamlOf(doc));
  }

  private static String scalar(MappingNode mapping, String key) {
    for (NodeTuple t : mapping.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)
          && t.getValueNode() instanceof ScalarNode v) {
        return v.getValue();
      }
    }
    return null;
  }
}
