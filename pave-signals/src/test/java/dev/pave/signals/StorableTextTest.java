package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.signals.store.StorableText;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StorableTextTest {
  @Test
  void nul_and_lone_surrogates_become_their_json_escape_and_come_back() {
    assertThat(StorableText.escape("a\u0000b")).isEqualTo("a\\u0000b");
    assertThat(StorableText.escape("x\uD800y\uDC00")).isEqualTo("x\\uD800y\\uDC00");
    assertThat(StorableText.unescape("a\\u0000b")).isEqualTo("a\u0000b");
    // A pair is a character like any other and stays.
    assertThat(StorableText.escape("ok \uD83D\uDE00")).isEqualTo("ok \uD83D\uDE00");
  }

  @Test
  void ordinary_text_is_left_as_it_is_even_with_backslashes() {
    String s = "C:\\users\\x ^\\d+$ \\n";
    assertThat(StorableText.escape(s)).isSameAs(s);
    assertThat(StorableText.unescape(s)).isEqualTo(s);
  }

  @Test
  void text_that_already_looks_like_an_escape_is_told_apart_from_one() {
    // The literal six characters \u0000 are not a NUL: the backslash is doubled.
    assertThat(StorableText.escape("\\u0000")).isEqualTo("\\\\u0000");
    assertThat(StorableText.unescape("\\\\u0000")).isEqualTo("\\u0000");
    assertThat(StorableText.escape("\\\u0000")).isEqualTo("\\\\\\u0000");
    assertThat(StorableText.unescape("\\\\\\u0000")).isEqualTo("\\\u0000");
  }

  @Test
  void every_text_round_trips_and_its_escape_is_valid_utf8_without_nul() {
    Random random = new Random(42);
    char[] alphabet = {'\0', '\\', 'u', '0', 'a', 'F', '\uD800', '\uDBFF', '\uDC00', '\uDFFF',
        'x', '9'};
    for (int i = 0; i < 200_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = random.nextInt(12); n > 0; n--) {
        b.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String s = b.toString();
      String e = StorableText.escape(s);
      assertThat(StorableText.unescape(e)).as(s).isEqualTo(s);
      assertThat(e.indexOf('\0')).isNegative();
      assertThat(new String(e.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
          .isEqualTo(e);
    }
  }
}
