package dev.pave.signals.schema;

import dev.pave.signals.Origin;
import dev.pave.signals.Signal;
import dev.pave.signals.enrich.CatalogEntry;
import dev.pave.signals.enrich.Enrichment;
import dev.pave.signals.incident.Incident;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical JSON form of a notice (docs/signals.md, "Canonical signal"): the data of every
 * CloudEvent Pave sends and the body of the JSON webhook.
 */
public final class SignalJson {
  private SignalJson() {}

  public static Map<String, Object> of(Notice n) {
    Signal s = n.signal().signal();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("type", s.type().wire());
    m.put("status", s.status().wire());
    m.put("severity", s.severity().wire());
    m.put("time", s.time().toString());
    m.put("title", s.title());
    m.put("summary", s.summary());
    m.put("labels", s.labels());
    m.put("annotations", s.annotations());
    Map<String, Object> subject = new LinkedHashMap<>();
    subject.put("cluster", s.subject().cluster());
    subject.put("namespace", s.subject().namespace());
    subject.put("kind", s.subject().kind());
    subject.put("name", s.subject().name());
    m.put("subject", subject);
    m.put("origin", origin(s.origin()));
    m.put("enrichment", enrichment(n.signal().enrichment()));
    if (n.incident() != null) {
      m.put("incident", incident(n.incident(), n.change().wire()));
    }
    return m;
  }

  static Map<String, Object> origin(Origin o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("provider", o.provider());
    // Java 17: no pattern matching in switch yet.
    if (o instanceof Origin.Alert a) {
      m.put("receiver", a.receiver());
      m.put("groupKey", a.groupKey());
      m.put("fingerprint", a.fingerprint());
      m.put("startsAt", str(a.startsAt()));
      m.put("endsAt", str(a.endsAt()));
      m.put("generatorURL", a.generatorUrl());
      m.put("externalURL", a.externalUrl());
    } else if (o instanceof Origin.KubernetesEvent k) {
      m.put("uid", k.uid());
      m.put("reason", k.reason());
      m.put("component", k.component());
      m.put("eventType", k.eventType());
      m.put("count", k.count());
    } else if (o instanceof Origin.Platform p) {
      m.put("reason", p.reason());
      m.put("revision", p.revision());
      m.put("changedBy", p.changedBy());
    } else if (o instanceof Origin.External x) {
      m.put("source", x.source());
      m.put("type", x.type());
      m.put("id", x.id());
    }
    return m;
  }

  public static Map<String, Object> enrichment(Enrichment e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("enrichment", e.level().wire());
    m.put("missing", e.missing());
    m.put("matchedBy", e.matchedBy());
    m.put("app", e.app());
    m.put("environment", e.environment());
    m.put("team", e.team());
    m.put("owner", e.owner());
    m.put("onCall", e.onCall());
    m.put("runbook", e.runbook());
    m.put("tier", e.tier());
    m.put("cluster", e.cluster());
    m.put("namespace", e.namespace());
    m.put("version", e.version());
    m.put("revision", e.revision());
    m.put("lastDeployAt", str(e.lastDeployAt()));
    m.put("lastDeployBy", e.lastDeployBy());
    m.put("recentRevisions", e.recentReleases().stream().map(SignalJson::release).toList());
    m.put("activeExceptions", e.activeExceptions().stream().map(x -> {
      Map<String, Object> em = new LinkedHashMap<>();
      em.put("name", x.name());
      em.put("rules", x.rules());
      em.put("expiresAt", str(x.expiresAt()));
      em.put("owner", x.owner());
      return em;
    }).toList());
    return m;
  }

  private static Map<String, Object> release(CatalogEntry.Release r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("revision", r.number());
    m.put("at", str(r.at()));
    m.put("changedBy", r.changedBy());
    m.put("sourceCommit", r.sourceCommit());
    return m;
  }

  static Map<String, Object> incident(Incident i, String change) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", i.id());
    m.put("key", i.key());
    m.put("state", i.state().wire());
    m.put("change", change);
    m.put("severity", i.severity().wire());
    m.put("title", i.title());
    m.put("firing", i.firingCount());
    m.put("flapping", i.flapping());
    m.put("openedAt", str(i.openedAt()));
    m.put("resolvedAt", str(i.resolvedAt()));
    m.put("version", i.version());
    return m;
  }

  static String str(Instant t) {
    return t == null ? null : t.toString();
  }

  static List<String> nonNull(String... values) {
    return java.util.Arrays.stream(values).filter(v -> v != null && !v.isEmpty()).toList();
  }
}
