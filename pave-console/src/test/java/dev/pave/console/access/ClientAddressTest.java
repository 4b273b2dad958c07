package dev.pave.console.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  @Test
  void withoutTrustedProxiesTheForwardedForHeaderIsIgnored() {
    assertThat(new ClientAddress(List.of()).of("192.0.2.1", List.of("203.0.113.5")))
        .isEqualTo("192.0.2.1");
  }

  @Test
  void anUntrustedPeerCannotNameAnotherClient() {
    assertThat(new ClientAddress(List.of("10.0.0.0/8")).of("192.0.2.1",
        List.of("203.0.113.5"))).isEqualTo("192.0.2.1");
  }

  @Test
  void theRightMostUntrustedHopIsTheClient() {
    ClientAddress c = new ClientAddress(List.of("10.0.0.0/8", "fd00::/8"));
    assertThat(c.of("10.0.0.1", List.of("198.51.100.1, 203.0.113.5", "10.2.0.1")))
        .isEqualTo("203.0.113.5");
    assertThat(c.of("fd00::1", List.of("2001:db8::7"))).isEqualTo("2001:db8::7");
    assertThat(c.of("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
    assertThat(c.of("10.0.0.1", List.of("proxy.internal"))).isEqualTo("proxy.internal");
  }

  @Test
  void aBadProxyPatternIsNamedWithWhatWouldBeValid() {
    assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/99")))
        .hasMessageContaining("10.0.0.0/99").hasMessageContaining("CIDR");
  }
}
