package dev.pave.console.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectDiffsTest {
  static Map<String, Object> object(String kind, String name, Object value) {
    return Map.of("apiVersion", "v1", "kind", kind, "metadata", Map.of("name", name,
        "namespace", "ns"), "data", Map.of("k", value));
  }

  @Test
  void eachObjectIsAddedRemovedChangedOrUnchangedWithTypedLines() {
    var diffs = ObjectDiffs.of(
        List.of(object("ConfigMap", "kept", "1"), object("ConfigMap", "changed", "old"),
            object("Service", "gone", "x")),
        List.of(object("ConfigMap", "kept", "1"), object("ConfigMap", "changed", "new"),
            object("Secret", "new", "(redacted)")));
    assertThat(diffs).extracting(d -> d.title() + " " + d.changeText()).containsExactly(
        "ConfigMap ns/changed changed", "Secret ns/new added", "Service ns/gone removed",
        "ConfigMap ns/kept unchanged");
    var changed = diffs.get(0).lines();
    assertThat(changed).filteredOn(l -> l.type() == ObjectDiffs.LineType.REMOVED)
        .extracting(ObjectDiffs.Line::text).containsExactly("-  k: old");
    assertThat(changed).filteredOn(l -> l.type() == ObjectDiffs.LineType.ADDED)
        .extracting(ObjectDiffs.Line::text).containsExactly("+  k: new");
    assertThat(changed.get(0).type()).isEqualTo(ObjectDiffs.LineType.HUNK);
    assertThat(diffs.get(1).lines()).allMatch(l -> l.type() != ObjectDiffs.LineType.REMOVED)
        .anyMatch(l -> l.text().equals("+kind: Secret"));
    assertThat(diffs.get(3).lines()).isEmpty();
  }
}
