package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl's generator commands against the embedded API: they send built-in kinds as
 * protobuf (Content-Type application/vnd.kubernetes.protobuf) and ask for protobuf answers,
 * so each create, read and delete here goes through the protobuf codec both ways. CI must
 * have kubectl (the test fails there without it); elsewhere it skips with a message.
 */
class KubectlCreateTest {
  static Cluster cluster;
  static Path kubeconfig;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    boolean present = new ProcessBuilder("kubectl", "version", "--client").start()
        .waitFor() == 0;
    if (!present) {
      assertThat("true".equals(System.getenv("CI"))).as("kubectl is on CI's machines")
          .isFalse();
    }
    assumeTrue(present, "kubectl is not installed: skipping the kubectl create test");
    cluster = Cluster.startTls(0, "kubectl-create");
    kubeconfig = dir.resolve("config");
    Files.writeString(kubeconfig, cluster.kubeconfig("embedded"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static KubectlTest.Run kubectl(String... args) throws Exception {
    return KubectlTest.kubectlWith(kubeconfig, null, args);
  }

  private static void ok(KubectlTest.Run run, String output) {
    assertThat(run.code()).as(run.out()).isZero();
    assertThat(run.out()).contains(output);
  }

  @Test
  void generatorCommandsSpeakProtobuf() throws Exception {
    ok(kubectl("create", "ns", "made"), "namespace/made created");
    ok(kubectl("-n", "made", "create", "configmap", "settings", "--from-literal=a=b",
        "--from-literal=c=d"), "configmap/settings created");
    ok(kubectl("-n", "made", "create", "deployment", "web", "--image=nginx:1.27",
        "--replicas=2", "--port=80"), "deployment.apps/web created");
    ok(kubectl("-n", "made", "create", "secret", "generic", "creds",
        "--from-literal=password=s3cret"), "secret/creds created");
    ok(kubectl("-n", "made", "create", "role", "reader", "--verb=get,list",
        "--resource=pods,configmaps"), "role.rbac.authorization.k8s.io/reader created");
    ok(kubectl("auth", "can-i", "create", "deployments", "-n", "made"), "yes");

    ok(kubectl("get", "ns", "made", "-o", "yaml"), "name: made");
    KubectlTest.Run cm = kubectl("-n", "made", "get", "configmap", "settings", "-o", "yaml",
        "--show-managed-fields");
    ok(cm, "a: b");
    assertThat(cm.out()).contains("c: d").contains("creationTimestamp: \"20")
        .contains("manager: kubectl-create");
    KubectlTest.Run dep = kubectl("-n", "made", "get", "deployment", "web", "-o", "yaml");
    ok(dep, "image: nginx:1.27");
    assertThat(dep.out()).contains("replicas: 2").contains("containerPort: 80")
        .contains("app: web").contains("maxSurge: 25%");
    KubectlTest.Run secret = kubectl("-n", "made", "get", "secret", "creds", "-o", "yaml");
    // base64 of "s3cret"
    ok(secret, "password: czNjcmV0");
    assertThat(secret.out()).contains("type: Opaque");
    KubectlTest.Run role = kubectl("-n", "made", "get", "role", "reader", "-o", "yaml");
    ok(role, "- configmaps");
    assertThat(role.out()).contains("- list").contains("- pods");
    ok(kubectl("-n", "made", "get", "deployment,configmap,secret,role", "-o", "name"),
        "deployment.apps/web");

    ok(kubectl("-n", "made", "delete", "configmap", "settings"),
        "configmap \"settings\" deleted");
    ok(kubectl("-n", "made", "delete", "secret", "creds"), "secret \"creds\" deleted");
    ok(kubectl("-n", "made", "delete", "role", "reader"),
        "role.rbac.authorization.k8s.io \"reader\" deleted");
    ok(kubectl("-n", "made", "delete", "deployment", "web"),
        "deployment.apps \"web\" deleted");
    KubectlTest.Run gone = kubectl("-n", "made", "get", "configmap", "settings");
    assertThat(gone.code()).isNotZero();
    assertThat(gone.out()).contains("configmaps \"settings\" not found");
    ok(kubectl("delete", "ns", "made", "--wait=false"), "namespace \"made\" deleted");
  }
}
