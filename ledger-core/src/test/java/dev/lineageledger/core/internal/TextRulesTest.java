package dev.lineageledger.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/FORMAT.md §3.4: forbidden code points, lengths in code points, escaping for output. */
class TextRulesTest {
  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x09, 0x0a, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9f, 0x202a, 0x202e,
      0x2066, 0x2069})
  void controlAndBidiCodePointsAreForbiddenInNames(int cp) {
    assertThat(TextRules.isForbidden(cp)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {0x20, 0x7e, 0xa0, 0xe9, 0x2029, 0x2065, 0x206a, 0x200f, 0x1f600})
  void everythingElseIsAllowedInNames(int cp) {
    assertThat(TextRules.isForbidden(cp)).isFalse();
  }

  @Test
  void freeTextMayHoldTabLineFeedAndCarriageReturnOnly() {
    assertThat(TextRules.firstForbidden("a\tb\nc\r\n", true)).isEqualTo(-1);
    assertThat(TextRules.firstForbidden("a\tb", false)).isEqualTo('\t');
    assertThat(TextRules.firstForbidden("ok\u001b[2J", true)).isEqualTo(0x1b);
    assertThat(TextRules.firstForbidden("x\u202Ey", true)).isEqualTo(0x202e);
  }

  @Test
  void lengthCountsCodePoints() {
    assertThat(TextRules.length("\uD83D\uDE00\uD83D\uDE00")).isEqualTo(2);
    assertThat(TextRules.length("abc")).isEqualTo(3);
  }

  @Test
  void escapingLeavesNoLineBreakEscapeOrReorderingInOutput() {
    String hostile = "evil\nFAKE line\u001b[31m\u202Etxt\u2028\\";
    String out = TextRules.escape(hostile);
    assertThat(out).isEqualTo("evil\\u000aFAKE line\\u001b[31m\\u202etxt\\u2028\\\\");
    assertThat(out.codePoints()).allMatch(c -> c >= 0x20 && c < 0x7f);
    assertThat(TextRules.escape("plain name@1 é")).isEqualTo("plain name@1 é");
  }

  @Test
  void jsonEscapingKeepsTheJsonValue() {
    assertThat(TextRules.escapeJson("{\n  \"a\" : \"x\u202Ey\\\"\"\n}"))
        .isEqualTo("{\n  \"a\" : \"x\\u202ey\\\"\"\n}");
    assertThat(TextRules.escapeJson("\"\uDB80\uDC00\"")).isEqualTo("\"\\udb80\\udc00\"");
  }
}
