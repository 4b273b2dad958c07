package dev.pave.policy;

import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import dev.pave.spec.Application;
import dev.pave.spec.Document;
import dev.pave.spec.Problem;
import dev.pave.spec.Records;
import dev.pave.spec.SourceMap;
import dev.pave.spec.YamlDocuments;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads Policy and PolicyException documents, with positioned problems like the spec reader. */
public final class PolicyReader {
  /** Policies and exceptions read from one text, and what was wrong. */
  public record Result(List<Document<Policy>> policies,
      List<Document<PolicyException>> exceptions, List<SourceObject> admissionPolicies,
      List<SourceObject> bindings, List<SourceObject> others, List<Problem> problems) {}

  private PolicyReader() {}

  public static Result read(String source, String text) {
    List<Document<Policy>> policies = new ArrayList<>();
    List<Document<PolicyException>> exceptions = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (YamlDocuments.Piece piece : YamlDocuments.split(text)) {
      Node root = YamlDocuments.compose(source, piece, problems);
      if (!(root instanceof MappingNode mapping)) {
        continue;
      }
      String kind = scalar(mapping, "kind");
      String apiVersion = scalar(mapping, "apiVersion");
      SourceMap positions = new SourceMap(source);
      List<Problem> found = new ArrayList<>();
      if (Policy.KIND.equals(kind) && Application.API_VERSION.equals(apiVersion)) {
        Policy p = Records.bind(Policy.class, root, positions, found, piece.firstLine());
        if (found.isEmpty() && p != null) {
          policies.add(new Document<>(p, positions));
        }
      } else if (PolicyException.KIND.equals(kind)
          && Application.API_VERSION.equals(apiVersion)) {
        PolicyException e = Records.bind(PolicyException.class, root, positions, found,
            piece.firstLine());
        if (found.isEmpty() && e != null) {
          exceptions.add(new Document<>(e, positions));
        }
      }
      problems.addAll(found);
    }
    List<SourceObject> vaps = new ArrayList<>();
    List<SourceObject> bindings = new ArrayList<>();
    List<SourceObject> others = new ArrayList<>();
    for (SourceObject o : SourceReader.read(source, text).objects()) {
      if (AdmissionPolicies.isPolicy(o)) {
        vaps.add(o);
      } else if (AdmissionPolicies.isBinding(o)) {
        bindings.add(o);
      } else if (!o.apiVersion().equals(Application.API_VERSION)) {
        // Parameter objects of ValidatingAdmissionPolicies (ConfigMaps, custom resources).
        others.add(o);
      }
    }
    return new Result(policies, exceptions, vaps, bindings, others, problems);
  }

  private static String scalar(MappingNode m, String key) {
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)
          && t.getValueNode() instanceof ScalarNode v) {
        return v.getValue();
      }
    }
    return null;
  }
}
