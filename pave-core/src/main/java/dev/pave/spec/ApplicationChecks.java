package dev.pave.spec;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks that need more than one field at a time: the spec reads, but does it make sense? Each
 * check names the field to change and what would be valid.
 */
public final class ApplicationChecks {
  /** Variables Pave sets from the identity contract; a spec may not replace them. */
  public static final Set<String> RESERVED_ENV = Set.of("OTEL_SERVICE_NAME",
      "OTEL_RESOURCE_ATTRIBUTES", "K8S_POD_NAME", "K8S_POD_UID", "K8S_NAMESPACE_NAME",
      "K8S_NODE_NAME");

  private static final Pattern SECRET_NAME = Pattern.compile(
      "(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL).*");
  private static final Pattern CALLER = Pattern.compile(
      "^([a-z]([-a-z0-9]*[a-z0-9])?/)?[a-z]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern ENV_NAME = Pattern.compile(Names.ENV_VAR);
  private static final Pattern CRON_FIELD = Pattern.compile("[-0-9*/,A-Za-z?LW#]+");
  private static final Set<String> CRON_MACROS = Set.of("@yearly", "@annually", "@monthly",
      "@weekly", "@daily", "@midnight", "@hourly");
  private static final Pattern IMAGE = Pattern.compile(
      "^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*"
          + "(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$");
  /** Longest CronJob name Kubernetes accepts (it appends 11 characters for Job names). */
  private static final int MAX_CRONJOB_NAME = 52;

  private ApplicationChecks() {}

  public static List<Problem> check(Application app, SourceMap at) {
    List<Problem> out = new ArrayList<>();
    ApplicationSpec s = app.spec();
    String name = app.metadata().name();
    if (!Application.KIND.equals(app.kind())) {
      out.add(at.problem("kind", "expected Application"));
    }
    if (name.length() > 47) {
      out.add(at.problem("metadata.name", "\"" + name + "\" has " + name.length()
          + " characters; use at most 47 so that <name>-<environment> fits a 63-character label"));
    }
    checkImage(s.image(), "spec.image", at, out);
    checkScaling(s.replicas(), s.autoscale(), "spec", at, out);
    checkResources(s.resources(), "spec.resources", at, out);
    checkEnv(s.env(), "spec.env", at, out);
    if (s.port() == null) {
      Expose e = s.expose();
      if (e != null && e.type() != Expose.Type.NONE) {
        out.add(at.problem("spec.expose", "expose " + WireName.of(e.type())
            + " needs spec.port; set the port the service listens on, or expose: none"));
      }
      if (s.health() != null && s.health().command() == null && s.health().port() == null) {
        out.add(at.problem("spec.health", "an HTTP health check needs spec.port or health.port;"
            + " for a worker without a port use health.command"));
      }
    }
    checkExpose(s.expose(), name, "spec.expose", at, out);
    checkHealth(s.health(), at, out);
    checkDependencies(s.dependsOn(), name, at, out);
    checkMounts(s, at, out);
    checkJobs(s.jobs(), name, at, out);
    if (s.overrides() != null) {
      for (Map.Entry<String, EnvironmentOverride> e : s.overrides().entrySet()) {
        String path = Binder.join("spec.overrides", e.getKey());
        EnvironmentOverride o = e.getValue();
        if (!e.getKey().matches(Names.DNS_LABEL)) {
          out.add(at.problemAtKey(path, "\"" + e.getKey() + "\" is not an environment name (a DNS"
              + " label such as prod)"));
        }
        checkImage(o.image(), path + ".image", at, out);
        if (o.replicas() != null && o.autoscale() != null) {
          out.add(at.problem(path, "set either replicas or autoscale, not both"));
        }
        checkScaling(null, o.autoscale(), path, at, out);
        checkResources(o.resources(), path + ".resources", at, out);
        checkEnv(o.env(), path + ".env", at, out);
        checkExpose(o.expose(), name, path + ".expose", at, out);
        if (s.port() == null && o.expose() != null && o.expose().type() != Expose.Type.NONE) {
          out.add(at.problem(path + ".expose", "expose needs spec.port"));
        }
        boolean persistent = s.volumes() != null && s.volumes().stream()
            .anyMatch(v -> v.type() == Volume.Type.PERSISTENT);
        if (persistent && (o.autoscale() != null || (o.replicas() != null && o.replicas() > 1))) {
          out.add(at.problem(path, "a persistent volume attaches to one pod at a time; keep one"
              + " replica, or use an emptyDir volume"));
        }
      }
    }
    return out;
  }

  /** Checks overrides against the environments that exist. */
  public static List<Problem> checkEnvironmentNames(Application app, SourceMap at,
      Set<String> known) {
    List<Problem> out = new ArrayList<>();
    if (app.spec().overrides() != null) {
      for (String env : app.spec().overrides().keySet()) {
        if (!known.contains(env)) {
          out.add(at.problemAtKey(Binder.join("spec.overrides", env), "no environment named \"" + env
              + "\"" + Suggest.didYouMean(env, known) + " Known environments: "
              + String.join(", ", new java.util.TreeSet<>(known)) + "."));
        }
      }
    }
    return out;
  }

  private static void checkImage(String image, String path, SourceMap at, List<Problem> out) {
    if (image != null && !IMAGE.matcher(image).matches()) {
      out.add(at.problem(path, "\"" + image + "\" is not a valid image reference; expected"
          + " [registry/]repository[:tag][@sha256:digest] in lower case, for example"
          + " registry.example.com/payments/checkout:1.4.2"));
    }
  }

  private static void checkScaling(Integer replicas, Autoscale auto, String path, SourceMap at,
      List<Problem> out) {
    if (replicas != null && auto != null) {
      out.add(at.problem(path + ".autoscale", "set either replicas or autoscale, not both;"
          + " autoscale decides the replica count itself"));
    }
    if (auto != null && auto.min() != null && auto.max() != null && auto.min() > auto.max()) {
      out.add(at.problem(path + ".autoscale.min", "min " + auto.min() + " is above max "
          + auto.max() + "; min must be at most max"));
    }
  }

  private static void checkResources(Resources r, String path, SourceMap at, List<Problem> out) {
    if (r == null) {
      return;
    }
    if (r.size() == null && r.requests() == null && r.limits() == null) {
      out.add(at.problem(path, "set size (small, medium, large) or requests and limits"));
    }
    if (r.requests() != null && r.limits() != null) {
      compare(r.requests().cpu(), r.limits().cpu(), path, "cpu", at, out);
      compare(r.requests().memory(), r.limits().memory(), path, "memory", at, out);
    }
  }

  private static void compare(String request, String limit, String path, String what,
      SourceMap at, List<Problem> out) {
    if (request == null || limit == null) {
      return;
    }
    BigDecimal req = Quantity.getAmountInBytes(new Quantity(request));
    BigDecimal lim = Quantity.getAmountInBytes(new Quantity(limit));
    if (req.compareTo(lim) > 0) {
      out.add(at.problem(path + ".requests." + what, "request " + request + " is above limit "
          + limit + "; a request must not exceed its limit"));
    }
  }

  private static void checkEnv(Map<String, EnvValue> env, String path, SourceMap at,
      List<Problem> out) {
    if (env == null) {
      return;
    }
    for (Map.Entry<String, EnvValue> e : env.entrySet()) {
      String p = Binder.join(path, e.getKey());
      String key = e.getKey();
      EnvValue v = e.getValue();
      if (!ENV_NAME.matcher(key).matches()) {
        out.add(at.problem(p, "\"" + key + "\" is not a valid variable name; use letters, digits"
            + " and _ and do not start with a digit"));
        continue;
      }
      if (RESERVED_ENV.contains(key)) {
        out.add(at.problem(p, key + " is set by Pave from the identity contract; remove it (see"
            + " docs/identity.md)"));
        continue;
      }
      int sources = (v.value() != null ? 1 : 0) + (v.secret() != null ? 1 : 0)
          + (v.configMap() != null ? 1 : 0);
      if (sources != 1) {
        out.add(at.problem(p, "set exactly one of value, secret or configMap"));
      } else if (v.value() != null && v.key() != null) {
        out.add(at.problem(p + ".key", "key goes with secret or configMap, not with value"));
      } else if (v.value() == null && v.key() == null) {
        out.add(at.problem(p, "a " + (v.secret() != null ? "secret" : "configMap")
            + " reference needs key: the entry to read"));
      } else if (v.value() != null && SECRET_NAME.matcher(key).matches()
          && !v.value().isEmpty()) {
        out.add(at.problem(p, key + " looks like a secret and must not be written in the spec;"
            + " reference a Secret instead: " + key + ": {secret: <secret-name>, key: <key>}"));
      }
    }
  }

  private static void checkExpose(Expose e, String self, String path, SourceMap at,
      List<Problem> out) {
    if (e == null) {
      return;
    }
    if (e.type() != Expose.Type.PUBLIC && (e.host() != null || e.path() != null)) {
      out.add(at.problem(path + (e.host() != null ? ".host" : ".path"),
          "host and path apply to public services only; set type: public or remove them"));
    }
    if (e.type() == Expose.Type.NONE && e.allowFrom() != null) {
      out.add(at.problem(path + ".allowFrom", "allowFrom has no effect with type none"));
    }
    if (e.allowFrom() != null && e.allowFrom().isEmpty() && e.type() != Expose.Type.NONE) {
      out.add(at.problem(path + ".allowFrom", "allowFrom is empty, which a network policy reads"
          + " as every source; list the callers (app or team/app), or remove allowFrom to allow"
          + " the environment's applications"));
    }
    if (e.allowFrom() != null) {
      for (int i = 0; i < e.allowFrom().size(); i++) {
        String caller = e.allowFrom().get(i);
        if (!CALLER.matcher(caller).matches()) {
          out.add(at.problem(path + ".allowFrom[" + i + "]", "\"" + caller
              + "\" is not an application name; write app or team/app, for example"
              + " payments/checkout"));
        } else if (caller.equals(self)) {
          out.add(at.problem(path + ".allowFrom[" + i + "]", "an application always reaches"
              + " itself; remove \"" + caller + "\""));
        }
      }
    }
  }

  private static void checkHealth(Health h, SourceMap at, List<Problem> out) {
    if (h != null && h.command() != null && (h.path() != null || h.readinessPath() != null
        || h.livenessPath() != null)) {
      out.add(at.problem("spec.health.command", "use either an HTTP path or a command, not both"));
    }
    if (h != null && h.command() != null && h.command().isEmpty()) {
      out.add(at.problem("spec.health.command", "the command is empty; give the program and its"
          + " arguments, for example [\"/app/healthcheck\"]"));
    }
  }

  private static void checkDependencies(List<Dependency> deps, String self, SourceMap at,
      List<Problem> out) {
    if (deps == null) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < deps.size(); i++) {
      Dependency d = deps.get(i);
      String p = "spec.dependsOn[" + i + "]";
      int targets = (d.app() != null ? 1 : 0) + (d.host() != null ? 1 : 0)
          + (d.cidr() != null ? 1 : 0);
      if (targets != 1) {
        out.add(at.problem(p, "set exactly one of app, host or cidr"));
        continue;
      }
      if (d.team() != null && d.app() == null) {
        out.add(at.problem(p + ".team", "team applies to app dependencies only"));
      }
      if (d.team() != null && Names.dnsLabelProblem(d.team()) != null) {
        out.add(at.problem(p, "team " + Names.dnsLabelProblem(d.team())));
      }
      if (d.host() != null && !d.host().matches(
          "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$")) {
        out.add(at.problem(p, "\"" + d.host() + "\" is not a host name; use lower-case letters,"
            + " digits, '-' and '.', for example api.stripe.com"));
      }
      if (d.app() != null && !d.app().matches(Names.DNS_LABEL)) {
        out.add(at.problem(p, "\"" + d.app() + "\" is not an application name (a DNS label);"
            + " for an external host write its full name, such as api.example.com"));
      }
      if (self.equals(d.app()) && d.team() == null) {
        out.add(at.problem(p, "an application always reaches itself; remove this entry"));
      }
      if (d.cidr() != null && !validCidr(d.cidr())) {
        out.add(at.problem(p + ".cidr", "\"" + d.cidr() + "\" is not a CIDR range such as 10.20.0.0/16"));
      }
      if (!seen.add(d.describe())) {
        out.add(at.problem(p, d.describe() + " is listed twice; remove one"));
      }
    }
  }

