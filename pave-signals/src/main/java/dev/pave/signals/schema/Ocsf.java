package dev.pave.signals.schema;

import dev.pave.signals.Signal;
import dev.pave.signals.Status;
import dev.pave.signals.enrich.Enrichment;
import dev.pave.signals.incident.Change;
import dev.pave.signals.incident.Incident;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Notices as OCSF 1.3 findings: each signal as a Detection Finding (class 2004), each incident
 * change as an Incident Finding (class 2005). activity_id 1 Create, 2 Update, 3 Close;
 * type_uid = class_uid * 100 + activity_id.
 */
public final class Ocsf {
  public static final int DETECTION_FINDING = 2004;
  public static final int INCIDENT_FINDING = 2005;
  static final String VERSION = "1.3.0";

  private Ocsf() {}

  public static Map<String, Object> detection(Notice n) {
    Signal s = n.signal().signal();
    int activity = s.status() == Status.RESOLVED ? 3 : s.status() == Status.FIRING
        && n.change() != null && n.change() != Change.OPENED && n.incident() != null ? 2 : 1;
    Map<String, Object> m = base(DETECTION_FINDING, activity, n);
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("uid", s.id());
    info.put("title", s.title());
    info.put("desc", s.summary());
    info.put("types", List.of(s.type().wire()));
    info.put("created_time", s.time().toEpochMilli());
    if (n.signal().enrichment().runbook() != null) {
      info.put("src_url", n.signal().enrichment().runbook());
    }
    m.put("finding_info", info);
    m.put("status_id", s.status() == Status.RESOLVED ? 4 : 1);
    m.put("status", s.status() == Status.RESOLVED ? "Resolved" : "New");
    return m;
  }

  public static Map<String, Object> incident(Notice n) {
    Incident i = n.incident();
    if (i == null) {
      throw new IllegalArgumentException("signal " + n.signal().signal().id()
          + " belongs to no incident");
    }
    int activity = n.change() == Change.OPENED ? 1 : n.change() == Change.RESOLVED ? 3 : 2;
    Map<String, Object> m = base(INCIDENT_FINDING, activity, n);
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("uid", i.id());
    info.put("title", i.title());
    info.put("types", List.of("incident"));
    info.put("created_time", i.openedAt().toEpochMilli());
    info.put("first_seen_time", i.openedAt().toEpochMilli());
    info.put("last_seen_time", i.updatedAt().toEpochMilli());
    m.put("finding_info_list", List.of(info));
    boolean resolved = i.state() == Incident.State.RESOLVED;
    m.put("status_id", resolved ? 4 : n.change() == Change.OPENED ? 1 : 2);
    m.put("status", resolved ? "Resolved" : n.change() == Change.OPENED ? "New" : "In Progress");
    int level = Math.max(1, i.severity().ocsf() - 1);
    m.put("impact_id", level);
    m.put("priority_id", level);
    Enrichment e = n.signal().enrichment();
    if (e.team() != null) {
      m.put("assignee_group", Map.of("name", e.team()));
    }
    if (e.owner() != null) {
      m.put("assignee", Map.of("name", e.owner()));
    }
    m.put("is_suspected_breach", false);
    return m;
  }

  private static Map<String, Object> base(int classUid, int activity, Notice n) {
    Signal s = n.signal().signal();
    Enrichment e = n.signal().enrichment();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("class_uid", classUid);
    m.put("class_name", classUid == DETECTION_FINDING ? "Detection Finding" : "Incident Finding");
    m.put("category_uid", 2);
    m.put("category_name", "Findings");
    m.put("activity_id", activity);
    m.put("activity_name", activity == 1 ? "Create" : activity == 2 ? "Update" : "Close");
    m.put("type_uid", classUid * 100 + activity);
    m.put("time", s.time().toEpochMilli());
    m.put("severity_id", (n.incident() != null && classUid == INCIDENT_FINDING
        ? n.incident().severity() : s.severity()).ocsf());
    m.put("message", s.summary().isEmpty() ? s.title() : s.summary());
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("version", VERSION);
    metadata.put("product", Map.of("name", "Pave signals", "vendor_name", "Pave"));
    metadata.put("uid", s.id());
    if (n.incident() != null) {
      metadata.put("correlation_uid", n.incident().id());
    }
    metadata.put("labels", List.of("enrichment:" + e.level().wire()));
    m.put("metadata", metadata);
    List<Map<String, Object>> resources = new ArrayList<>();
    if (!s.subject().name().isEmpty()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("name", s.subject().name());
      r.put("type", s.subject().kind());
      r.put("namespace", s.subject().namespace());
      resources.add(r);
    }
    if (e.app() != null) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("name", e.app());
      r.put("type", "Application");
      r.put("group", Map.of("name", String.valueOf(e.team())));
      List<String> labels = new ArrayList<>();
      labels.add("environment:" + e.environment());
      if (e.revision() != null) {
        labels.add("revision:" + e.revision());
      }
      r.put("labels", labels);
      if (e.owner() != null) {
        r.put("owner", Map.of("name", e.owner()));
      }
      resources.add(r);
    }
    m.put("resources", resources);
    Map<String, Object> unmapped = new LinkedHashMap<>();
    unmapped.put("pave", SignalJson.enrichment(e));
    m.put("unmapped", unmapped);
    return m;
  }
}
