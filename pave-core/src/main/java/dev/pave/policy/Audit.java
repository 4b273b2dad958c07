package dev.pave.policy;

import dev.pave.source.SourceObject;
import dev.pave.spec.SourceMap;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The audit entry point: live objects read from a cluster, checked with the same engine and
 * exceptions as the CLI and admission. The shell lists the objects; this only evaluates.
 */
public final class Audit {
  private Audit() {}

  public static CheckRun run(String cluster, List<Map<String, Object>> liveObjects,
      PolicyEngine engine, List<PolicyException> exceptions, Instant now, Severity failOn) {
    List<SourceObject> objects = liveObjects.stream()
        .map(o -> new SourceObject(o, new SourceMap("cluster:" + cluster))).toList();
    return Checker.check(objects, List.of(), null, engine, exceptions, now, failOn, List.of(),
        0);
  }
}