  static boolean validCidr(String cidr) {
    String[] parts = cidr.split("/");
    if (parts.length != 2) {
      return false;
    }
    if (!parts[1].matches("\\d{1,3}")) {
      return false;
    }
    int bits = Integer.parseInt(parts[1]);
    if (parts[0].contains(":")) {
      return bits <= 128 && parts[0].matches("[0-9a-fA-F:]+");
    }
    String[] octets = parts[0].split("\\.");
    if (octets.length != 4 || bits > 32) {
      return false;
    }
    for (String o : octets) {
      if (!o.matches("\\d{1,3}") || Integer.parseInt(o) > 255) {
        return false;
      }
    }
    return true;
  }

  private static void checkMounts(ApplicationSpec s, SourceMap at, List<Problem> out) {
    Set<String> paths = new HashSet<>();
    paths.add("/tmp");
    if (s.config() != null) {
      String mount = s.config().mountPath();
      if (mount != null && !paths.add(mount)) {
        out.add(at.problem("spec.config.mountPath", mount + " is already a writable temporary"
            + " directory; choose another path"));
      }
      long total = 0;
      for (Map.Entry<String, String> f : s.config().files().entrySet()) {
        total += f.getValue().length();
        if (!f.getKey().matches("[-._a-zA-Z0-9]+")) {
          out.add(at.problem(Binder.join("spec.config.files", f.getKey()), "\"" + f.getKey()
              + "\" is not a valid file name; use letters, digits, '-', '_' and '.'"));
        }
      }
      if (total > 900_000) {
        out.add(at.problem("spec.config.files", "the files add up to " + total + " bytes; a"
            + " ConfigMap holds at most 1 MiB, keep config under 900 KB"));
      }
    }
    if (s.volumes() == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    boolean scaled = s.autoscale() != null || (s.replicas() != null && s.replicas() > 1);
    for (int i = 0; i < s.volumes().size(); i++) {
      Volume v = s.volumes().get(i);
      String p = "spec.volumes[" + i + "]";
      if (!names.add(v.name()) || v.name().equals("tmp") || v.name().equals("config")) {
        out.add(at.problem(p + ".name", "volume name \"" + v.name() + "\" is already used"
            + (v.name().equals("tmp") || v.name().equals("config") ? " by Pave" : "")
            + "; choose another"));
      }
      if (!paths.add(v.mountPath())) {
        out.add(at.problem(p + ".mountPath", v.mountPath() + " is already mounted; choose"
            + " another path"));
      }
      if (v.type() == Volume.Type.PERSISTENT) {
        if (v.size() == null) {
          out.add(at.problem(p + ".size", "a persistent volume needs a size, for example 10Gi"));
        }
        if (scaled) {
          out.add(at.problem(p + ".type", "a persistent volume attaches to one pod at a time;"
              + " with more than one replica use an emptyDir volume or a managed data service"));
        }
      } else if (v.storageClass() != null) {
        out.add(at.problem(p + ".storageClass", "storageClass applies to persistent volumes"
            + " only"));
      }
    }
  }

  private static void checkJobs(List<Job> jobs, String app, SourceMap at, List<Problem> out) {
    if (jobs == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < jobs.size(); i++) {
      Job j = jobs.get(i);
      String p = "spec.jobs[" + i + "]";
      if (!names.add(j.name())) {
        out.add(at.problem(p + ".name", "job \"" + j.name() + "\" is defined twice"));
      }
      String full = app + "-" + j.name();
      if (full.length() > MAX_CRONJOB_NAME) {
        out.add(at.problem(p + ".name", "the CronJob name \"" + full + "\" has " + full.length()
            + " characters; Kubernetes allows " + MAX_CRONJOB_NAME + ", shorten the job name"));
      }
      String cron = cronProblem(j.schedule());
      if (cron != null) {
        out.add(at.problem(p + ".schedule", cron));
      }
      checkResources(j.resources(), p + ".resources", at, out);
    }
  }

  /** Returns what is wrong with a cron schedule, or null. */
  static String cronProblem(String schedule) {
    String s = schedule.strip();
    if (s.startsWith("@")) {
      return CRON_MACROS.contains(s) ? null : "\"" + s + "\" is not a schedule macro; use one of "
          + String.join(", ", new java.util.TreeSet<>(CRON_MACROS));
    }
    if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
      return "set the time zone with timeZone, not inside the schedule";
    }
    String[] fields = s.split("\\s+");
    if (fields.length != 5) {
      return "\"" + s + "\" has " + fields.length + " fields; a schedule has five: minute hour"
          + " day-of-month month day-of-week, for example \"*/15 * * * *\"";
    }
    for (String f : fields) {
      if (!CRON_FIELD.matcher(f).matches()) {
        return "\"" + f + "\" is not a valid cron field in \"" + s + "\"";
      }
    }
    return null;
  }
}
