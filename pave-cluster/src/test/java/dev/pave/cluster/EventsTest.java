package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** core/v1 and events.k8s.io/v1 Events: one storage, two views, each API's validation. */
class EventsTest {
  private static final String CORE = "/api/v1/namespaces/tx-ev/events";
  private static final String NEW = "/apis/events.k8s.io/v1/namespaces/tx-ev/events";
  private Cluster cluster;
  private AuthHttp http;

  @BeforeEach
  void start() {
    cluster = Cluster.start();
    http = new AuthHttp(cluster);
    http.namespace("tx-ev", null);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private AuthHttp.Answer coreEvent(String name, String type) {
    return http.admin("POST", CORE, "{\"metadata\":{\"name\":\"" + name + "\"},"
        + "\"involvedObject\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"ev-pod\","
        + "\"namespace\":\"tx-ev\",\"uid\":\"u1\"},\"reason\":\"Started\",\"message\":"
        + "\"Started container c\",\"type\":\"" + type + "\",\"source\":{\"component\":"
        + "\"tx-tester\"},\"firstTimestamp\":\"2026-01-01T00:00:00Z\",\"lastTimestamp\":"
        + "\"2026-01-01T00:00:00Z\",\"count\":1}");
  }

  private AuthHttp.Answer newEvent(String name, String extra) {
    return http.admin("POST", NEW, "{\"metadata\":{\"name\":\"" + name + "\"},"
        + "\"reportingController\":\"tx.example.com/tester\",\"reportingInstance\":"
        + "\"tester-1\",\"action\":\"Pulling\",\"reason\":\"Pulling\",\"note\":\"Pulling image"
        + "\",\"regarding\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"ev-pod\","
        + "\"namespace\":\"tx-ev\",\"uid\":\"u1\"}" + extra + "}");
  }

  @Test
  void coreEventsGetTheRecordedDefaultsAndLooseValidation() {
    AuthHttp.Answer a = coreEvent("ev-pod.core1", "Info");
    assertThat(a.status()).isEqualTo(201);
    assertThat(a.body().path("source").path("component").asText()).isEqualTo("tx-tester");
    assertThat(a.body().path("eventTime").isNull()).isTrue();
    assertThat(a.body().path("reportingComponent").asText("x")).isEmpty();
    AuthHttp.Answer empty = http.admin("POST", CORE, "{\"metadata\":{\"name\":\"ev-empty\"}}");
    assertThat(empty.status()).isEqualTo(422);
    assertThat(empty.message()).isEqualTo("Event \"ev-empty\" is invalid: involvedObject."
        + "namespace: Invalid value: \"\": does not match event.namespace");
  }

  @Test
  void newEventsAreValidatedStrictlyOnCoreFieldNames() {
    AuthHttp.Answer empty = http.admin("POST", NEW, "{\"metadata\":{\"name\":\"ev-empty2\"}}");
    assertThat(empty.status()).isEqualTo(422);
    assertThat(empty.message()).isEqualTo("Event \"ev-empty2\" is invalid: [involvedObject."
        + "namespace: Invalid value: \"\": does not match event.namespace, eventTime: Required "
        + "value, type: Invalid value: \"\": has invalid value: ]");
    AuthHttp.Answer badType = newEvent("ev-type2", ",\"type\":\"Info\",\"eventTime\":"
        + "\"2026-01-01T00:00:00.000000Z\"");
    assertThat(badType.message()).isEqualTo("Event \"ev-type2\" is invalid: type: Invalid value: "
        + "\"\": has invalid value: Info");
    AuthHttp.Answer noTime = newEvent("ev-noet", ",\"type\":\"Normal\"");
    assertThat(noTime.message()).isEqualTo("Event \"ev-noet\" is invalid: eventTime: Required "
        + "value");
  }

  @Test
  void bothApisShowTheSameObjectConverted() {
    coreEvent("ev-pod.core1", "Normal");
    AuthHttp.Answer created = newEvent("ev-pod.new1", ",\"type\":\"Normal\",\"eventTime\":"
        + "\"2026-01-01T00:00:00.000000Z\"");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().path("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
    assertThat(created.body().path("note").asText()).isEqualTo("Pulling image");
    assertThat(created.body().path("deprecatedSource").toString()).isEqualTo("{}");

    AuthHttp.Answer asCore = http.admin("GET", CORE + "/ev-pod.new1", null);
    assertThat(asCore.body().path("message").asText()).isEqualTo("Pulling image");
    assertThat(asCore.body().path("involvedObject").path("name").asText()).isEqualTo("ev-pod");
    assertThat(asCore.body().path("reportingComponent").asText())
        .isEqualTo("tx.example.com/tester");
    assertThat(asCore.body().has("count")).isFalse();

    AuthHttp.Answer asNew = http.admin("GET", NEW + "/ev-pod.core1", null);
    assertThat(asNew.body().path("regarding").path("name").asText()).isEqualTo("ev-pod");
    assertThat(asNew.body().path("deprecatedSource").path("component").asText())
        .isEqualTo("tx-tester");
    assertThat(asNew.body().path("deprecatedCount").asInt()).isEqualTo(1);
    assertThat(asNew.body().has("reportingController")).isFalse();
  }

  @Test
  void fieldSelectorsUseEachApisNames() {
    coreEvent("ev-pod.core1", "Normal");
    newEvent("ev-pod.new1", ",\"type\":\"Warning\",\"eventTime\":"
        + "\"2026-01-01T00:00:00.000000Z\"");
    AuthHttp.Answer byRegarding = http.admin("GET", NEW + "?fieldSelector=regarding.name%3D"
        + "ev-pod", null);
    assertThat(byRegarding.status()).isEqualTo(200);
    assertThat(byRegarding.body().path("kind").asText()).isEqualTo("EventList");
    assertThat(byRegarding.body().path("items")).hasSize(2);
    AuthHttp.Answer coreName = http.admin("GET", NEW + "?fieldSelector=involvedObject.name%3D"
        + "ev-pod", null);
    assertThat(coreName.status()).isEqualTo(400);
    assertThat(coreName.message()).isEqualTo("field label not supported: involvedObject.name");
    AuthHttp.Answer warnings = http.admin("GET", CORE + "?fieldSelector=type%3DWarning", null);
    assertThat(warnings.body().path("items")).hasSize(1);
    assertThat(warnings.body().path("items").get(0).path("metadata").path("name").asText())
        .isEqualTo("ev-pod.new1");
  }
}
