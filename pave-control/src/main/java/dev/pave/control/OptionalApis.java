package dev.pave.control;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What to tell a developer when optional kinds were skipped because the cluster does not serve
 * their API: which API is missing, and what installs it.
 */
final class OptionalApis {
  private static final Map<String, String> INSTALLED_BY = Map.of(
      "monitoring.coreos.com", "the Prometheus Operator's CRDs",
      "gateway.networking.k8s.io", "the Gateway API CRDs");

  private OptionalApis() {}

  /** One object's status message. */
  static String notServed(String apiVersion, String kind) {
    return "skipped: the cluster does not serve " + kind + " in " + apiVersion + "; install "
        + installer(apiVersion) + " to have it applied";
  }

  /** The condition message for all skipped objects of one reconcile. */
  static String summary(List<Applier.Result> skipped) {
    TreeSet<String> apis = new TreeSet<>();
    TreeSet<String> installers = new TreeSet<>();
    for (Applier.Result r : skipped) {
      var known = Applier.GENERIC.get(r.kind());
      String api = known == null ? "its API" : known.getGroup() + "/" + known.getVersion();
      apis.add(api + " (" + r.kind() + ")");
      installers.add(installer(api));
    }
    return "Skipped " + skipped.size() + " object(s) whose API the cluster does not serve: "
        + String.join(", ", apis) + "; install " + String.join(" and ", installers)
        + " to have them applied. Nothing else is affected.";
  }

  private static String installer(String apiVersion) {
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/'))
        : "";
    return INSTALLED_BY.getOrDefault(group, "the CustomResourceDefinitions of " + apiVersion);
  }
}
