package dev.pave.console;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A throwaway Glewlwyd (Debian's package) on loopback with an OpenID Connect plugin, a public
 * client using PKCE, and one user "ana" (password "password", the hash of the packaged admin
 * user reused) in the groups payments-devs and everyone.
 */
final class Glewlwyd implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/glewlwyd");
  static final Path SCHEMA = Path.of("/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3");
  final int port;
  final Path dir;
  final Process process;

  static boolean installed() {
    return Files.isExecutable(BINARY) && Files.exists(SCHEMA)
        && Files.isExecutable(Path.of("/usr/bin/sqlite3"))
        && Files.isExecutable(Path.of("/usr/bin/openssl"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  String issuer() {
    return "http://127.0.0.1:" + port + "/api/oidc";
  }

  Glewlwyd(Path dir, String clientId, String redirectUri) throws Exception {
    this.dir = dir;
    this.port = freePort();
    run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
        dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(), "-subj",
        "/CN=glewlwyd-test", "-days", "2"));
    String key = Files.readString(dir.resolve("key.pem"));
    String cert = Files.readString(dir.resolve("cert.pem"));
    Path db = dir.resolve("glewlwyd.db");
    run(List.of("sh", "-c", "sqlite3 '" + db + "' < '" + SCHEMA + "'"));
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var params = new java.util.LinkedHashMap<String, Object>();
    params.put("iss", issuer());
    params.put("jwt-type", "rsa");
    params.put("jwt-key-size", "256");
    params.put("key", key);
    params.put("cert", cert);
    params.put("access-token-duration", 3600);
    params.put("refresh-token-duration", 1209600);
    params.put("code-duration", 600);
    params.put("refresh-token-rolling", false);
    params.put("allow-non-oidc", false);
    params.put("auth-type-code-enabled", true);
    params.put("auth-type-token-enabled", false);
    params.put("auth-type-id-token-enabled", false);
    params.put("auth-type-none-enabled", false);
    params.put("auth-type-password-enabled", false);
    params.put("auth-type-client-enabled", false);
    params.put("auth-type-refresh-enabled", true);
    params.put("pkce-allowed", true);
    params.put("pkce-required", true);
    params.put("pkce-method-plain-allowed", false);
    params.put("allowed-scope", List.of("openid", "profile", "email"));
    params.put("claims", List.of(
        java.util.Map.of("name", "groups", "user-property", "groups", "mandatory", true),
        java.util.Map.of("name", "preferred_username", "user-property", "username",
            "mandatory", true)));
    params.put("jwks-show", true);
    String plugin = json.writeValueAsString(params).replace("'", "''");
    String user = "(SELECT gu_id FROM g_user WHERE gu_username='ana')";
    String client = "(SELECT gc_id FROM g_client WHERE gc_client_id='" + clientId + "')";
    String seed = String.join("\n",
        "UPDATE g_user_module_instance SET gumi_parameters=json_set(gumi_parameters,"
            + "'$.\"data-format\".groups', json('{\"multiple\":true,\"read\":true,\"write\":true,"
            + "\"profile-read\":true,\"profile-write\":false}')) WHERE gumi_name='database';",
        "INSERT INTO g_scope (gs_name, gs_display_name, gs_description, gs_password_required,"
            + " gs_password_max_age) VALUES ('profile','profile','',0,0),('email','email','',0,0);",
        "INSERT INTO g_user_scope (gus_name) VALUES ('openid'),('profile'),('email');",
        "INSERT INTO g_user (gu_username, gu_name, gu_email, gu_enabled) VALUES ('ana','Ana',"
            + "'ana@example.com',1);",
        "INSERT INTO g_user_password (gu_id, guw_password) SELECT " + user + ", guw_password"
            + " FROM g_user_password WHERE gu_id=(SELECT gu_id FROM g_user WHERE"
            + " gu_username='admin');",
        "INSERT INTO g_user_scope_user (gu_id, gus_id) SELECT " + user + ", gus_id FROM"
            + " g_user_scope WHERE gus_name IN ('openid','profile','email');",
        "INSERT INTO g_user_property (gu_id, gup_name, gup_value) VALUES (" + user
            + ",'groups','payments-devs'),(" + user + ",'groups','everyone');",
        "INSERT INTO g_client (gc_client_id, gc_name, gc_confidential, gc_enabled) VALUES ('"
            + clientId + "','Pave console',0,1);",
        "INSERT INTO g_client_property (gc_id, gcp_name, gcp_value) VALUES (" + client
            + ",'redirect_uri','" + redirectUri + "'),(" + client + ",'authorization_type',"
            + "'code'),(" + client + ",'authorization_type','refresh_token');",
        "INSERT INTO g_client_user_scope (gs_id, gcus_username, gcus_client_id) SELECT gs_id,"
            + " 'ana', '" + clientId + "' FROM g_scope WHERE gs_name IN"
            + " ('openid','profile','email');",
        "INSERT INTO g_plugin_module_instance (gpmi_module, gpmi_name, gpmi_display_name,"
            + " gpmi_parameters, gpmi_enabled) VALUES ('oidc','oidc','OpenID Connect','"
            + plugin + "',1);");
    Files.writeString(dir.resolve("seed.sql"), seed);
    run(List.of("sh", "-c", "sqlite3 '" + db + "' < '" + dir.resolve("seed.sql") + "'"));
    Files.writeString(dir.resolve("glewlwyd.conf"), String.join("\n",
        "port=" + port + ";",
        "bind_address=\"127.0.0.1\";",
        "external_url=\"http://127.0.0.1:" + port + "\";",
        "login_url=\"login.html\";",
        "static_files_path=\"/usr/share/glewlwyd/webapp/\";",
        "api_prefix=\"api\";",
        "log_mode=\"console\";",
        "log_level=\"WARNING\";",
        "cookie_secure=0;",
        "session_key=\"GLEWLWYD2_SESSION_ID\";",
        "login_api_enabled=true;",
        "admin_scope=\"g_admin\";",
        "profile_scope=\"g_profile\";",
        "user_module_path=\"/usr/lib/glewlwyd/user\";",
        "client_module_path=\"/usr/lib/glewlwyd/client\";",
        "user_auth_scheme_module_path=\"/usr/lib/glewlwyd/scheme\";",
        "plugin_module_path=\"/usr/lib/glewlwyd/plugin\";",
        "hash_algorithm=\"SHA512\";",
        "database = { type = \"sqlite3\"; path = \"" + db + "\"; };", ""));
    process = new ProcessBuilder(BINARY.toString(), "--config-file="
        + dir.resolve("glewlwyd.conf")).redirectErrorStream(true)
        .redirectOutput(dir.resolve("glewlwyd.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        var r = http.send(HttpRequest.newBuilder(URI.create(issuer()
            + "/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          break;
        }
      } catch (IOException e) {
        // not up yet
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("glewlwyd did not start: "
            + Files.readString(dir.resolve("glewlwyd.log")));
      }
      Thread.sleep(50);
    }
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor();
  }
}
