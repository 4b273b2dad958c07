package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Label selectors in their object form ({@code matchLabels}, {@code matchExpressions}), as
 * bindings, webhooks and policies hold them. An empty or absent selector matches everything.
 */
final class LabelSelectors {
  private LabelSelectors() {}

  static boolean matches(JsonNode selector, JsonNode labels) {
    if (selector == null || selector.isMissingNode() || selector.isNull()) {
      return true;
    }
    var fields = selector.path("matchLabels").fields();
    while (fields.hasNext()) {
      var e = fields.next();
      if (!labels.path(e.getKey()).isTextual()
          || !labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
        return false;
      }
    }
    for (JsonNode x : selector.path("matchExpressions")) {
      String key = x.path("key").asText();
      boolean present = labels.has(key);
      String value = labels.path(key).asText();
      boolean inValues = false;
      for (JsonNode v : x.path("values")) {
        inValues |= present && v.asText().equals(value);
      }
      boolean ok = switch (x.path("operator").asText()) {
        case "In" -> inValues;
        case "NotIn" -> !inValues;
        case "Exists" -> present;
        case "DoesNotExist" -> !present;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
