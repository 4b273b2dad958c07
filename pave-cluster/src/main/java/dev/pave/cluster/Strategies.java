package dev.pave.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every kind's rules, built-in and from CRD schemas, applied in the order registered. */
final class Strategies implements Strategy {
  private final List<Strategy> all = new CopyOnWriteArrayList<>();

  void add(Strategy s) {
    all.add(s);
  }

  @Override
  public void defaults(ResourceType t, ObjectNode object, ObjectNode old, List<String> warnings) {
    for (Strategy s : all) {
      s.defaults(t, object, old, warnings);
    }
  }

  @Override
  public List<ApiException.Cause> validate(ResourceType t, ObjectNode object, ObjectNode old) {
    List<ApiException.Cause> causes = new ArrayList<>();
    for (Strategy s : all) {
      causes.addAll(s.validate(t, object, old));
    }
    return causes;
  }
}
