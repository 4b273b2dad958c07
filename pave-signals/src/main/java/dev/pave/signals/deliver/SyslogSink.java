package dev.pave.signals.deliver;

import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.schema.Cef;
import dev.pave.signals.schema.Ecs;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.schema.Syslog;
import dev.pave.signals.store.Codec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;

/**
 * RFC 5424 messages over TCP or TLS with RFC 6587 octet counting; the body is CEF or the ECS
 * document as JSON. Plain syslog has no acknowledgement, so before each write the connection is
 * checked for the receiver's close (a FIN or reset already waiting on the socket): writing into
 * a closed connection succeeds locally and the frame is lost. Frames written since the
 * connection was last seen open are sent again on the next connection once it is found closed
 * ({@link SentFrames}); they carry the same message id. What remains at risk is documented in
 * docs/signals.md (a receiver that dies without closing, frames beyond the window).
 */
public final class SyslogSink implements Sink {
  /** A frame this long before the connection was seen open is taken as read by the receiver. */
  static final Duration SETTLE = Duration.ofSeconds(2);
  /** Most frames kept for sending again. */
  static final int WINDOW = 10_000;

  private final SinkConfig.Syslog cfg;
  private final String version;
  private final SentFrames sent = new SentFrames(SETTLE.toNanos(), WINDOW);
  private final ByteBuffer peek = ByteBuffer.allocate(4096);
  private SocketChannel channel;
  private Socket socket;
  private OutputStream out;

  public SyslogSink(SinkConfig.Syslog cfg, String version) {
    this.cfg = cfg;
    this.version = version;
  }

  @Override
  public String name() {
    return cfg.name();
  }

  @Override
  public synchronized void deliver(Notice n) throws DeliveryException {
    String body = cfg.body() == SinkConfig.SyslogBody.CEF ? Cef.of(n, version)
        : Syslog.jsonBody(Codec.encode(Ecs.of(n)));
    byte[] frame = Syslog.frame(Syslog.message(n, cfg.format(), body));
    try {
      if (channel != null && !open()) {
        drop();
      }
      if (channel == null) {
        connect();
        List<byte[]> again = sent.takeResend();
        for (byte[] f : again) {
          // Recorded before the write, so a failure keeps it (and its order) for next time.
          sent.written(f, System.nanoTime());
          out.write(f);
        }
      }
      out.write(frame);
      out.flush();
      sent.written(frame, System.nanoTime());
    } catch (IOException e) {
      sent.lost();
      drop();
      throw new DeliveryException(cfg.name() + ": syslog " + cfg.host() + ":" + cfg.port()
          + " failed: " + e.getClass().getSimpleName() + " " + e.getMessage(), false);
    }
  }

  /**
   * Whether the receiver still has the connection open: a non-blocking read of the raw socket
   * sees its FIN (-1) or reset (an exception) without waiting. A syslog receiver sends nothing
   * else a sender needs; with TLS the bytes read are its post-handshake records, which writing
   * does not depend on.
   */
  private boolean open() {
    try {
      channel.configureBlocking(false);
      try {
        int r;
        do {
          peek.clear();
          r = channel.read(peek);
        } while (r > 0);
        if (r < 0) {
          sent.closedCleanly();
          return false;
        }
      } finally {
        channel.configureBlocking(true);
      }
      sent.seenOpen(System.nanoTime());
      return true;
    } catch (IOException e) {
      sent.lost();
      return false;
    }
  }

  private void connect() throws IOException {
    int timeout = (int) cfg.delivery().timeout().toMillis();
    SocketChannel ch = SocketChannel.open();
    try {
      Socket raw = ch.socket();
      raw.connect(new InetSocketAddress(cfg.host(), cfg.port()), timeout);
      raw.setSoTimeout(timeout);
      raw.setTcpNoDelay(true);
      Socket s = raw;
      if (cfg.tls() != null) {
        SSLSocket ssl = (SSLSocket) Tls.context(cfg.tls()).getSocketFactory()
            .createSocket(raw, cfg.host(), cfg.port(), true);
        var params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        s = ssl;
      }
      channel = ch;
      socket = s;
      out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Forgets a connection that is gone; its TLS close would only wait for a dead peer. */
  private void drop() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // reconnecting anyway
      }
    }
    channel = null;
    socket = null;
    out = null;
  }

  @Override
  public synchronized void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    drop();
  }
}
