package dev.pave.policy;

import dev.pave.source.SourceObject;
import dev.pave.spec.Problem;
import java.util.List;

/**
 * Everything one check produced: the objects looked at, the findings, inputs that could not be
 * read, and objects no rule applies to. Reports are pure functions of this record.
 */
public record CheckRun(List<Checked> checked, List<Resource> skipped, List<Problem> problems,
    List<String> warnings, Severity failOn) {

  /** Which object, without the object itself: a large check keeps only what it reports. */
  public record Resource(String kind, String namespace, String name, String source) {
    static Resource of(SourceObject o) {
      return new Resource(o.kind(), o.namespace(), o.name(), o.positions().source());
    }

    /** kind/namespace/name, as kubectl prints it. */
    public String describe() {
      return kind + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }
  }

  /** One object and what the rules said about it. */
  public record Checked(Resource resource, List<String> rules, List<Finding> findings) {}

  public List<Finding> findings() {
    return checked.stream().flatMap(c -> c.findings().stream()).toList();
  }

  /** Findings that fail the run: not excepted and at or above the threshold. */
  public long blocking() {
    long n = 0;
    for (Checked c : checked) {
      for (Finding f : c.findings()) {
        if (f.blocking() && f.severity().atLeast(failOn)) {
          n++;
        }
      }
    }
    return n;
  }

  /** 0 clean, 1 findings at or above the threshold, 2 input that could not be read. */
  public int exitCode() {
    if (!problems.isEmpty()) {
      return 2;
    }
    return blocking() > 0 ? 1 : 0;
  }
}
