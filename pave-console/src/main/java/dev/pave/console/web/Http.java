package dev.pave.console.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.console.access.Principal;
import dev.pave.console.catalog.CatalogQuery;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/** Reading requests and writing JSON and files, the same way for every page and endpoint. */
public final class Http {
  private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules()
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

  private Http() {}

  /** Who is asking; set by the authentication before-handler. */
  public static Principal user(Context ctx) {
    Principal p = ctx.attribute("principal");
    if (p == null) {
      throw new UnauthorizedResponse("log in first");
    }
    return p;
  }

  public static void json(Context ctx, int status, Object body) {
    ctx.status(status);
    ctx.contentType("application/json");
    try {
      ctx.result(JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> body(Context ctx) {
    String b = ctx.body();
    if (b == null || b.isBlank()) {
      return Map.of();
    }
    try {
      Object o = JSON.readValue(b, Object.class);
      if (!(o instanceof Map)) {
        throw new BadRequestResponse("the body must be a JSON object");
      }
      return (Map<String, Object>) o;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadRequestResponse("the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequestResponse("the body could not be read");
    }
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object o, String field) {
    if (o == null) {
      return null;
    }
    if (!(o instanceof Map)) {
      throw new BadRequestResponse(field + ": must be an object");
    }
    return (Map<String, Object>) o;
  }

  public static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  public static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  public static Integer intParam(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(s.strip());
    } catch (NumberFormatException e) {
      throw new BadRequestResponse("\"" + s + "\" is not a whole number");
    }
  }

  public static int required(Integer v, String name) {
    if (v == null) {
      throw new BadRequestResponse(name + ": required");
    }
    return v;
  }

  /** The catalog's filters and page, as the catalog page and GET /api/v1/services take them. */
  public static CatalogQuery catalogQuery(Context ctx) {
    String inc = ctx.queryParam("incidents");
    String dir = blankToNull(ctx.queryParam("dir"));
    if (dir != null && !dir.equals("asc") && !dir.equals("desc")) {
      throw new BadRequestResponse("dir: \"" + dir + "\" is not a direction; asc or desc");
    }
    try {
      return new CatalogQuery(ctx.queryParam("q"), ctx.queryParam("team"), ctx.queryParam("env"),
          ctx.queryParam("health"), ctx.queryParam("policy"),
          inc == null || inc.isBlank() ? null : Boolean.valueOf(inc),
          Optional.ofNullable(intParam(ctx.queryParam("page"))).orElse(1),
          Optional.ofNullable(intParam(ctx.queryParam("size"))).orElse(CatalogQuery.DEFAULT_SIZE),
          ctx.queryParam("sort"), "desc".equals(dir));
    } catch (IllegalArgumentException e) {
      throw new BadRequestResponse(e.getMessage());
    }
  }

  /** A file from the classpath, cached by browsers for an hour. */
  public static void resource(Context ctx, String path, String type) throws IOException {
    if (path.contains("..")) {
      throw new NotFoundResponse("no such file");
    }
    try (InputStream in = Http.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new NotFoundResponse("no such file");
      }
      String t = type != null ? type : path.endsWith(".css") ? "text/css"
          : path.endsWith(".js") ? "text/javascript" : path.endsWith(".svg") ? "image/svg+xml"
          : "application/octet-stream";
      ctx.contentType(t);
      ctx.header("Cache-Control", "public, max-age=3600");
      ctx.result(in.readAllBytes());
    }
  }
}
