package dev.pave.signals.http;

import dev.pave.signals.Signal;
import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.deliver.WebhookSink;
import dev.pave.signals.intake.AlertmanagerWebhook;
import dev.pave.signals.intake.CloudEventsIntake;
import dev.pave.signals.pipeline.Ingest;
import dev.pave.signals.pipeline.Overloaded;
import dev.pave.signals.pipeline.SignalsMetrics;
import dev.pave.signals.pipeline.Unstorable;
import dev.pave.signals.store.Codec;
import dev.pave.signals.store.Store;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP side: Alertmanager webhook and CloudEvents intake (answered only after the journal
 * commit), the timeline and incidents API, health. All routes are declared in {@link #start}.
 */
public final class IntakeServer implements AutoCloseable {
  /** How far an HMAC timestamp may be from now before the request counts as a replay. */
  static final Duration SIGNATURE_WINDOW = Duration.ofMinutes(5);
  static final long MAX_BODY = 16L * 1024 * 1024;

  private final SignalsConfig.Intake cfg;
  private final Ingest ingest;
  private final Store store;
  private final Clock clock;
  private Javalin app;

  private final SignalsMetrics metrics;
  private volatile dev.pave.insights.Costs costs;

  /** The stated costs the insights' build-vs-buy figures use (null: none stated). */
  public IntakeServer costs(dev.pave.insights.Costs c) {
    this.costs = c;
    return this;
  }

  public IntakeServer(SignalsConfig.Intake cfg, Ingest ingest, Store store, Clock clock,
      SignalsMetrics metrics) {
    this.metrics = metrics;
    this.cfg = cfg;
    this.ingest = ingest;
    this.store = store;
    this.clock = clock;
  }

  public IntakeServer start() {
    app = Javalin.create(c -> {
      c.http.maxRequestSize = MAX_BODY;
      c.startup.showJavalinBanner = false;
      c.routes.post("/api/v1/alertmanager", this::alertmanager);
      c.routes.post("/api/v1/cloudevents", this::cloudevents);
      c.routes.get("/api/v1/timeline", this::timeline);
      c.routes.get("/api/v1/incidents", this::incidents);
      c.routes.get("/api/v1/insights", this::insights);
      c.routes.get("/healthz", ctx -> json(ctx, 200, Map.of("status", "ok")));
      c.routes.get("/readyz", this::ready);
      c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
          .result(metrics.scrape()));
      c.routes.exception(BadBody.class, (e, ctx) -> json(ctx, 400,
          Map.of("error", e.getMessage())));
      // Nothing of the exception goes out: its text can hold SQL, values or paths.
      c.routes.exception(Exception.class, (e, ctx) -> json(ctx, 500, Map.of("error",
          "internal error; the request was not taken, retry later")));
    }).start(cfg.address(), cfg.port());
    return this;
  }

  public int port() {
    return app.port();
  }

  private void alertmanager(Context ctx) throws java.io.IOException {
    long started = System.nanoTime();
    Boolean known = authorizedBeforeBody(ctx, cfg.alertmanager());
    if (Boolean.FALSE.equals(known)) {
      return;
    }
    byte[] body = body(ctx);
    if (body == null || known == null && !authorized(ctx, cfg.alertmanager(), body)) {
      return;
    }
    AlertmanagerWebhook.Notification n;
    try {
      n = AlertmanagerWebhook.parse(body);
    } catch (IllegalArgumentException e) {
      json(ctx, 400, Map.of("error", e.getMessage()));
      return;
    }
    accept(ctx, "alertmanager", n.signals(), started);
  }

  private void cloudevents(Context ctx) throws java.io.IOException {
    long started = System.nanoTime();
    Boolean known = authorizedBeforeBody(ctx, cfg.cloudevents());
    if (Boolean.FALSE.equals(known)) {
      return;
    }
    byte[] body = body(ctx);
    if (body == null || known == null && !authorized(ctx, cfg.cloudevents(), body)) {
      return;
    }
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    List<Signal> signals;
    try {
      if (type.startsWith("application/cloudevents-batch+json")) {
        signals = CloudEventsIntake.structured(body, true, clock.instant());
      } else if (type.startsWith("application/cloudevents+json")) {
        signals = CloudEventsIntake.structured(body, false, clock.instant());
      } else if (ctx.header("ce-specversion") != null) {
        signals = List.of(CloudEventsIntake.binary(ctx.headerMap(), ctx.contentType(), body,
            clock.instant()));
      } else {
        json(ctx, 415, Map.of("error", "expected a CloudEvent: Content-Type"
            + " application/cloudevents+json (structured), application/cloudevents-batch+json,"
            + " or ce-* headers (binary)"));
        return;
      }
    } catch (IllegalArgumentException e) {
      json(ctx, 400, Map.of("error", e.getMessage()));
      return;
    }
    accept(ctx, "cloudevents", signals, started);
  }

  /**
   * The request body, read in one piece of its declared length (Javalin's own reader copies
   * through growing buffers: a third of the intake's allocation, measured with JFR); without a
   * length (chunked), read up to one byte past the limit. Null (413 answered) when larger than
   * 16 MiB.
   */
  private static byte[] body(Context ctx) throws java.io.IOException {
    long length = ctx.req().getContentLengthLong();
    if (length > MAX_BODY) {
      tooLarge(ctx);
      return null;
    }
    if (length < 0) {
      byte[] b = ctx.req().getInputStream().readNBytes((int) MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        tooLarge(ctx);
        return null;
      }
      return b;
    }
    byte[] b = ctx.req().getInputStream().readNBytes((int) length);
    if (b.length != length) {
      throw new BadBody("request body ended after " + b.length + " of " + length + " bytes");
    }
    return b;
  }

  private static void tooLarge(Context ctx) {
    json(ctx, 413, Map.of("error", "request body larger than " + MAX_BODY + " bytes"));
  }

  /** A request whose body could not be read whole. */
  private static final class BadBody extends RuntimeException {
    BadBody(String message) {
      super(message);
    }
  }

  private void accept(Context ctx, String endpoint, List<Signal> signals, long started) {
    try {
      Ingest.Outcome o = ingest.submit(signals);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("accepted", o.accepted());
      body.put("duplicates", o.duplicates());
      json(ctx, 200, body);
      metrics.acknowledged(endpoint, Duration.ofNanos(System.nanoTime() - started));
    } catch (Unstorable e) {
      json(ctx, 400, Map.of("error", e.getMessage()));
    } catch (Overloaded e) {
      ctx.header("Retry-After", "1");
      int status = e.unavailable() ? 503 : 429;
      json(ctx, status, Map.of("error", e.getMessage()));
      metrics.refused(endpoint, status, e.reason());
    }
  }

  private void timeline(Context ctx) throws Exception {
    if (!authorized(ctx, cfg.api(), null)) {
      return;
    }
    String app = ctx.queryParam("app");
    String env = ctx.queryParam("env");
    if (app == null || app.isBlank() || env == null || env.isBlank()) {
      json(ctx, 400, Map.of("error", "app and env are required:"
          + " /api/v1/timeline?app=checkout&env=prod&since=24h"));
      return;
    }
    Instant since;
    try {
      since = since(ctx.queryParam("since"));
    } catch (IllegalArgumentException e) {
      json(ctx, 400, Map.of("error", e.getMessage()));
      return;
    }
    int limit = limit(ctx.queryParam("limit"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("app", app);
    out.put("environment", env);
    out.put("since", since.toString());
    out.put("items", store.timeline(app, env, since, limit));
    json(ctx, 200, out);
  }

  private void incidents(Context ctx) throws Exception {
    if (!authorized(ctx, cfg.api(), null)) {
      return;
    }
    String state = ctx.queryParam("state");
    if (state != null && !state.equals("firing") && !state.equals("resolved")) {
      json(ctx, 400, Map.of("error", "state: expected firing or resolved"));
      return;
    }
    json(ctx, 200, Map.of("items", store.listIncidents(state, limit(ctx.queryParam("limit")))));
  }

  /** The scorecard: {@code team} and {@code env} narrow it, {@code since} as for the timeline (default 30d). */
  private void insights(Context ctx) throws Exception {
    if (!authorized(ctx, cfg.api(), null)) {
      return;
    }
    Instant since;
    try {
      String s = ctx.queryParam("since");
      since = since(s == null || s.isBlank() ? "30d" : s);
    } catch (IllegalArgumentException e) {
      json(ctx, 400, Map.of("error", e.getMessage()));
      return;
    }
    String team = blankToNull(ctx.queryParam("team"));
    String env = blankToNull(ctx.queryParam("env"));
    json(ctx, 200, dev.pave.insights.InsightsJson.of(store.insights().insights(team, env, since,
        clock.instant(), costs)));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private void ready(Context ctx) {
    try {
      // Not a count of the journal: a probe every few seconds must not scan millions of rows.
      store.ping();
      json(ctx, 200, Map.of("status", "ready", "queued", ingest.queued()));
    } catch (Exception e) {
      json(ctx, 503, Map.of("status", "database not reachable"));
    }
  }

  /** {@code since}: RFC 3339 time, or a duration back from now (30m, 24h, 7d); default 24h. */
  Instant since(String s) {
    Instant now = clock.instant();
    if (s == null || s.isBlank()) {
      return now.minus(Duration.ofHours(24));
    }
    var m = java.util.regex.Pattern.compile("^(\\d+)(s|m|h|d)$").matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return now.minus(switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("since: expected an RFC 3339 time or a duration such as"
          + " 24h, got \"" + s + "\"");
    }
  }

  private static int limit(String s) {
    if (s == null || !s.matches("\\d{1,6}")) {
      return 1000;
    }
    return Math.max(1, Math.min(10_000, Integer.parseInt(s)));
  }

  /**
   * What can be decided before the body is read, so that an unauthenticated sender cannot make
   * the intake read 16 MiB: true for a right bearer token or no credentials configured, null
   * when an HMAC signature within the time window must be checked against the body, false
   * (401 answered) otherwise.
   */
  private Boolean authorizedBeforeBody(Context ctx, SignalsConfig.Credentials creds) {
    if (!creds.required()) {
      return true;
    }
    String authz = ctx.header("Authorization");
    if (creds.bearerToken() != null && authz != null && authz.startsWith("Bearer ")
        && creds.bearerToken().matches(authz.substring(7).strip())) {
      return true;
    }
    if (creds.hmacSecret() != null) {
      String ts = ctx.header(WebhookSink.TIMESTAMP);
      if (ts != null && ctx.header(WebhookSink.SIGNATURE) != null && ts.matches("\\d{1,12}")
          && Math.abs(clock.instant().getEpochSecond() - Long.parseLong(ts))
              <= SIGNATURE_WINDOW.toSeconds()) {
        return null;
      }
    }
    ctx.header("WWW-Authenticate", "Bearer");
    json(ctx, 401, Map.of("error", "missing or wrong credentials"));
    return false;
  }

  /**
   * Bearer token ({@code Authorization: Bearer T}) or HMAC ({@code X-Pave-Timestamp},
   * {@code X-Pave-Signature: sha256=HEX} of "timestamp.body", within five minutes). Answers 401
   * itself and returns false when neither is right.
   */
  private boolean authorized(Context ctx, SignalsConfig.Credentials creds, byte[] body) {
    if (!creds.required()) {
      return true;
    }
    String authz = ctx.header("Authorization");
    if (creds.bearerToken() != null && authz != null && authz.startsWith("Bearer ")
        && creds.bearerToken().matches(authz.substring(7).strip())) {
      return true;
    }
    if (creds.hmacSecret() != null && body != null) {
      String ts = ctx.header(WebhookSink.TIMESTAMP);
      String sig = ctx.header(WebhookSink.SIGNATURE);
      if (ts != null && sig != null && ts.matches("\\d{1,12}")) {
        long age = Math.abs(clock.instant().getEpochSecond() - Long.parseLong(ts));
        String expected = "sha256=" + WebhookSink.hmac(creds.hmacSecret().bytes(), ts, body);
        if (age <= SIGNATURE_WINDOW.toSeconds() && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.US_ASCII), sig.getBytes(StandardCharsets.US_ASCII))) {
          return true;
        }
      }
    }
    ctx.header("WWW-Authenticate", "Bearer");
    json(ctx, 401, Map.of("error", "missing or wrong credentials"));
    return false;
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(Codec.encode(body));
  }

  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
  }
}
