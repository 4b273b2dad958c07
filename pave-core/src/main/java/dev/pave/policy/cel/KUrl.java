package dev.pave.policy.cel;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A URL as CEL's {@code net.URL}: an absolute URI or an absolute path, as Kubernetes' url()
 * accepts. Parsing only; nothing is resolved or fetched.
 */
public record KUrl(URI uri, String text) {

  public static KUrl parse(String text) {
    try {
      URI u = new URI(text);
      if (!u.isAbsolute() && !text.startsWith("/")) {
        throw new IllegalArgumentException("URL must be an absolute URI or an absolute path");
      }
      return new KUrl(u, text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("URL parse error during conversion from string: "
          + e.getMessage());
    }
  }

  public static boolean valid(String text) {
    return KubernetesLibrary.parses(() -> parse(text));
  }

  String scheme() {
    return uri.getScheme() == null ? "" : uri.getScheme();
  }

  String host() {
    String a = uri.getRawAuthority();
    if (a == null) {
      return "";
    }
    int at = a.lastIndexOf('@');
    return at >= 0 ? a.substring(at + 1) : a;
  }

  String hostname() {
    String h = host();
    if (h.startsWith("[")) {
      return h.substring(1, h.indexOf(']'));
    }
    int colon = h.lastIndexOf(':');
    return colon >= 0 ? h.substring(0, colon) : h;
  }

  String port() {
    String h = host();
    int close = h.lastIndexOf(']');
    int colon = h.lastIndexOf(':');
    return colon > close ? h.substring(colon + 1) : "";
  }

  String escapedPath() {
    return uri.getRawPath() == null ? "" : uri.getRawPath();
  }

  Map<String, List<String>> query() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String q = uri.getRawQuery();
    if (q == null || q.isEmpty()) {
      return out;
    }
    for (String pair : q.split("&")) {
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return text;
  }
}
