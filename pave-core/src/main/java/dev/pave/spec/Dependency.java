package dev.pave.spec;

/**
 * Something this service calls: another application of the same environment, an external host,
 * or an address range. Each one opens exactly one egress rule in the network policy.
 */
public record Dependency(
    @Doc(value = "Name of another Pave application in the same environment.",
        pattern = Names.DNS_LABEL, example = "orders")
        String app,
    @Doc(value = "Team of that application, when its namespace is per team (default: own team).",
        pattern = Names.DNS_LABEL, example = "fulfilment")
        String team,
    @Doc(value = "External host name.",
        pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$",
        example = "api.stripe.com")
        String host,
    @Doc(value = "Address range in CIDR notation.", pattern = "^[0-9a-fA-F:.]+/[0-9]{1,3}$",
        example = "10.20.0.0/16")
        String cidr,
    @Doc(value = "Port called (default: the application's port, 443 for hosts, any for ranges).",
        min = 1, max = 65535)
        Integer port) {

  @Shorthand("app, app:port, team/app, host.name[:port] or a.b.c.d/n[:port]")
  public static Dependency parse(String text) {
    String target = text;
    Integer port = null;
    int colon = text.lastIndexOf(':');
    if (colon > 0 && !text.substring(0, colon).contains(":")
        && !text.substring(colon).contains("/")) {
      String digits = text.substring(colon + 1);
      if (!digits.matches("\\d{1,5}") || Integer.parseInt(digits) < 1
          || Integer.parseInt(digits) > 65535) {
        throw new IllegalArgumentException("the port after \":\" must be a number from 1 to 65535;"
            + " got \"" + digits + "\"");
      }
      port = Integer.parseInt(digits);
      target = text.substring(0, colon);
    }
    int slash0 = target.indexOf('/');
    String beforeSlash = slash0 < 0 ? "" : target.substring(0, slash0);
    // An address range: IPv4 (digits and dots) or IPv6 (has a colon) before the slash.
    if (slash0 > 0 && (beforeSlash.contains(":") || beforeSlash.matches("[0-9.]+"))) {
      return new Dependency(null, null, null, target, port);
    }
    if (target.contains(".")) {
      return new Dependency(null, null, target, null, port);
    }
    int slash = target.indexOf('/');
    if (slash > 0) {
      return new Dependency(target.substring(slash + 1), target.substring(0, slash), null, null,
          port);
    }
    return new Dependency(target, null, null, null, port);
  }

  /** A short, stable description used in messages and rule names. */
  public String describe() {
    String base = app != null ? (team != null ? team + "/" + app : app)
        : host != null ? host : cidr;
    return port == null ? base : base + ":" + port;
  }
}
