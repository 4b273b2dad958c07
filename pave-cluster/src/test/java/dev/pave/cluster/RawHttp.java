package dev.pave.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client that sends exactly the headers it is given, as the recorder did (no
 * User-Agent, so field managers come out as "unknown" on both sides), and reads plain and
 * chunked answers; a chunked answer is read until it ends or {@code readMillis} pass.
 */
final class RawHttp {
  record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : v.get(0);
    }
  }

  private RawHttp() {}

  static Answer send(int port, String method, String path, Map<String, String> headers,
      byte[] body, int readMillis) throws IOException {
    return send(javax.net.SocketFactory.getDefault(), port, method, path, headers, body,
        readMillis);
  }

  /** The same over sockets from {@code sockets}: TLS ones for an HTTPS cluster. */
  static Answer send(javax.net.SocketFactory sockets, int port, String method, String path,
      Map<String, String> headers, byte[] body, int readMillis) throws IOException {
    try (Socket s = sockets.createSocket("127.0.0.1", port)) {
      s.setSoTimeout(readMillis);
      OutputStream out = s.getOutputStream();
      StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      head.append("Host: 127.0.0.1:").append(port).append("\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
      head.append("Connection: close\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      InputStream in = s.getInputStream();
      String status = line(in);
      if (!status.startsWith("HTTP/")) {
        return new Answer(0, Map.of(), ("no HTTP answer: " + status).getBytes(StandardCharsets.UTF_8));
      }
      int code = Integer.parseInt(status.split(" ")[1]);
      Map<String, List<String>> h = new LinkedHashMap<>();
      for (String l = line(in); !l.isEmpty(); l = line(in)) {
        int c = l.indexOf(':');
        h.computeIfAbsent(l.substring(0, c).strip().toLowerCase(Locale.ROOT),
            k -> new ArrayList<>()).add(l.substring(c + 1).strip());
      }
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try {
        if ("chunked".equalsIgnoreCase(first(h, "transfer-encoding"))) {
          while (true) {
            int size = Integer.parseInt(line(in).strip(), 16);
            if (size == 0) {
              break;
            }
            b.write(in.readNBytes(size));
            line(in);
          }
        } else if (first(h, "content-length") != null) {
          b.write(in.readNBytes(Integer.parseInt(first(h, "content-length"))));
        } else {
          b.write(in.readAllBytes());
        }
      } catch (java.net.SocketTimeoutException e) {
        // a stream still open when reading stops: what came so far is the answer
      }
      return new Answer(code, h, b.toByteArray());
    }
  }

  private static String first(Map<String, List<String>> h, String name) {
    List<String> v = h.get(name);
    return v == null ? null : v.get(0);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }
}
