package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A whole answer: status, content type, body and warnings. Watches stream instead. */
public record Response(int status, String contentType, byte[] body, List<String> warnings,
    java.util.Map<String, String> headers) {

  static Response json(int status, JsonNode body, List<String> warnings) {
    return new Response(status, "application/json", Json.bytes(body),
        warnings == null ? List.of() : List.copyOf(warnings), java.util.Map.of());
  }

  static Response of(ApiException e) {
    if (e.plain()) {
      return new Response(404, "text/plain; charset=utf-8",
          "404 page not found\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), List.of(),
          java.util.Map.of());
    }
    return json(e.code(), e.status(), List.of());
  }

  Response withWarnings(List<String> more) {
    List<String> all = new ArrayList<>(warnings);
    all.addAll(more);
    return new Response(status, contentType, body, all, headers);
  }
}
