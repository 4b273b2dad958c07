package dev.pave.console.service;

import dev.pave.console.catalog.ServiceEntry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links from a service page to the tools around it (dashboards, traces, logs), from URL
 * templates filled with the identity contract's values: {app}, {env}, {team}, {namespace},
 * {instance} (app-env, the app.kubernetes.io/instance label). The runbook link is the spec's own.
 */
public final class Links {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)}");
  private final Map<String, String> templates;

  /** @param templates link name to URL template, in display order */
  public Links(Map<String, String> templates) {
    for (Map.Entry<String, String> t : templates.entrySet()) {
      Matcher m = PLACEHOLDER.matcher(t.getValue());
      while (m.find()) {
        if (!Map.of("app", 1, "env", 1, "team", 1, "namespace", 1, "instance", 1)
            .containsKey(m.group(1))) {
          throw new IllegalArgumentException("link \"" + t.getKey() + "\": unknown placeholder {"
              + m.group(1) + "}; valid: {app}, {env}, {team}, {namespace}, {instance}");
        }
      }
      if (!t.getValue().startsWith("https://") && !t.getValue().startsWith("http://")) {
        throw new IllegalArgumentException("link \"" + t.getKey() + "\": must be an http(s) URL");
      }
    }
    this.templates = new LinkedHashMap<>(templates);
  }

  public Map<String, String> of(ServiceEntry e) {
    Map<String, String> out = new LinkedHashMap<>();
    if (e.runbook() != null && (e.runbook().startsWith("https://")
        || e.runbook().startsWith("http://"))) {
      out.put("Runbook", e.runbook());
    }
    Map<String, String> values = Map.of("app", e.app(), "env", e.environment(),
        "team", e.team() == null ? "" : e.team(), "namespace", e.namespace(),
        "instance", e.app() + "-" + e.environment());
    templates.forEach((name, t) -> {
      Matcher m = PLACEHOLDER.matcher(t);
      StringBuilder b = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(b, Matcher.quoteReplacement(
            URLEncoder.encode(values.get(m.group(1)), StandardCharsets.UTF_8)));
      }
      m.appendTail(b);
      out.put(name, b.toString());
    });
    return out;
  }
}
