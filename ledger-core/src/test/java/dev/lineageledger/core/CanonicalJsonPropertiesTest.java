package dev.lineageledger.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Laws of RFC 8785 canonicalization that must hold for any input. */
class CanonicalJsonPropertiesTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  // ---------------------------------------------------------------------------------------------
  // Numbers, RFC 8785 §3.2.2.3

  @TestFactory
  Stream<DynamicTest> formatNumberReadsBackAsTheSameDouble() {
    return SeededTrials.check(3000, g -> formatNumberReadsBackAsTheSameDouble(finiteDouble(g)));
  }

  private void formatNumberReadsBackAsTheSameDouble(double d) {
    String s = CanonicalJson.formatNumber(d);

    double back = Double.parseDouble(s);
    assertThat(Double.doubleToRawLongBits(back))
        .as("%s read back from %s", s, d)
        .isEqualTo(Double.doubleToRawLongBits(d == 0 ? 0.0 : d));
  }

  /**
   * ES2019 §7.1.12.1 note 2 as RFC 8785 requires it: no decimal with fewer digits reads back as
   * the double, and no other decimal with as many digits that reads back is closer to it.
   */
  @TestFactory
  Stream<DynamicTest> formatNumberIsShortestThenClosest() {
    return SeededTrials.check(2000, g -> formatNumberIsShortestThenClosest(finiteDouble(g)));
  }

  private void formatNumberIsShortestThenClosest(double d) {
    if (d == 0) {
      return;
    }
    double abs = Math.abs(d);
    BigDecimal exact = new BigDecimal(abs);
    BigDecimal printed = new BigDecimal(CanonicalJson.formatNumber(abs));
    int k = printed.stripTrailingZeros().precision();

    for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
      if (k > 1) {
        BigDecimal shorter = exact.round(new MathContext(k - 1, mode));
        assertThat(Double.parseDouble(shorter.toString())).as("%s reads back", shorter)
            .isNotEqualTo(abs);
      }
      BigDecimal sameLength = exact.round(new MathContext(k, mode));
      if (Double.parseDouble(sameLength.toString()) == abs) {
        assertThat(printed.subtract(exact).abs())
            .as("%s is at least as close as %s", printed, sameLength)
            .isLessThanOrEqualTo(sameLength.subtract(exact).abs());
      }
    }
  }

  /** Every canonical number is itself strict I-JSON whose canonical form is unchanged. */
  @TestFactory
  Stream<DynamicTest> canonicalNumbersParseBack() {
    return SeededTrials.check(2000, g -> canonicalNumbersParseBack(finiteDouble(g)));
  }

  private void canonicalNumbersParseBack(double d) {
    byte[] text = CanonicalJson.formatNumber(d).getBytes(UTF_8);

    assertThat(CanonicalJson.isCanonical(text)).as(new String(text, UTF_8)).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Documents, RFC 8785 §3.2

  /** canonicalize(parse(canonicalize(x))) == canonicalize(x). */
  @TestFactory
  Stream<DynamicTest> canonicalizationIsIdempotent() {
    return SeededTrials.check(500, g -> canonicalizationIsIdempotent(randomValue(g, 0)));
  }

  private void canonicalizationIsIdempotent(JsonNode document) throws Exception {
    byte[] once = CanonicalJson.canonicalize(document);

    assertThat(CanonicalJson.canonicalize(CanonicalJson.parse(once))).isEqualTo(once);
    assertThat(CanonicalJson.isCanonical(once)).isTrue();
  }

  /**
   * An object assembled from members canonicalised one by one (how the writer wraps a record's
   * body, canonicalised once, in its envelope) is byte-identical to the whole canonicalised.
   */
  @TestFactory
  Stream<DynamicTest> assembledObjectsEqualTheWhole() {
    return SeededTrials.check(300, g -> {
      ObjectNode object = NODES.objectNode();
      for (int i = 0, n = g.nextInt(6); i < n; i++) {
        object.set(randomString(g), randomValue(g, 1));
      }
      java.util.List<String> names = new java.util.ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      java.util.Collections.sort(names);
      byte[][] values = new byte[names.size()][];
      for (int i = 0; i < values.length; i++) {
        values[i] = CanonicalJson.canonicalize(object.get(names.get(i)), 2);
      }
      assertThat(CanonicalJson.canonicalObject(names.toArray(String[]::new), values))
          .isEqualTo(CanonicalJson.canonicalize(object));
    });
  }

  /** The writer's envelope bytes are exactly the canonical form of the envelope object. */
  @TestFactory
  Stream<DynamicTest> envelopeBytesAreCanonical() {
    return SeededTrials.check(300, g -> {
      ObjectNode body = NODES.objectNode();
      for (int i = 0, n = g.nextInt(6); i < n; i++) {
        body.set(randomString(g), randomValue(g, 2));
      }
      long seq = g.nextBoolean() ? g.nextInt(1000) : g.longBetween(0, 1L << 53);
      Hash prev = Hash.of(g.bytes(Hash.SIZE));
      String actor = g.nextInt(10) == 0 ? null : randomString(g);
      String signer = g.nextBoolean() ? null : randomString(g);
      String time = randomString(g);
      String kind = g.oneOf("DATASET", "TRANSFORM", "MODEL", randomString(g));
      byte[] expected = CanonicalJson.canonicalize(
          dev.lineageledger.core.internal.Envelope.build(seq, prev, kind, actor, time, signer, body));
      assertThat(dev.lineageledger.core.internal.Envelope.canonical(seq, prev, kind, actor, time,
          signer, CanonicalJson.canonicalize(body, 2))).isEqualTo(expected);
    });
  }

  @org.junit.jupiter.api.Test
  void assemblyRefusesUnsortedNames() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CanonicalJson.canonicalObject(
        new String[] {"b", "a"}, new byte[][] {{'1'}, {'2'}}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * The same data written with any member order, whitespace, escaping and number spelling has the
   * same canonical bytes (RFC 8785 §3.2.1-§3.2.3).
   */
  @TestFactory
  Stream<DynamicTest> spellingDoesNotMatter() {
    return SeededTrials.check(500, g -> spellingDoesNotMatter(randomValue(g, 0), g.nextLong()));
  }

  private void spellingDoesNotMatter(JsonNode document, long seed) throws Exception {
    String messy = new MessyWriter(new Random(seed)).write(document);

    assertThat(CanonicalJson.canonicalize(messy.getBytes(UTF_8)))
        .as(messy)
        .isEqualTo(CanonicalJson.canonicalize(document));
  }

  /**
   * The verifier's comparison without a copy says exactly what comparing with the canonical
   * bytes says, for canonical bytes and for every other spelling of the same data.
   */
  @TestFactory
  Stream<DynamicTest> canonicalFormComparisonAgreesWithCanonicalize() {
    return SeededTrials.check(500, g -> {
      JsonNode document = randomValue(g, 0);
      byte[] canonical = CanonicalJson.canonicalize(document);
      byte[] messy = new MessyWriter(new Random(g.nextLong())).write(document).getBytes(UTF_8);
      for (byte[] bytes : new byte[][] {canonical, messy}) {
        JsonNode parsed = CanonicalJson.parse(bytes);
        assertThat(CanonicalJson.isCanonicalForm(bytes, parsed))
            .isEqualTo(java.util.Arrays.equals(bytes, CanonicalJson.canonicalize(parsed)));
      }
      assertThat(CanonicalJson.isCanonicalForm(canonical, CanonicalJson.parse(canonical))).isTrue();
    });
  }

  /**
   * The verifier's one-pass reader reads every canonical document as the full parser does; it
   * may leave only documents holding integers beyond 2^53 to the full parser.
   */
  @TestFactory
  Stream<DynamicTest> onePassReaderReadsCanonicalBytesAsTheParserDoes() {
    return SeededTrials.check(1000, g -> {
      byte[] canonical = CanonicalJson.canonicalize(randomValue(g, 0));
      JsonNode full = CanonicalJson.parse(canonical);
      JsonNode fast = CanonicalJson.parseCanonical(canonical);
      if (fast == null) {
        assertThat(hasIntegerBeyond2To53(full)).as(new String(canonical, UTF_8)).isTrue();
      } else {
        assertThat(fast).isEqualTo(full);
      }
    });
  }

  /**
   * Whatever the one-pass reader accepts is canonical and reads as the full parser reads it:
   * other spellings, near-misses and single-byte changes of canonical documents.
   */
  @TestFactory
  Stream<DynamicTest> onePassReaderAcceptsNothingButCanonicalBytes() {
    return SeededTrials.check(3000, g -> {
      byte[] input;
      switch (g.nextInt(3)) {
        case 0 -> input = new MessyWriter(new Random(g.nextLong())).write(randomValue(g, 0))
            .getBytes(UTF_8);
        case 1 -> input = almostJson(g);
        default -> {
          input = CanonicalJson.canonicalize(randomValue(g, 0));
          if (input.length > 0) {
            input[g.nextInt(input.length)] = (byte) g.nextInt(256);
          }
        }
      }
      JsonNode fast = CanonicalJson.parseCanonical(input);
      if (fast != null) {
        assertThat(CanonicalJson.isCanonical(input)).as(new String(input, UTF_8)).isTrue();
        assertThat(fast).isEqualTo(CanonicalJson.parse(input));
      }
    });
  }

  private static boolean hasIntegerBeyond2To53(JsonNode n) {
    if (n.isContainerNode()) {
      for (JsonNode c : n) {
        if (hasIntegerBeyond2To53(c)) {
          return true;
        }
      }
      return false;
    }
    return n.isDouble() && Math.abs(n.doubleValue()) > 0x1p53
        && CanonicalJson.formatNumber(n.doubleValue()).matches("-?[0-9]+");
  }

  /** Arbitrary bytes are either parsed or rejected with the checked exception; never a crash. */
  @TestFactory
  Stream<DynamicTest> garbageIsRejectedCleanly() {
    return SeededTrials.check(2000, g -> garbageIsRejectedCleanly(almostJson(g)));
  }

  private void garbageIsRejectedCleanly(byte[] input) {
    assertThatCode(
            () -> {
              try {
                CanonicalJson.parse(input);
              } catch (InvalidRecordException expected) {
                assertThat(expected.getMessage()).doesNotContain("\n");
              }
            })
        .doesNotThrowAnyException();
    assertThatCode(() -> CanonicalJson.isCanonical(input)).doesNotThrowAnyException();
  }

  // ---------------------------------------------------------------------------------------------
  // Generators

  /** Any finite double, with the spellings and magnitudes where formatting goes wrong. */
  private static double finiteDouble(Gen g) {
    switch (g.nextInt(5)) {
      case 0:
        while (true) {
          double d = Double.longBitsToDouble(g.nextLong());
          if (Double.isFinite(d)) {
            return d;
          }
        }
      case 1:
        return g.oneOf(0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
            Double.MAX_VALUE, -Double.MAX_VALUE, 1e21, 1e-7, 9.999999999999999e20, 1e-6,
            0.1, 1.0, -1.0, 9007199254740992.0, 9007199254740993.0, 5e-324, 2.2250738585072014e-308);
      case 2:
        return g.nextDouble() * Math.pow(10, g.intBetween(-320, 308));
      case 3:
        return Double.parseDouble(g.intBetween(-1_000_000, 1_000_000) + "e" + g.intBetween(-30, 30));
      default:
        return (double) g.longBetween(-(1L << 55), 1L << 55);
    }
  }

  /** Random bytes, or canonical documents with a few bytes overwritten: near-misses of JSON. */
  private static byte[] almostJson(Gen g) {
    if (g.nextBoolean()) {
      return g.bytesUpTo(40);
    }
    byte[] doc = CanonicalJson.canonicalize(randomValue(g, 0));
    for (int i = 0, n = 1 + g.nextInt(3); i < n && doc.length > 0; i++) {
      doc[g.nextInt(doc.length)] = (byte) g.nextInt(256);
    }
    return doc;
  }

  private static final String[] ALPHABET = {
    "a", "b", "Z", "0", " ", "\"", "\\", "/", "\u0000", "\u0001", "\b", "\t", "\n", "\f",
    "\r", "\u001f", "\u007f", "\u0080", "é", "\u2028", "\u2029", "€", "\ufb33", "\ud83d\ude00",
    "\uffff"
  };

  private static String randomString(Random random) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0, n = random.nextInt(6); i < n; i++) {
      sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }

  private static JsonNode randomValue(Random random, int depth) {
    int kind = random.nextInt(depth >= 4 ? 6 : 8);
    switch (kind) {
      case 0:
        return NODES.nullNode();
      case 1:
        return NODES.booleanNode(random.nextBoolean());
      case 2:
        return NODES.textNode(randomString(random));
      case 3:
        return NODES.numberNode(random.nextLong() >> random.nextInt(64) >> 11); // |x| < 2^53
      case 4:
        {
          double d = Double.longBitsToDouble(random.nextLong());
          return NODES.numberNode(Double.isFinite(d) ? d : 0.5);
        }
      case 5:
        return NODES.numberNode(random.nextInt(100_000) / Math.pow(10, random.nextInt(8)));
      case 6:
        {
          ArrayNode array = NODES.arrayNode();
          for (int i = 0, n = random.nextInt(5); i < n; i++) {
            array.add(randomValue(random, depth + 1));
          }
          return array;
        }
      default:
        {
          ObjectNode object = NODES.objectNode();
          for (int i = 0, n = random.nextInt(5); i < n; i++) {
            object.set(randomString(random), randomValue(random, depth + 1));
          }
          return object;
        }
    }
  }

  /** Writes a tree as valid JSON in a random non-canonical way. */
  private static final class MessyWriter {
    private static final String[] SPACE = {"", "", " ", "\t", "\n", "\r\n", "  "};
    private final Random random;
    private final StringBuilder out = new StringBuilder();

    MessyWriter(Random random) {
      this.random = random;
    }

    String write(JsonNode node) {
      space();
      value(node);
      space();
      return out.toString();
    }

    private void space() {
      out.append(SPACE[random.nextInt(SPACE.length)]);
    }

    private void value(JsonNode node) {
      if (node.isObject()) {
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
        Collections.shuffle(members, random);
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          space();
          string(members.get(i).getKey());
          space();
          out.append(':');
          space();
          value(members.get(i).getValue());
          space();
        }
        out.append('}');
      } else if (node.isArray()) {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          space();
          value(node.get(i));
          space();
        }
        out.append(']');
      } else if (node.isTextual()) {
        string(node.textValue());
      } else if (node.isIntegralNumber()) {
        long v = node.longValue();
        String[] spellings = {Long.toString(v), v + ".0", v + "E0", v + ".000e+0", v * 10 + "e-1"};
        out.append(spellings[random.nextInt(spellings.length)]);
      } else if (node.isNumber()) {
        double d = node.doubleValue();
        String[] spellings = {
          CanonicalJson.formatNumber(d), Double.toString(d), new BigDecimal(d).toString()
        };
        out.append(spellings[random.nextInt(spellings.length)]);
      } else {
        out.append(node.toString()); // true, false, null
      }
    }

    private void string(String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean mustEscape = c < 0x20 || c == '"' || c == '\\';
        if (Character.isHighSurrogate(c)) {
          // A pair is escaped as a whole or not at all: half of it would not survive UTF-8.
          if (random.nextBoolean()) {
            escape(c);
            escape(s.charAt(++i));
          } else {
            out.append(c).append(s.charAt(++i));
          }
        } else if (mustEscape || random.nextInt(4) == 0) {
          escape(c);
        } else if (c == '/' && random.nextBoolean()) {
          out.append("\\/");
        } else {
          out.append(c);
        }
      }
      out.append('"');
    }

    private void escape(char c) {
      String hex = String.format("%04x", (int) c);
      out.append("\\u").append(random.nextBoolean() ? hex : hex.toUpperCase(Locale.ROOT));
    }
  }
}
