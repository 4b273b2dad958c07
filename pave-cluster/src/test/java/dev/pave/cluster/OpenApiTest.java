package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAPI endpoints kubectl fetches: the v3 index, documents, ETags and 404s. */
class OpenApiTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Cluster cluster;

  @BeforeEach
  void start() {
    cluster = Cluster.start();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.url() + path))
        .header("Authorization", "Bearer " + cluster.adminToken());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void indexPointsAtHashedDocumentsServedImmutable() throws Exception {
    HttpResponse<String> index = get("/openapi/v3");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    String url = Json.parse(index.body().getBytes()).path("paths").path("apis/apps/v1")
        .path("serverRelativeURL").asText();
    assertThat(url).startsWith("/openapi/v3/apis/apps/v1?hash=");
    HttpResponse<String> doc = get(url);
    assertThat(doc.statusCode()).isEqualTo(200);
    assertThat(doc.headers().firstValue("Cache-Control")).hasValue("public, immutable");
    assertThat(Json.parse(doc.body().getBytes()).path("openapi").asText()).isEqualTo("3.0.0");
    assertThat(url).endsWith(doc.headers().firstValue("Etag").orElseThrow().replace("\"", ""));
    HttpResponse<String> unhashed = get("/openapi/v3/apis/apps/v1");
    assertThat(unhashed.headers().firstValue("Cache-Control")).hasValue("no-cache, private");
    assertThat(unhashed.headers().firstValue("Expires")).isEmpty();
  }

  @Test
  void operationsAreNamedAndDescribedAsTheRealServerDoes() throws Exception {
    var doc = Json.parse(get("/openapi/v3/apis/rbac.authorization.k8s.io/v1").body()
        .getBytes());
    var item = doc.path("paths").path("/apis/rbac.authorization.k8s.io/v1/namespaces/"
        + "{namespace}/roles/{name}");
    assertThat(item.path("patch").path("operationId").asText())
        .isEqualTo("patchRbacAuthorizationV1NamespacedRole");
    assertThat(item.path("patch").path("tags").get(0).asText())
        .isEqualTo("rbacAuthorization_v1");
    assertThat(item.path("patch").path("requestBody").path("content")
        .has("application/strategic-merge-patch+json")).isTrue();
    assertThat(item.path("get").path("responses").path("200").path("content")
        .path("application/json").path("schema").path("$ref").asText())
        .isEqualTo("#/components/schemas/io.k8s.api.rbac.v1.Role");
    assertThat(item.path("parameters").get(0).path("description").asText())
        .isEqualTo("name of the Role");
    var collection = doc.path("paths").path("/apis/rbac.authorization.k8s.io/v1/"
        + "clusterroles");
    assertThat(collection.path("delete").path("operationId").asText())
        .isEqualTo("deleteRbacAuthorizationV1CollectionClusterRole");
    assertThat(collection.path("post").path("description").asText())
        .isEqualTo("create a ClusterRole");
    assertThat(doc.path("components").path("securitySchemes").has("BearerToken")).isTrue();
  }

  @Test
  void unservedGroupVersionIsAnEmpty404() throws Exception {
    HttpResponse<String> a = get("/openapi/v3/apis/monitoring.coreos.com/v1");
    assertThat(a.statusCode()).isEqualTo(404);
    assertThat(a.body()).isEmpty();
  }

  @Test
  void v2AnswersNotModifiedToItsOwnEtag() throws Exception {
    HttpResponse<String> a = get("/openapi/v2", "Accept", "application/json");
    assertThat(a.statusCode()).isEqualTo(200);
    assertThat(Json.parse(a.body().getBytes()).path("swagger").asText()).isEqualTo("2.0");
    String etag = a.headers().firstValue("Etag").orElseThrow();
    HttpResponse<String> again = get("/openapi/v2", "Accept", "application/json",
        "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    HttpResponse<String> proto = get("/openapi/v2", "Accept",
        "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
    assertThat(proto.headers().firstValue("Content-Type"))
        .hasValue("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
  }
}
