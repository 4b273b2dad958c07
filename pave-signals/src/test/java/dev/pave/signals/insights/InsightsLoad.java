package dev.pave.signals.insights;

import dev.pave.insights.Costs;
import dev.pave.insights.Fact;
import dev.pave.insights.Key;
import dev.pave.signals.Postgres;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The insights benchmark (bench/insights.sh): SERVICES services (application and environment)
 * with DAYS of generated history folded into the rollups by {@link InsightsStore#record}, the
 * pipeline's own fold, then the scorecard read as {@code pave insights} reads it (the store's
 * query and the table) and over {@code GET /api/v1/insights}: the whole platform, one team and
 * one environment, over 30, 90 and 365 days. Prints p50/p99 of each in milliseconds.
 */
public final class InsightsLoad {
  static final String[] ENVS = {"prod", "staging", "dev"};
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private InsightsLoad() {}

  public static void main(String[] args) throws Exception {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 365;
    int requests = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    int teams = Math.max(1, services / 200);
    Database db = Postgres.fresh();
    long t0 = System.nanoTime();
    long facts = generate(db, services, teams, days);
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("vacuum analyze");
    }
    System.out.printf("generated: %d services, %d teams, %d days, %d facts folded in %.0f s%n",
        services, teams, days, facts, (System.nanoTime() - t0) / 1e9);
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery("select (select count(*) from insights_rollup),"
            + " (select count(*) from insights_samples), (select count(*) from"
            + " insights_workloads)")) {
      rs.next();
      System.out.printf("rows: insights_rollup %d, insights_samples %d, insights_workloads %d%n",
          rs.getLong(1), rs.getLong(2), rs.getLong(3));
    }
    if (args.length > 3 && args[3].equals("hold")) {
      // Keeps the database for looking at its plans: psql on the URL printed.
      System.out.println("holding " + Postgres.server().getJdbcUrl("postgres", "postgres"));
      Thread.sleep(Long.MAX_VALUE);
    }
    Costs costs = new Costs(2_400_000, 30_000, 0, 4_000, 0, 12, 600_000);
    InsightsStore store = new InsightsStore(db.dataSource());
    String[][] scopes = {{"platform", null, null}, {"team", "team-7", null},
        {"env", null, "prod"}};
    System.out.printf("%-28s %8s %8s %8s%n", "read", "p50 ms", "p99 ms", "max ms");
    for (String[] scope : scopes) {
      for (int window : new int[] {30, 90, 365}) {
        Instant since = NOW.minus(Duration.ofDays(window));
        double[] ms = time(requests, () -> {
          var i = store.insights(scope[1], scope[2], since, NOW, costs);
          // What pave insights prints: the table's rows are all it adds to the query.
          if (i.deploymentFrequency().deployments() < 0) {
            throw new IllegalStateException();
          }
        });
        report("pave insights " + scope[0] + " " + window + "d", ms);
      }
    }
    Path dir = Files.createTempDirectory("insights-load");
    Files.writeString(dir.resolve("api-token"), "api-secret\n");
    var r = ConfigReader.read("signals.yaml", """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake:
          port: 0
          api: {bearerTokenFile: api-token}
        """, dir);
    if (!r.problems().isEmpty()) {
      throw new IllegalStateException(r.problems().toString());
    }
    HttpClient http = HttpClient.newHttpClient();
    try (Pipeline p = Pipeline.start(r.config(), db, Clock.systemUTC(), l -> { })) {
      for (String[] scope : scopes) {
        for (int window : new int[] {30, 90, 365}) {
          String q = "since=" + window + "d" + (scope[1] == null ? "" : "&team=" + scope[1])
              + (scope[2] == null ? "" : "&env=" + scope[2]);
          HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.port()
              + "/api/v1/insights?" + q)).header("Authorization", "Bearer api-secret").build();
          long[] size = new long[1];
          double[] ms = time(requests, () -> {
            var resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
              throw new IllegalStateException(resp.statusCode() + " " + resp.body());
            }
            size[0] = resp.body().length();
          });
          report("GET /api/v1/insights " + scope[0] + " " + window + "d", ms);
          System.out.printf("  (%d bytes)%n", size[0]);
        }
      }
    }
    db.close();
    System.exit(0);
  }

  interface Call {
    void run() throws Exception;
  }

  static double[] time(int n, Call call) throws Exception {
    for (int i = 0; i < Math.min(5, n); i++) {
      call.run();
    }
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      call.run();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  static void report(String name, double[] ms) {
    System.out.printf("%-36s %8.1f %8.1f %8.1f%n", name, rank(ms, 0.5), rank(ms, 0.99),
        ms[ms.length - 1]);
  }

  static double rank(double[] sorted, double p) {
    return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /**
   * A year of each service's life, generated per service in time order and folded a block of
   * services per transaction: deploys every few days (most with a commit time), failed
   * rollouts rolled back automatically, manual rollbacks, incidents, drift, denials, alerts.
   */
  static long generate(Database db, int services, int teams, int days) throws Exception {
    Random rnd = new Random(42);
    Instant start = NOW.minus(Duration.ofDays(days));
    long total = 0;
    int block = 100;
    for (int first = 0; first < services; first += block) {
      List<Fact> facts = new ArrayList<>();
      for (int i = first; i < Math.min(services, first + block); i++) {
        Key k = new Key("team-" + (i % teams), "svc-" + i, ENVS[i % ENVS.length]);
        service(rnd, k, start, facts);
      }
      if (first == 0) {
        for (int t = 0; t < teams; t++) {
          facts.add(new Fact.TeamCreated(new Key("team-" + t, null, null),
              start.minus(Duration.ofDays(10))));
        }
      }
      facts.sort(Comparator.comparing(Fact::at));
      try (Connection c = db.dataSource().getConnection()) {
        c.setAutoCommit(false);
        InsightsStore.record(c, facts);
        c.commit();
      }
      total += facts.size();
    }
    return total;
  }

  static void service(Random rnd, Key k, Instant start, List<Fact> out) {
    String ns = k.team() + "-" + k.env();
    out.add(new Fact.WorkloadSeen(k, start, ns, "Deployment", k.app(), true));
    if (rnd.nextInt(10) == 0) {
      Instant seen = start.plus(Duration.ofMinutes(rnd.nextInt((int) Duration.between(start,
          NOW).toMinutes())));
      out.add(new Fact.WorkloadSeen(k, seen, ns, "StatefulSet", k.app() + "-cache", false));
    }
    int rev = 0;
    int running = 0;
    // Every 1 to 9 days: about 70 deploys a service a year.
    for (Instant t = start.plus(Duration.ofHours(rnd.nextInt(72))); t.isBefore(NOW);
        t = t.plus(Duration.ofHours(24 + rnd.nextInt(192)))) {
      rev++;
      Instant commit = rnd.nextInt(5) == 0 ? null : t.minus(Duration.ofMinutes(
          10 + rnd.nextInt(2_000)));
      out.add(new Fact.RevisionRecorded(k, t, rev, commit));
      int fate = rnd.nextInt(100);
      Instant done = t.plus(Duration.ofSeconds(30 + rnd.nextInt(300)));
      if (fate < 4) {
        out.add(new Fact.RolloutFailed(k, done, rev));
        Instant back = done.plus(Duration.ofSeconds(5 + rnd.nextInt(30)));
        out.add(new Fact.RolledBack(k, back, running, true));
        out.add(new Fact.RolloutAvailable(k, back.plus(Duration.ofSeconds(20
            + rnd.nextInt(60))), running));
        continue;
      }
      out.add(new Fact.RolloutAvailable(k, done, rev));
      running = rev;
      if (fate < 6) {
        Instant opened = done.plus(Duration.ofMinutes(5 + rnd.nextInt(50)));
        out.add(new Fact.IncidentOpened(k, opened, k.app() + "-" + rev));
        out.add(new Fact.IncidentResolved(k, opened.plus(Duration.ofMinutes(10
            + rnd.nextInt(120))), k.app() + "-" + rev, opened));
      } else if (fate < 7) {
        out.add(new Fact.RolledBack(k, done.plus(Duration.ofMinutes(30)), rev - 1, false));
        out.add(new Fact.RolloutAvailable(k, done.plus(Duration.ofMinutes(31)), rev - 1));
        running = rev - 1;
      } else if (fate < 9) {
        out.add(new Fact.DriftCorrected(k, done.plus(Duration.ofHours(3))));
      } else if (fate < 12) {
        out.add(new Fact.AdmissionDenied(k, t.minus(Duration.ofMinutes(20)),
            rnd.nextBoolean() ? "psa/run-as-non-root" : "platform/resources-set"));
      }
      if (rnd.nextInt(3) == 0) {
        boolean complete = rnd.nextInt(5) != 0;
        out.add(new Fact.Enriched(k, done.plus(Duration.ofHours(1)), complete,
            complete ? List.of() : List.of("runbook")));
      }
    }
  }
}
