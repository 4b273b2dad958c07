package dev.pave.signals.schema;

import dev.pave.signals.Origin;
import dev.pave.signals.Signal;
import dev.pave.signals.SignalType;
import dev.pave.signals.Status;
import dev.pave.signals.enrich.Enrichment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A notice as an Elastic Common Schema document (nested objects, ECS 8 field names). ECS has no
 * owner or on-call field; those go to {@code labels} with the team, runbook and enrichment state.
 */
public final class Ecs {
  private Ecs() {}

  public static Map<String, Object> of(Notice n) {
    Signal s = n.signal().signal();
    Enrichment e = n.signal().enrichment();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("@timestamp", s.time().toString());
    doc.put("message", s.summary().isEmpty() ? s.title() : s.summary());
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("kind", s.type() == SignalType.ALERT || s.type() == SignalType.EXTERNAL
        && s.status() != Status.INFO ? "alert" : "event");
    event.put("category", category(s.type()));
    event.put("type", type(s));
    event.put("id", s.id());
    event.put("action", s.type() == SignalType.ALERT ? s.status().wire() : s.title());
    event.put("severity", s.severity().ecs());
    event.put("dataset", "pave.signals");
    event.put("provider", s.origin().provider());
    if (s.origin() instanceof Origin.Alert a) {
      event.put("start", SignalJson.str(a.startsAt()));
      if (a.endsAt() != null) {
        event.put("end", a.endsAt().toString());
      }
      if (a.generatorUrl() != null && !a.generatorUrl().isEmpty()) {
        event.put("url", a.generatorUrl());
      }
    }
    if (e.runbook() != null) {
      event.put("reference", e.runbook());
    }
    doc.put("event", event);
    if (e.app() != null) {
      Map<String, Object> service = new LinkedHashMap<>();
      service.put("name", e.app());
      service.put("environment", e.environment());
      if (e.version() != null) {
        service.put("version", e.version());
      }
      doc.put("service", service);
    }
    Map<String, Object> orchestrator = new LinkedHashMap<>();
    orchestrator.put("type", "kubernetes");
    String cluster = e.cluster() != null ? e.cluster() : s.subject().cluster();
    if (cluster != null && !cluster.isEmpty()) {
      orchestrator.put("cluster", Map.of("name", cluster));
    }
    String namespace = !s.subject().namespace().isEmpty() ? s.subject().namespace()
        : e.namespace();
    if (namespace != null) {
      orchestrator.put("namespace", namespace);
    }
    if (!s.subject().name().isEmpty()) {
      Map<String, Object> resource = new LinkedHashMap<>();
      resource.put("name", s.subject().name());
      resource.put("type", s.subject().kind().toLowerCase(java.util.Locale.ROOT));
      orchestrator.put("resource", resource);
    }
    doc.put("orchestrator", orchestrator);
    if (s.type() == SignalType.ALERT) {
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("name", s.title());
      if (s.origin() instanceof Origin.Alert a && a.groupKey() != null) {
        rule.put("ruleset", a.receiver());
      }
      doc.put("rule", rule);
    }
    Map<String, Object> labels = new LinkedHashMap<>();
    putIf(labels, "team", e.team());
    putIf(labels, "owner", e.owner());
    putIf(labels, "on_call", e.onCall());
    putIf(labels, "runbook", e.runbook());
    putIf(labels, "tier", e.tier());
    labels.put("enrichment", e.level().wire());
    if (!e.missing().isEmpty()) {
      labels.put("enrichment_missing", String.join(", ", e.missing()));
    }
    if (e.revision() != null) {
      labels.put("revision", String.valueOf(e.revision()));
    }
    putIf(labels, "last_deploy_by", e.lastDeployBy());
    if (n.incident() != null) {
      labels.put("incident", n.incident().id());
      labels.put("incident_state", n.incident().state().wire());
    }
    doc.put("labels", labels);
    doc.put("tags", List.of("pave", s.type().wire()));
    return doc;
  }

  static List<String> category(SignalType t) {
    return switch (t) {
      case POLICY -> List.of("configuration", "iam");
      case DEPLOY, ROLLOUT, ROLLBACK, DRIFT -> List.of("configuration");
      default -> List.of("host");
    };
  }

  static List<String> type(Signal s) {
    return switch (s.type()) {
      case DEPLOY, ROLLOUT, ROLLBACK -> List.of("change");
      case DRIFT -> List.of("change", "info");
      case POLICY -> List.of(s.title().equals("AdmissionDenied") ? "denied" : "allowed");
      case ALERT, EXTERNAL -> List.of(s.status() == Status.RESOLVED ? "end"
          : s.status() == Status.FIRING ? "start" : "info");
      default -> List.of("info");
    };
  }

  private static void putIf(Map<String, Object> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
