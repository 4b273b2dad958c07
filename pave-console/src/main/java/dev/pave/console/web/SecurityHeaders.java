package dev.pave.console.web;

import java.util.function.BiConsumer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The headers every response carries, including the ones Jetty writes itself (a malformed
 * URI or header never reaches Javalin's handlers, so its error page needs them too).
 */
final class SecurityHeaders {
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none';"
      + " frame-ancestors 'none'";

  private final boolean https;

  SecurityHeaders(boolean https) {
    this.https = https;
  }

  void apply(BiConsumer<String, String> header) {
    header.accept("Content-Security-Policy", CSP);
    header.accept("X-Content-Type-Options", "nosniff");
    header.accept("Referrer-Policy", "no-referrer");
    header.accept("X-Frame-Options", "DENY");
    header.accept("Cross-Origin-Opener-Policy", "same-origin");
    if (https) {
      header.accept("Strict-Transport-Security", "max-age=31536000");
    }
  }

  /** Jetty's error handler, with these headers and without stack traces. */
  ErrorHandler errorHandler() {
    ErrorHandler h = new ErrorHandler() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        apply((k, v) -> response.getHeaders().put(k, v));
        response.getHeaders().put("Cache-Control", "no-store");
        return super.handle(request, response, callback);
      }
    };
    h.setShowStacks(false);
    h.setShowCauses(false);
    return h;
  }
}
