package dev.pave.cluster;

import java.util.List;
import java.util.Map;

/**
 * One API request as the handlers see it: the method, the parsed path, the query, the
 * headers (names in lower case) and the body.
 */
public record Request(String method, String path, Map<String, List<String>> query,
    Map<String, String> headers, byte[] body, User user) {

  public String param(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  public boolean flag(String name) {
    String v = param(name);
    return v != null && (v.equals("true") || v.equals("1"));
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  public String contentType() {
    String c = header("content-type");
    if (c == null) {
      return "";
    }
    int semi = c.indexOf(';');
    return (semi < 0 ? c : c.substring(0, semi)).strip();
  }
}
