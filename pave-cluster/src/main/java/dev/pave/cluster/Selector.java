package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Label and field selectors as the API parses them: equality, set-based and existence terms
 * for labels; equality on a kind's few supported fields. Bad selectors are a 400 with the
 * parser's message.
 */
final class Selector {
  private static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  private Selector() {}

  record Term(String key, String op, List<String> values) {}

  static Predicate<JsonNode> labels(String selector) {
    if (selector == null || selector.isBlank()) {
      return o -> true;
    }
    List<Term> terms = parseLabels(selector);
    return o -> {
      JsonNode labels = o.path("metadata").path("labels");
      for (Term t : terms) {
        JsonNode v = labels.get(t.key());
        String value = v == null ? null : v.asText();
        boolean ok = switch (t.op()) {
          case "=", "==" -> t.values().get(0).equals(value);
          case "!=" -> !t.values().get(0).equals(value);
          case "in" -> value != null && t.values().contains(value);
          case "notin" -> value == null || !t.values().contains(value);
          case "exists" -> value != null;
          case "!" -> value == null;
          default -> false;
        };
        if (!ok) {
          return false;
        }
      }
      return true;
    };
  }

  static List<Term> parseLabels(String s) {
    List<Term> terms = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      boolean not = false;
      if (i < n && s.charAt(i) == '!') {
        not = true;
        i++;
      }
      int start = i;
      while (i < n && " ,=!()".indexOf(s.charAt(i)) < 0) {
        i++;
      }
      String key = s.substring(start, i);
      if (key.isEmpty()) {
        throw ApiException.badRequest("unable to parse requirement: found '" + rest(s, i)
            + "', expected: identifier");
      }
      validateKey(key);
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      if (not) {
        terms.add(new Term(key, "!", List.of()));
      } else if (i >= n || s.charAt(i) == ',') {
        terms.add(new Term(key, "exists", List.of()));
      } else if (s.startsWith("==", i) || s.startsWith("!=", i) || s.charAt(i) == '=') {
        String op = s.startsWith("==", i) ? "==" : s.startsWith("!=", i) ? "!=" : "=";
        i += op.length();
        while (i < n && s.charAt(i) == ' ') {
          i++;
        }
        int vs = i;
        while (i < n && s.charAt(i) != ',' && s.charAt(i) != ' ') {
          i++;
        }
        String value = s.substring(vs, i).strip();
        validateValue(value);
        terms.add(new Term(key, op, List.of(value)));
      } else if (s.startsWith("in", i) || s.startsWith("notin", i)) {
        String op = s.startsWith("in", i) ? "in" : "notin";
        i += op.length();
        while (i < n && s.charAt(i) == ' ') {
          i++;
        }
        if (i >= n || s.charAt(i) != '(') {
          throw ApiException.badRequest("unable to parse requirement: found '" + rest(s, i)
              + "' expected: '('");
        }
        int close = s.indexOf(')', i);
        if (close < 0) {
          throw ApiException.badRequest("unable to parse requirement: found '', expected: ')'");
        }
        List<String> values = new ArrayList<>();
        for (String v : s.substring(i + 1, close).split(",", -1)) {
          validateValue(v.strip());
          values.add(v.strip());
        }
        terms.add(new Term(key, op, values));
        i = close + 1;
      } else {
        throw ApiException.badRequest("unable to parse requirement: found '" + rest(s, i)
            + "', expected: in, notin, =, ==, !=, gt, lt");
      }
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      if (i < n) {
        if (s.charAt(i) != ',') {
          throw ApiException.badRequest("found '" + rest(s, i) + "', expected: ',' or 'end of string'");
        }
        i++;
      }
    }
    return terms;
  }

  private static String rest(String s, int i) {
    int end = i;
    while (end < s.length() && " ,".indexOf(s.charAt(end)) < 0) {
      end++;
    }
    return s.substring(i, end);
  }

  private static void validateKey(String key) {
    String name = key.contains("/") ? key.substring(key.indexOf('/') + 1) : key;
    if (name.isEmpty() || name.length() > 63 || !LABEL_VALUE.matcher(name).matches()) {
      throw ApiException.badRequest("unable to parse requirement: invalid label key \"" + key
          + "\": name part must consist of alphanumeric characters, '-', '_' or '.', and must "
          + "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
          + "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    }
  }

  private static void validateValue(String value) {
    if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
      throw ApiException.badRequest("unable to parse requirement: values[0][" + "]: Invalid "
          + "value: \"" + value + "\": a valid label must be an empty string or consist of "
          + "alphanumeric characters, '-', '_' or '.', and must start and end with an "
          + "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
          + "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }
  }

  /** The fields a kind's field selectors support, beyond metadata.name and namespace. */
  static Set<String> fields(ResourceType t) {
    return switch (t.group() + "/" + t.plural()) {
      case "/pods" -> Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
          "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP",
          "status.podIPs", "status.nominatedNodeName");
      case "/events" -> Set.of("involvedObject.kind", "involvedObject.namespace",
          "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
          "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
          "reportingComponent", "source", "type");
      case "events.k8s.io/events" -> Set.of("regarding.kind", "regarding.namespace",
          "regarding.name", "regarding.uid", "regarding.apiVersion",
          "regarding.resourceVersion", "regarding.fieldPath", "reason", "reportingController",
          "type");
      case "/secrets" -> Set.of("type");
      case "/namespaces" -> Set.of("status.phase");
      case "/nodes" -> Set.of("spec.unschedulable");
      case "apps/replicasets" -> Set.of("status.replicas");
      case "batch/jobs" -> Set.of("status.successful");
      default -> Set.of();
    };
  }

  static Predicate<JsonNode> fields(String selector, ResourceType t) {
    if (selector == null || selector.isBlank()) {
      return o -> true;
    }
    List<Predicate<JsonNode>> terms = new ArrayList<>();
    Set<String> extra = fields(t);
    for (String term : selector.split(",")) {
      String op = term.contains("!=") ? "!=" : term.contains("==") ? "==" : "=";
      int at = term.indexOf(op);
      if (at < 0 || term.contains(" in ") || term.contains(" notin ") || term.contains("(")) {
        throw ApiException.badRequest("invalid selector: '" + selector
            + "'; can't understand '" + term + "'");
      }
      String field = term.substring(0, at).strip();
      String value = term.substring(at + op.length()).strip();
      boolean known = field.equals("metadata.name") || field.equals("metadata.namespace")
          || extra.contains(field);
      if (!known) {
        if (extra.isEmpty()) {
          throw ApiException.badRequest("\"" + field + "\" is not a known field selector: only "
              + "\"metadata.name\", \"metadata.namespace\"");
        }
        throw ApiException.badRequest("field label not supported: " + field);
      }
      boolean eq = !op.equals("!=");
      terms.add(o -> value.equals(fieldValue(o, field)) == eq);
    }
    return o -> terms.stream().allMatch(p -> p.test(o));
  }

  static String fieldValue(JsonNode o, String field) {
    JsonNode n = o;
    for (String part : field.split("\\.")) {
      n = n.path(part);
    }
    if (field.equals("source")) {
      n = o.path("source").path("component");
    }
    return n.isMissingNode() || n.isNull() ? "" : n.asText();
  }
}
