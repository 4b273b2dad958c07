package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Which writes an admission webhook or policy applies to: its rules (operations, groups,
 * versions, resources, scope), its objectSelector (on the new or the old object) and its
 * namespaceSelector (on the namespace's labels; a Namespace is matched on its own).
 */
final class Matching {
  private Matching() {}

  static boolean rules(JsonNode rules, Admission.Attributes a) {
    for (JsonNode rule : rules) {
      if (rule(rule, a)) {
        return true;
      }
    }
    return false;
  }

  private static boolean rule(JsonNode rule, Admission.Attributes a) {
    ResourceType t = a.type();
    if (!has(rule.path("operations"), a.operation())
        || !has(rule.path("apiGroups"), t.group())
        || !has(rule.path("apiVersions"), t.version())) {
      return false;
    }
    String scope = rule.path("scope").asText("*");
    if (scope.equals("Namespaced") && !t.namespaced()
        || scope.equals("Cluster") && t.namespaced()) {
      return false;
    }
    String sub = a.subresource();
    for (JsonNode r : rule.path("resources")) {
      String v = r.asText();
      int slash = v.indexOf('/');
      String res = slash < 0 ? v : v.substring(0, slash);
      String vsub = slash < 0 ? null : v.substring(slash + 1);
      boolean resOk = res.equals("*") || res.equals(t.plural());
      boolean subOk = vsub == null ? sub == null : vsub.equals("*") || vsub.equals(sub);
      if (resOk && subOk) {
        return true;
      }
    }
    return false;
  }

  static boolean objectSelector(JsonNode selector, Admission.Attributes a) {
    if (selector.isMissingNode() || selector.isNull() || selector.isEmpty()) {
      return true;
    }
    return a.object() != null
        && LabelSelectors.matches(selector, a.object().path("metadata").path("labels"))
        || a.oldObject() != null
        && LabelSelectors.matches(selector, a.oldObject().path("metadata").path("labels"));
  }

  static boolean namespaceSelector(JsonNode selector, Admission.Attributes a, Store store,
      ResourceTypes types) {
    if (selector.isMissingNode() || selector.isNull() || selector.isEmpty()) {
      return true;
    }
    ResourceType t = a.type();
    if (t.group().isEmpty() && t.plural().equals("namespaces")) {
      ObjectNode ns = a.object() != null ? a.object() : a.oldObject();
      return ns != null && LabelSelectors.matches(selector, ns.path("metadata").path("labels"));
    }
    if (!t.namespaced() || a.namespace() == null) {
      return true;
    }
    ObjectNode ns = store.get(Store.key(types.find("", "v1", "namespaces").orElseThrow(), "",
        a.namespace()));
    return ns != null && LabelSelectors.matches(selector, ns.path("metadata").path("labels"));
  }

  private static boolean has(JsonNode values, String v) {
    for (JsonNode n : values) {
      if (n.asText().equals("*") || n.asText().equals(v)) {
        return true;
      }
    }
    return false;
  }
}
