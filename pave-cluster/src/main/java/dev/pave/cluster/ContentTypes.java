package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The media types of request and response bodies beyond JSON and YAML: a protobuf body is
 * decoded into the JSON the handlers take, and a JSON answer is written in protobuf when the
 * client's Accept prefers it and the object's kind has a message (built-in kinds, Status and
 * discovery documents; custom resources have none). Negotiation follows apimachinery's: the
 * Accept clauses by quality, the first the server can write wins, and a client that accepts
 * nothing the server writes gets 406.
 */
final class ContentTypes {
  private ContentTypes() {}

  /** The request with a protobuf body turned into JSON; other requests as they are. */
  static Request decoded(Request r) {
    if (!r.contentType().equals(Protobuf.MEDIA_TYPE)
        || !(r.method().equals("POST") || r.method().equals("PUT")
            || r.method().equals("DELETE"))
        || r.body() == null || r.body().length == 0) {
      return r;
    }
    JsonNode object;
    try {
      object = Protobuf.decode(r.body());
    } catch (IOException | RuntimeException e) {
      throw ApiException.badRequest("the object provided is unrecognized: " + e.getMessage());
    }
    if (object == null) {
      // no message for this kind: the handlers refuse the media type as for any other
      return r;
    }
    Map<String, String> headers = new LinkedHashMap<>(r.headers());
    headers.put("content-type", "application/json");
    return new Request(r.method(), r.path(), r.query(), headers, Json.bytes(object), r.user());
  }

  /** The answer in the media type the client's Accept prefers among those it can be in. */
  static Response encoded(Request r, Response answer) {
    String accept = r.header("accept");
    if (accept == null || !accept.contains(Protobuf.MEDIA_TYPE)
        || !answer.contentType().equals("application/json") || answer.body().length == 0) {
      return answer;
    }
    JsonNode object;
    try {
      object = Json.parse(answer.body());
    } catch (IOException e) {
      return answer;
    }
    boolean writable = object != null && Protobuf.known(object.path("apiVersion").asText(),
        object.path("kind").asText());
    for (String clause : ordered(accept)) {
      if (clause.equals(Protobuf.MEDIA_TYPE) && writable) {
        byte[] body = Protobuf.encode(object);
        return new Response(answer.status(), Protobuf.MEDIA_TYPE, body, answer.warnings(),
            answer.headers());
      }
      if (clause.equals("application/json") || clause.equals("application/yaml")
          || clause.equals("*/*") || clause.equals("application/*")) {
        return answer;
      }
    }
    return Response.of(ApiException.notAcceptable("only the following media types are "
        + "accepted: application/json, application/yaml"));
  }

  /**
   * The plain media types of an Accept header, best first (by q, then as written); clauses
   * with parameters other than q (such as {@code as=Table}) are left out, their answers being
   * another handler's.
   */
  static List<String> ordered(String accept) {
    record Clause(String type, double q, int at) {}
    List<Clause> clauses = new ArrayList<>();
    String[] parts = accept.split(",");
    for (int i = 0; i < parts.length; i++) {
      String[] bits = parts[i].split(";");
      double q = 1;
      boolean other = false;
      for (int j = 1; j < bits.length; j++) {
        String p = bits[j].strip();
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        } else if (!p.isEmpty()) {
          other = true;
        }
      }
      if (!other && q > 0) {
        clauses.add(new Clause(bits[0].strip().toLowerCase(Locale.ROOT), q, i));
      }
    }
    clauses.sort(Comparator.comparingDouble((Clause c) -> -c.q()).thenComparingInt(Clause::at));
    return clauses.stream().map(Clause::type).toList();
  }
}
