package dev.pave.console.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.pave.console.Auth;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * OpenID Connect login, authorization code flow with PKCE (S256), against any provider that
 * publishes a discovery document. The ID token's signature is checked against the provider's
 * JWKS, and its issuer, audience, expiry and nonce against what this login sent.
 */
public final class OidcLogin {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PENDING_FOR = Duration.ofMinutes(10);

  private final Auth.Oidc cfg;
  private final String clientSecret;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final DataSource ds;
  private volatile Provider provider;

  /** A login started and not yet finished: what the callback must match. */
  private record Pending(String nonce, String verifier, Instant started) {}

  /** What the discovery document says. */
  private record Provider(String issuer, URI authorization, URI token,
      DefaultJWTProcessor<SecurityContext> idTokens) {}

  /** Where to send the browser, and the state the callback must bring back. */
  public record Start(URI redirect, String state) {}

  /** Logins in progress are kept in {@code ds}, so the callback may reach any replica. */
  public OidcLogin(Auth.Oidc cfg, DataSource ds, Clock clock) throws IOException {
    this.cfg = cfg;
    this.ds = ds;
    this.clock = clock;
    this.clientSecret = cfg.clientSecretFile() == null ? null
        : Files.readString(cfg.clientSecretFile()).strip();
  }

  private Provider provider() throws IOException {
    Provider p = provider;
    if (p != null) {
      return p;
    }
    String base = cfg.issuer().toString().replaceAll("/+$", "");
    URI discovery = URI.create(base + "/.well-known/openid-configuration");
    JsonNode doc;
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(discovery)
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("discovery document " + discovery + ": HTTP " + r.statusCode());
      }
      doc = JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    String issuer = doc.path("issuer").asText();
    if (!issuer.replaceAll("/+$", "").equals(base)) {
      throw new IOException("discovery document " + discovery + " names issuer \"" + issuer
          + "\", not the configured " + base);
    }
    JWKSource<SecurityContext> keys = JWKSourceBuilder.create(
        URI.create(doc.path("jwks_uri").asText()).toURL()).retrying(true).build();
    DefaultJWTProcessor<SecurityContext> proc = new DefaultJWTProcessor<>();
    proc.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
    Set<JWSAlgorithm> algs = new HashSet<>();
    algs.addAll(JWSAlgorithm.Family.RSA);
    algs.addAll(JWSAlgorithm.Family.EC);
    proc.setJWSKeySelector(new JWSVerificationKeySelector<>(algs, keys));
    proc.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(cfg.clientId(),
        new JWTClaimsSet.Builder().issuer(issuer).build(),
        Set.of("sub", "iat", "exp", "nonce")));
    p = new Provider(issuer, URI.create(doc.path("authorization_endpoint").asText()),
        URI.create(doc.path("token_endpoint").asText()), proc);
    provider = p;
    return p;
  }

  /** Begins a login: a fresh state, nonce and PKCE verifier, kept for ten minutes. */
  public Start start() throws IOException, SQLException {
    Provider p = provider();
    Instant now = clock.instant();
    String state = Sessions.random();
    String nonce = Sessions.random();
    String verifier = Sessions.random() + Sessions.random();
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(
          "delete from console_oidc_logins where started < ?")) {
        ps.setTimestamp(1, Timestamp.from(now.minus(PENDING_FOR)));
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("insert into console_oidc_logins"
          + " (state_sha256, nonce, verifier, started) values (?,?,?,?)")) {
        ps.setString(1, ApiTokens.sha256(state));
        ps.setString(2, nonce);
        ps.setString(3, verifier);
        ps.setTimestamp(4, Timestamp.from(now));
        ps.executeUpdate();
      }
    }
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", cfg.clientId());
    q.put("redirect_uri", cfg.redirectUri().toString());
    q.put("scope", "openid profile email");
    q.put("state", state);
    q.put("nonce", nonce);
    q.put("code_challenge", challenge(verifier));
    q.put("code_challenge_method", "S256");
    String sep = p.authorization().getQuery() == null ? "?" : "&";
    return new Start(URI.create(p.authorization() + sep + form(q)), state);
  }

  /**
   * Finishes a login: exchanges the code (with the PKCE verifier), verifies the ID token and
   * maps its groups to roles.
   *
   * @param cookieState the state this browser was given at {@link #start()}
   * @throws SecurityException when anything does not match; the message is safe to show
   */
  public Principal finish(String code, String state, String cookieState) throws IOException,
      SQLException {
    if (state == null || code == null || !Sessions.same(state, cookieState)) {
      throw new SecurityException("the login response does not belong to this browser's login;"
          + " start again");
    }
    Pending started = take(state);
    if (started == null || started.started().plus(PENDING_FOR).isBefore(clock.instant())) {
      throw new SecurityException("the login took too long or was already used; start again");
    }
    Provider p = provider();
    Map<String, String> f = new LinkedHashMap<>();
    f.put("grant_type", "authorization_code");
    f.put("code", code);
    f.put("redirect_uri", cfg.redirectUri().toString());
    f.put("code_verifier", started.verifier());
    f.put("client_id", cfg.clientId());
    HttpRequest.Builder rb = HttpRequest.newBuilder(p.token()).timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json");
    if (clientSecret != null) {
      rb.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (enc(cfg.clientId()) + ":" + enc(clientSecret)).getBytes(StandardCharsets.UTF_8)));
    }
    JsonNode tokens;
    try {
      HttpResponse<String> r = http.send(rb.POST(HttpRequest.BodyPublishers.ofString(form(f)))
          .build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        // The body may carry the provider's error code; never the secret we sent.
        String err = "";
        try {
          err = JSON.readTree(r.body()).path("error").asText("");
        } catch (IOException ignored) {
          // not JSON
        }
        throw new SecurityException("the identity provider refused the code (HTTP "
            + r.statusCode() + (err.isEmpty() ? "" : ", " + err) + ")");
      }
      tokens = JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    JWTClaimsSet claims;
    try {
      claims = p.idTokens().process(tokens.path("id_token").asText(), null);
    } catch (Exception e) {
      throw new SecurityException("the ID token did not verify: " + e.getMessage());
    }
    if (!Sessions.same(started.nonce(), String.valueOf(claims.getClaim("nonce")))) {
      throw new SecurityException("the ID token's nonce is not this login's");
    }
    return principal(claims);
  }

  /** The login this state started, removed so it is used once (on any replica). */
  private Pending take(String state) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "delete from console_oidc_logins where state_sha256 = ? returning nonce, verifier,"
            + " started")) {
      ps.setString(1, ApiTokens.sha256(state));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Pending(rs.getString(1), rs.getString(2),
            rs.getTimestamp(3).toInstant()) : null;
      }
    }
  }

  Principal principal(JWTClaimsSet claims) {
    String name = firstNonBlank(claims.getClaim("preferred_username"), claims.getClaim("email"),
        claims.getSubject());
    List<String> groups = new ArrayList<>();
    Object g = claims.getClaim(cfg.groupClaim());
    if (g instanceof List<?> l) {
      l.forEach(x -> groups.add(String.valueOf(x)));
    } else if (g instanceof String s) {
      groups.addAll(List.of(s.split("[,\\s]+")));
    }
    return map(name, groups, cfg.groups());
  }

  /** Groups to roles: platform roles from platform mappings, the strongest role per team. */
  public static Principal map(String name, List<String> groups, List<Auth.GroupMapping> rules) {
    Role platform = Role.VIEWER;
    Map<String, Role> teams = new LinkedHashMap<>();
    for (Auth.GroupMapping m : rules) {
      if (!groups.contains(m.group())) {
        continue;
      }
      if (m.role() == Role.PLATFORM_ADMIN) {
        platform = Role.PLATFORM_ADMIN;
      } else if (m.role().teamScoped()) {
        teams.merge(m.team(), m.role(), (a, b) -> a.atLeast(b) ? a : b);
      }
    }
    return new Principal(name, platform, teams, "session");
  }

  private static String firstNonBlank(Object... values) {
    for (Object v : values) {
      if (v != null && !String.valueOf(v).isBlank()) {
        return String.valueOf(v);
      }
    }
    return "unknown";
  }

  static String challenge(String verifier) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(
          verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String form(Map<String, String> m) {
    StringBuilder b = new StringBuilder();
    m.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(enc(k)).append('=')
        .append(enc(v)));
    return b.toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
