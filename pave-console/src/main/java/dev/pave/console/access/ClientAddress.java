package dev.pave.console.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * Who the client is, for rate limits: the peer address, or behind trusted proxies the
 * right-most X-Forwarded-For entry that is not a trusted proxy. Entries left of that are the
 * client's own claim and never believed, so a client cannot pick its own bucket.
 */
public final class ClientAddress {
  // Only literal addresses are looked at: InetAddress.getByName would resolve a host name.
  private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");
  private final InetAddressSet trusted = new InetAddressSet();
  private final List<String> patterns;

  /**
   * @param trustedProxies addresses or CIDR ranges (10.0.0.0/8, ::1) of the proxies in front
   *     of the console; empty to trust none and use the peer address
   */
  public ClientAddress(List<String> trustedProxies) {
    this.patterns = List.copyOf(trustedProxies == null ? List.of() : trustedProxies);
    for (String p : patterns) {
      try {
        trusted.add(p.strip());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("trusted proxy \"" + p + "\": not an IP address or"
            + " CIDR range (e.g. 10.0.0.7, 10.0.0.0/8, fd00::/8)");
      }
    }
  }

  public List<String> trustedProxies() {
    return patterns;
  }

  /** The client of a request from {@code peer} carrying these X-Forwarded-For headers. */
  public String of(String peer, List<String> forwardedFor) {
    if (patterns.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String h : forwardedFor == null ? List.<String>of() : forwardedFor) {
      for (String part : h.split(",")) {
        if (!part.isBlank()) {
          hops.add(part.strip());
        }
      }
    }
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      client = hops.get(i);
      if (!isTrusted(client)) {
        return client;
      }
    }
    return client;
  }

  private boolean isTrusted(String address) {
    String a = address.startsWith("[") && address.endsWith("]")
        ? address.substring(1, address.length() - 1) : address;
    if (!LITERAL.matcher(a).matches()) {
      return false;
    }
    try {
      return trusted.test(InetAddress.getByName(a));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
