package dev.pave.signals.deliver;

import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.schema.Cef;
import dev.pave.signals.schema.Ecs;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.schema.Syslog;
import dev.pave.signals.store.Codec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/**
 * RFC 5424 messages over TCP or TLS with RFC 6587 octet counting; the body is CEF or the ECS
 * document as JSON. A write the peer's kernel accepted counts as delivered: plain syslog has no
 * acknowledgement, so a receiver that crashes can lose what it had buffered (RELP would close
 * that gap).
 */
public final class SyslogSink implements Sink {
  private final SinkConfig.Syslog cfg;
  private final String version;
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
        : Codec.encode(Ecs.of(n));
    byte[] frame = Syslog.frame(Syslog.message(n, cfg.format(), body));
    try {
      if (socket == null) {
        connect();
      }
      out.write(frame);
      out.flush();
    } catch (IOException e) {
      close();
      throw new DeliveryException(cfg.name() + ": syslog " + cfg.host() + ":" + cfg.port()
          + " failed: " + e.getClass().getSimpleName() + " " + e.getMessage(), false);
    }
  }

  private void connect() throws IOException {
    int timeout = (int) cfg.delivery().timeout().toMillis();
    Socket s;
    if (cfg.tls() != null) {
      SSLSocket ssl = (SSLSocket) Tls.context(cfg.tls()).getSocketFactory().createSocket();
      ssl.connect(new InetSocketAddress(cfg.host(), cfg.port()), timeout);
      var params = ssl.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      ssl.setSSLParameters(params);
      ssl.startHandshake();
      s = ssl;
    } else {
      s = new Socket();
      s.connect(new InetSocketAddress(cfg.host(), cfg.port()), timeout);
    }
    s.setSoTimeout(timeout);
    s.setTcpNoDelay(true);
    socket = s;
    out = new java.io.BufferedOutputStream(s.getOutputStream(), 64 * 1024);
  }

  @Override
  public synchronized void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // reconnecting anyway
      }
    }
    socket = null;
    out = null;
  }
}
