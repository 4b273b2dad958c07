package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who a bearer token names: the administrator's token, or a ServiceAccount token this cluster
 * issued through TokenRequest ({@code POST .../serviceaccounts/NAME/token}). Service-account
 * tokens are JWTs signed with a key of this cluster alone (HMAC-SHA256), valid while unexpired,
 * for the API's audience and while the ServiceAccount they name still exists with the same uid,
 * as the real token authenticator checks.
 */
final class Tokens implements Authenticator {
  /** The audience the real server's tokens carry unless the request names others. */
  static final String API_AUDIENCE = "https://kubernetes.default.svc.cluster.local";
  static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** What a valid token says: the user, the audiences it was minted for and its id. */
  record Identity(User user, List<String> audiences, String jti) {}

  private final Store store;
  private final ResourceTypes types;
  private final String adminToken;
  private final byte[] key = new byte[32];

  Tokens(Store store, ResourceTypes types, String adminToken) {
    this.store = store;
    this.types = types;
    this.adminToken = adminToken;
    new SecureRandom().nextBytes(key);
  }

  @Override
  public User authenticate(String bearerToken) {
    if (bearerToken == null) {
      return User.ANONYMOUS;
    }
    Identity id = verify(bearerToken, API_AUDIENCE);
    return id == null ? null : id.user();
  }

  /** The identity of a token valid for {@code audience} (any audience when null), else null. */
  Identity verify(String token, String audience) {
    if (token == null) {
      return null;
    }
    if (MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
        adminToken.getBytes(StandardCharsets.UTF_8))) {
      return new Identity(User.ADMIN, List.of(API_AUDIENCE), null);
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    byte[] expected = sign(parts[0] + "." + parts[1]);
    byte[] given;
    JsonNode claims;
    try {
      given = Base64.getUrlDecoder().decode(parts[2]);
      claims = Json.parse(Base64.getUrlDecoder().decode(parts[1]));
    } catch (IllegalArgumentException | IOException e) {
      return null;
    }
    if (!MessageDigest.isEqual(expected, given)) {
      return null;
    }
    if (claims.path("exp").asLong(0) <= Instant.now().getEpochSecond()) {
      return null;
    }
    List<String> audiences = new ArrayList<>();
    claims.path("aud").forEach(a -> audiences.add(a.asText()));
    if (audience != null && !audiences.contains(audience)) {
      return null;
    }
    JsonNode k8s = claims.path("kubernetes.io");
    String ns = k8s.path("namespace").asText();
    String name = k8s.path("serviceaccount").path("name").asText();
    String uid = k8s.path("serviceaccount").path("uid").asText();
    ObjectNode sa = store.get(Store.key(serviceAccounts(), ns, name));
    if (sa == null || !uid.equals(sa.path("metadata").path("uid").asText())) {
      return null;
    }
    return new Identity(serviceAccountUser(ns, name, uid), audiences,
        claims.path("jti").asText());
  }

  /** The user a service account authenticates as, with the groups real clusters give it. */
  static User serviceAccountUser(String namespace, String name, String uid) {
    return new User("system:serviceaccount:" + namespace + ":" + name, uid,
        List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace,
            "system:authenticated"));
  }

  /** Answers a TokenRequest for the ServiceAccount the target names. */
  Response request(Target t, Request r) {
    JsonNode body;
    try {
      body = r.body() == null || r.body().length == 0 ? Json.object() : Json.parse(r.body());
    } catch (IOException e) {
      throw ApiException.badRequest("the object provided is unrecognized (must be of type "
          + "TokenRequest): couldn't get version/kind; json parse error: " + Json.reason(e));
    }
    JsonNode spec = body.path("spec");
    long seconds = spec.path("expirationSeconds").asLong(3600);
    if (seconds < 600) {
      throw ApiException.invalid("authentication.k8s.io", "TokenRequest", "", List.of(
          new ApiException.Cause("FieldValueInvalid", "Invalid value: " + seconds
              + ": may not specify a duration less than 10 minutes", "spec.expirationSeconds")));
    }
    if (seconds > 4294967296L) {
      throw ApiException.invalid("authentication.k8s.io", "TokenRequest", "", List.of(
          new ApiException.Cause("FieldValueInvalid", "Invalid value: " + seconds
              + ": may not specify a duration larger than 2^32 seconds",
              "spec.expirationSeconds")));
    }
    ObjectNode sa = store.get(t.key());
    if (sa == null) {
      throw ApiException.notFound(t.type(), t.name());
    }
    List<String> audiences = new ArrayList<>();
    spec.path("audiences").forEach(a -> audiences.add(a.asText()));
    if (audiences.isEmpty()) {
      audiences.add(API_AUDIENCE);
    }
    long now = Instant.now().getEpochSecond();
    String jti = UUID.randomUUID().toString();
    ObjectNode claims = Json.object();
    ArrayNode aud = claims.putArray("aud");
    audiences.forEach(aud::add);
    claims.put("exp", now + seconds);
    claims.put("iat", now);
    claims.put("iss", API_AUDIENCE);
    claims.put("jti", jti);
    ObjectNode k8s = claims.putObject("kubernetes.io");
    k8s.put("namespace", t.namespace());
    JsonNode bound = spec.path("boundObjectRef");
    if (bound.isObject()) {
      k8s.putObject(bound.path("kind").asText().toLowerCase())
          .put("name", bound.path("name").asText()).put("uid", bound.path("uid").asText());
    }
    k8s.putObject("serviceaccount").put("name", t.name())
        .put("uid", sa.path("metadata").path("uid").asText());
    claims.put("nbf", now);
    claims.put("sub", "system:serviceaccount:" + t.namespace() + ":" + t.name());
    String signingInput = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
        .getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(Json.bytes(claims));
    String token = signingInput + "." + B64.encodeToString(sign(signingInput));

    ObjectNode out = Json.object();
    out.put("kind", "TokenRequest");
    out.put("apiVersion", "authentication.k8s.io/v1");
    ObjectNode meta = out.putObject("metadata");
    meta.put("name", t.name());
    meta.put("namespace", t.namespace());
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", Json.now());
    meta.set("managedFields", Reviews.managedFields("authentication.k8s.io/v1", Writes.manager(r),
        "spec"));
    ObjectNode outSpec = out.putObject("spec");
    ArrayNode outAud = outSpec.putArray("audiences");
    audiences.forEach(outAud::add);
    outSpec.put("expirationSeconds", seconds);
    outSpec.set("boundObjectRef", bound.isObject() ? bound : null);
    out.putObject("status").put("token", token)
        .put("expirationTimestamp", Instant.ofEpochSecond(now + seconds).toString());
    return Response.json(201, out, null);
  }

  private ResourceType serviceAccounts() {
    return types.find("", "v1", "serviceaccounts").orElseThrow();
  }

  private byte[] sign(String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
