package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.source.SourceReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicySmokeTest {
  @Test
  void smoke() {
    var built = PolicyEngine.build(List.copyOf(BuiltInPacks.all().values()), Map.of());
    assertThat(built.problems()).isEmpty();
    var objs = SourceReader.read("pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: default}
        spec:
          hostNetwork: true
          containers:
            - name: app
              image: nginx
              securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}
        """).objects();
    var findings = built.engine().evaluate(objs.get(0), List.of(), Instant.EPOCH);
    findings.forEach(f -> System.out.println(f.ruleId() + ": " + f.message() + " @ "
        + f.violations().get(0).path() + " " + f.violations().get(0).position() + " "
        + f.violations().get(0).patch()));
    assertThat(findings).isNotEmpty();
  }
}
