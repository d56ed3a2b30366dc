package dev.lineageledger.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON Canonicalization Scheme (JCS, RFC 8785): the ledger's canonical bytes for a record.
 *
 * <p>{@link #parse(byte[])} accepts only strict I-JSON (RFC 7493): valid UTF-8, no duplicate
 * member names, no lone surrogates, no trailing content, no comments or other Jackson leniencies,
 * at most {@value #MAX_DEPTH} levels of nesting, and no integer literal beyond 2<sup>53</sup> that
 * is not exactly a double (9007199254740993 is rejected; the exact 2<sup>60</sup> and canonical
 * spellings such as {@code 295147905179352830000} are accepted, so canonical output always parses
 * back). {@link #canonicalize(JsonNode)} writes RFC 8785 §3.2 output: no whitespace,
 * members sorted by the UTF-16 code units of their names, minimal string escaping and numbers
 * serialized like ECMAScript's {@code Number.prototype.toString} ({@link #formatNumber(double)}).
 *
 * <p>Every number is an IEEE 754 double: the canonical form of a number depends only on its double
 * value, so {@code 1.0}, {@code 1}, {@code 1E0} and {@code 10e-1} all canonicalize to {@code 1}.
 *
 * <p>All methods are static and thread-safe.
 */
public final class CanonicalJson {
  /** Deepest nesting of arrays and objects that {@link #parse(byte[])} accepts. */
  public static final int MAX_DEPTH = 64;

  // I-JSON (RFC 7493) §2.2: integers beyond 2^53 cannot round-trip through an IEEE 754 double.
  private static final long MAX_EXACT_INTEGER = 1L << 53;
  private static final int MAX_ECHO = 40;
  private static final int MAX_MESSAGE = 160;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .disable(StreamReadFeature.USE_FAST_DOUBLE_PARSER) // JDK parsing is correctly rounded
          // Every leniency stays off even if a future Jackson flips a default.
          .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .disable(JsonReadFeature.ALLOW_YAML_COMMENTS)
          .disable(JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
          .disable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .disable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
          .disable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .disable(JsonReadFeature.ALLOW_RS_CONTROL_CHAR)
          .disable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
          .disable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
          .disable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS)
          .disable(JsonReadFeature.ALLOW_MISSING_VALUES)
          .disable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final BigInteger FIVE = BigInteger.valueOf(5);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private CanonicalJson() {}

  /**
   * Parses strict I-JSON from UTF-8 bytes. The returned tree is fresh and owned by the caller;
   * integer literals up to 2<sup>53</sup> in magnitude become {@code LongNode}s, all other numbers
   * {@code DoubleNode}s.
   *
   * @throws InvalidRecordException if the bytes are not valid UTF-8 or not strict I-JSON; the
   *     message is one line naming the problem and its line and column (or byte offset)
   */
  public static JsonNode parse(byte[] utf8) throws InvalidRecordException {
    Objects.requireNonNull(utf8, "utf8");
    return parse(decodeUtf8(utf8));
  }

  /**
   * Parses strict I-JSON from a string; see {@link #parse(byte[])}.
   *
   * @throws InvalidRecordException if {@code json} is not strict I-JSON
   */
  public static JsonNode parse(String json) throws InvalidRecordException {
    Objects.requireNonNull(json, "json");
    // RFC 8259 §8.1: senders MUST NOT add a byte order mark; canonical input never has one.
    if (!json.isEmpty() && json.charAt(0) == '\uFEFF') {
      throw new InvalidRecordException("", "byte order mark before the JSON value");
    }
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new InvalidRecordException("", "no JSON value in input");
      }
      JsonNode root = readValue(p, first, 1);
      // RFC 8259 §2: a JSON text is exactly one value.
      JsonToken extra;
      JsonLocation after;
      try {
        extra = p.nextToken();
        after = p.currentTokenLocation();
      } catch (JsonProcessingException e) {
        extra = JsonToken.NOT_AVAILABLE;
        after = e.getLocation();
      }
      if (extra != null) {
        throw new InvalidRecordException("", "trailing content after the JSON value" + at(after));
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new InvalidRecordException(
          pathOf(e.getProcessor() instanceof JsonParser jp ? jp.getParsingContext() : null),
          shorten(e.getOriginalMessage()) + at(e.getLocation()),
          e);
    } catch (IOException e) {
      // Only reachable if Jackson's in-memory reader failed, which it does not do.
      throw new UncheckedIOException(e);
    }
  }

  /**
   * RFC 8785 canonical UTF-8 bytes of {@code node}.
   *
   * @throws IllegalArgumentException if the tree holds something JCS cannot represent: NaN or
   *     infinite numbers, integers that are not exactly a double, strings with lone surrogates,
   *     binary or POJO nodes, or nesting deeper than {@value #MAX_DEPTH}
   */
  public static byte[] canonicalize(JsonNode node) {
    Objects.requireNonNull(node, "node");
    Utf8Sink out = new Utf8Sink(256);
    write(node, out, 1);
    return out.toByteArray();
  }

  /**
   * RFC 8785 canonical UTF-8 bytes of {@code node} as a member nested at {@code depth} of a
   * larger document (the document itself is depth 1): the same bytes as {@link
   * #canonicalize(JsonNode)}, with the nesting limit counted from the document, so that parts
   * assembled by {@link #canonicalObject} are limited exactly as the whole would be.
   */
  public static byte[] canonicalize(JsonNode node, int depth) {
    Objects.requireNonNull(node, "node");
    Utf8Sink out = new Utf8Sink(256);
    write(node, out, depth);
    return out.toByteArray();
  }

  /**
   * The canonical bytes of an object assembled from members already in canonical form: {@code
   * names} strictly ascending in the order RFC 8785 §3.2.3 sorts them ({@link String#compareTo}),
   * each {@code values[i]} the canonical bytes of its value. Byte-identical to canonicalising the
   * whole object; lets a caller canonicalise a large member once (a record's body) and reuse it.
   *
   * @throws IllegalArgumentException if the names are not strictly ascending
   */
  public static byte[] canonicalObject(String[] names, byte[][] values) {
    if (names.length != values.length) {
      throw new IllegalArgumentException("names and values differ in length");
    }
    int size = 2;
    byte[][] keys = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      if (i > 0 && names[i - 1].compareTo(names[i]) >= 0) {
        throw new IllegalArgumentException("member names are not strictly ascending: '"
            + names[i - 1] + "', '" + names[i] + "'");
      }
      Utf8Sink k = new Utf8Sink(names[i].length() + 2);
      writeString(names[i], k);
      keys[i] = k.toByteArray();
      size += keys[i].length + 1 + values[i].length + (i > 0 ? 1 : 0);
    }
    byte[] out = new byte[size];
    int at = 0;
    out[at++] = '{';
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        out[at++] = ',';
      }
      System.arraycopy(keys[i], 0, out, at, keys[i].length);
      at += keys[i].length;
      out[at++] = ':';
      System.arraycopy(values[i], 0, out, at, values[i].length);
      at += values[i].length;
    }
    out[at] = '}';
    return out;
  }

  /**
   * Parses strict I-JSON and returns its RFC 8785 canonical bytes.
   *
   * @throws InvalidRecordException as {@link #parse(byte[])}
   */
  public static byte[] canonicalize(byte[] utf8Json) throws InvalidRecordException {
    return canonicalize(parse(utf8Json));
  }

  /**
   * True iff {@code utf8} is strict I-JSON already in RFC 8785 canonical form, byte for byte.
   * Never throws: anything unparseable (including {@code null}) is simply not canonical.
   */
  public static boolean isCanonical(byte[] utf8) {
    if (utf8 == null) {
      return false;
    }
    try {
      return isCanonicalForm(utf8, parse(utf8));
    } catch (InvalidRecordException e) {
      return false;
    }
  }

  /**
   * The tree of {@code utf8} when the bytes are RFC 8785 canonical JSON, read in one pass that
   * checks the canonical form as it goes (for stored records, which are expected to be); null
   * when they are not canonical, and for the rare canonical integers beyond 2<sup>53</sup>,
   * which only {@link #parse(byte[])} with {@link #isCanonicalForm} decides. A tree returned is
   * equal to what {@code parse(utf8)} returns, and {@code isCanonicalForm(utf8, tree)} holds.
   * Never throws for any input.
   */
  public static JsonNode parseCanonical(byte[] utf8) {
    return utf8 == null ? null : CanonicalReader.read(utf8);
  }

  /**
   * True iff {@code utf8} is byte for byte the RFC 8785 form of {@code node}, the tree {@link
   * #parse(byte[])} read from it: {@code Arrays.equals(utf8, canonicalize(node))} without
   * growing a buffer or copying the result.
   *
   * @throws IllegalArgumentException as {@link #canonicalize(JsonNode)}
   */
  public static boolean isCanonicalForm(byte[] utf8, JsonNode node) {
    Objects.requireNonNull(utf8, "utf8");
    Objects.requireNonNull(node, "node");
    Utf8Sink out = new Utf8Sink(utf8.length + 1);
    write(node, out, 1);
    return out.len == utf8.length && Arrays.equals(out.buf, 0, out.len, utf8, 0, utf8.length);
  }

  /**
   * The RFC 8785 §3.2.2.3 serialization of a number: ECMAScript {@code Number.prototype.toString}
   * (ES2019 §7.1.12.1) of the double. Negative zero prints as {@code 0}; numbers print without an
   * exponent from 1e-6 up to (excluding) 1e21 and as {@code 1.5e-7} or {@code 1e+21} otherwise;
   * the digits are the fewest that read back as exactly {@code value} and, among equally short
   * candidates, the one closest to {@code value}.
   *
   * @throws IllegalArgumentException for NaN and the infinities, which JSON cannot express
   */
  public static String formatNumber(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          value + " is not a JSON number (RFC 8785 §3.2.2.3: NaN and Infinity are invalid)");
    }
    if (value == 0) {
      return "0"; // ES2019 §7.1.12.1 step 2: +0 and -0 both print as "0"
    }
    // Fast path: an integer up to 2^53 is its own shortest form. Decimals that read back as it lie
    // within 1 of it (doubles there are at most 2 apart), and a shorter one would be a multiple of
    // 10 other than itself, which is at least 2 away.
    if (Math.abs(value) <= MAX_EXACT_INTEGER && value == Math.rint(value)) {
      return Long.toString((long) value);
    }
    StringBuilder sb = new StringBuilder(26);
    appendNumber(sb, value);
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing

  private static String decodeUtf8(byte[] utf8) throws InvalidRecordException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(utf8);
    CharBuffer out = CharBuffer.allocate(utf8.length); // UTF-8 never has fewer bytes than chars
    // endOfInput=true: a truncated final sequence is reported as malformed, at its first byte.
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int offset = in.position();
      throw new InvalidRecordException(
          "",
          "invalid UTF-8: byte 0x"
              + (char) HEX[(utf8[offset] >> 4) & 0xF]
              + (char) HEX[utf8[offset] & 0xF]
              + " at byte offset "
              + offset);
    }
    if (result.isOverflow() || decoder.flush(out).isOverflow()) {
      throw new IllegalStateException("UTF-8 decoded to more chars than it has bytes");
    }
    out.flip();
    return out.toString();
  }

  private static JsonNode readValue(JsonParser p, JsonToken token, int depth)
      throws IOException, InvalidRecordException {
    if (token == null) { // Jackson reports a premature end itself; this only avoids a null switch
      throw invalid(p, "unexpected end of input");
    }
    switch (token) {
      case START_OBJECT:
        {
          checkDepth(p, depth);
          ObjectNode object = NODES.objectNode();
          for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            checkUnicode(p, name, "member name");
            JsonNode value = readValue(p, p.nextToken(), depth + 1);
            // STRICT_DUPLICATE_DETECTION rejects duplicates first; never keep one of two values.
            if (object.putIfAbsent(name, value) != null) {
              throw invalid(p, "duplicate member name " + echo(name));
            }
          }
          return object;
        }
      case START_ARRAY:
        {
          checkDepth(p, depth);
          ArrayNode array = NODES.arrayNode();
          for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            array.add(readValue(p, t, depth + 1));
          }
          return array;
        }
      case VALUE_STRING:
        {
          String text = p.getText();
          checkUnicode(p, text, "string");
          return NODES.textNode(text);
        }
      case VALUE_NUMBER_INT:
        {
          if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
              && isExactInteger(p.getLongValue())) {
            return NODES.numberNode(p.getLongValue());
          }
          return NODES.numberNode(largeInteger(p));
        }
      case VALUE_NUMBER_FLOAT:
        {
          double d = p.getDoubleValue();
          if (Double.isInfinite(d)) {
            throw invalid(p, "number " + echo(p.getText()) + " is out of IEEE 754 double range");
          }
          return NODES.numberNode(d);
        }
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw invalid(p, "unexpected token " + token);
    }
  }

  /**
   * An integer literal beyond 2^53. RFC 8785 §3.2.2.3 and I-JSON §2.2 treat numbers as IEEE 754
   * doubles, and most such integers are not doubles: 9007199254740993 would silently become
   * 9007199254740992. Accepted are only literals that lose nothing: the exact value of a double
   * (2^60 spelled out) or the canonical spelling of one ("295147905179352830000", which RFC 8785
   * Appendix B prints for 2^68 and which must therefore parse back).
   */
  private static double largeInteger(JsonParser p) throws IOException, InvalidRecordException {
    String text = p.getText(); // the JSON integer grammar is a subset of Java's decimal syntax
    double d = Double.parseDouble(text);
    if (Double.isInfinite(d)
        || (new BigDecimal(text).compareTo(new BigDecimal(d)) != 0
            && !formatNumber(d).equals(text))) {
      throw invalid(
          p,
          "integer "
              + echo(text)
              + " exceeds 2^53, not exactly representable as an IEEE 754 double");
    }
    return d;
  }

  // Not Math.abs: it leaves Long.MIN_VALUE negative.
  private static boolean isExactInteger(long v) {
    return v <= MAX_EXACT_INTEGER && v >= -MAX_EXACT_INTEGER;
  }

  private static void checkDepth(JsonParser p, int depth) throws InvalidRecordException {
    if (depth > MAX_DEPTH) {
      throw invalid(p, "nesting deeper than " + MAX_DEPTH + " levels");
    }
  }

  // I-JSON (RFC 7493) §2.1 and RFC 8785 §3.2.2.2: strings are Unicode text. A lone surrogate (in
  // bytes only expressible as a \\u escape, since the UTF-8 decoder rejects encoded ones) has no
  // UTF-8 encoding and so no canonical form.
  private static void checkUnicode(JsonParser p, String s, String what)
      throws InvalidRecordException {
    int bad = loneSurrogateIndex(s);
    if (bad >= 0) {
      throw invalid(
          p, "lone surrogate \\u" + Integer.toHexString(s.charAt(bad)) + " in " + what);
    }
  }

  private static int loneSurrogateIndex(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private static InvalidRecordException invalid(JsonParser p, String message) {
    return new InvalidRecordException(
        pathOf(p.getParsingContext()), message + at(p.currentTokenLocation()));
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /**
   * {@code body.inputs[2]}-style path of the parser's position, "" at the top level. Names that are
   * not plain identifiers appear as {@code ["a b\n"]} with JSON escapes, so the path (and the
   * message it prefixes) stays on one line.
   */
  private static String pathOf(JsonStreamContext context) {
    List<String> segments = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray() && c.hasCurrentIndex()) {
        segments.add("[" + c.getCurrentIndex() + "]");
      } else if (c.inObject() && c.getCurrentName() != null) {
        segments.add(nameSegment(c.getCurrentName()));
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = segments.size() - 1; i >= 0; i--) {
      sb.append(segments.get(i));
    }
    return sb.length() > 0 && sb.charAt(0) == '.' ? sb.substring(1) : sb.toString();
  }

  private static String nameSegment(String name) {
    boolean plain = !name.isEmpty() && name.length() <= MAX_ECHO;
    for (int i = 0; plain && i < name.length(); i++) {
      char c = name.charAt(i);
      plain = c == '_' || c == '-' || c == '$' || Character.isLetterOrDigit(c);
    }
    if (plain) {
      return "." + name;
    }
    StringBuilder sb = new StringBuilder("[\"");
    for (int i = 0; i < Math.min(name.length(), MAX_ECHO); i++) {
      char c = name.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7F || Character.isSurrogate(c) || c == 0x2028 || c == 0x2029) {
        appendUnicodeEscape(sb, c);
      } else {
        sb.append(c);
      }
    }
    return sb.append(name.length() > MAX_ECHO ? "...\"]" : "\"]").toString();
  }

  /**
   * Jackson's message without its hints about enabling leniency features (which a ledger never
   * does), on one line and bounded in length. Jackson quotes some input verbatim (a duplicate
   * member name may hold a raw CR or LF), so control characters and Unicode line separators are
   * escaped as {@code \\uXXXX} rather than cut at: the message stays one line whatever the input.
   */
  private static String shorten(String message) {
    String m = message == null ? "malformed JSON" : message;
    for (String hint : new String[] {": enable `", " (not recognized as one since"}) {
      int cut = m.indexOf(hint);
      if (cut >= 0) {
        m = m.substring(0, cut);
      }
    }
    StringBuilder sb = new StringBuilder(m.length());
    for (int i = 0; i < m.length(); i++) {
      char c = m.charAt(i);
      if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
        appendUnicodeEscape(sb, c);
      } else {
        sb.append(c);
      }
    }
    return sb.length() <= MAX_MESSAGE ? sb.toString() : sb.substring(0, MAX_MESSAGE) + "...";
  }

  private static void appendUnicodeEscape(StringBuilder sb, char c) {
    sb.append("\\u")
        .append((char) HEX[c >> 12])
        .append((char) HEX[(c >> 8) & 0xF])
        .append((char) HEX[(c >> 4) & 0xF])
        .append((char) HEX[c & 0xF]);
  }

  private static String echo(String text) {
    String t = text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "...";
    return "'" + t + "'";
  }

  // ---------------------------------------------------------------------------------------------
  // Canonical output, RFC 8785 §3.2

  private static void write(JsonNode node, Utf8Sink out, int depth) {
    switch (node.getNodeType()) {
      case OBJECT:
        {
          checkDepth(depth);
          // RFC 8785 §3.2.3: sort by the UTF-16 code units of the names, which is exactly
          // String.compareTo, recursively; arrays keep their order.
          List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
          if (!sorted(members)) { // a tree parsed from canonical bytes already is
            members.sort(Map.Entry.comparingByKey());
          }
          out.write('{');
          for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
              out.write(',');
            }
            writeString(members.get(i).getKey(), out);
            out.write(':');
            write(members.get(i).getValue(), out, depth + 1);
          }
          out.write('}');
          return;
        }
      case ARRAY:
        {
          checkDepth(depth);
          out.write('[');
          for (int i = 0, n = node.size(); i < n; i++) {
            if (i > 0) {
              out.write(',');
            }
            write(node.get(i), out, depth + 1);
          }
          out.write(']');
          return;
        }
      case STRING:
        writeString(node.textValue(), out);
        return;
      case NUMBER:
        writeNumber(node, out);
        return;
      case BOOLEAN:
        out.writeAscii(node.booleanValue() ? "true" : "false");
        return;
      case NULL:
        out.writeAscii("null");
        return;
      default:
        throw new IllegalArgumentException(
            "JSON canonicalization cannot represent a " + node.getNodeType() + " node");
    }
  }

  private static boolean sorted(List<Map.Entry<String, JsonNode>> members) {
    for (int i = 1; i < members.size(); i++) {
      if (members.get(i - 1).getKey().compareTo(members.get(i).getKey()) > 0) {
        return false;
      }
    }
    return true;
  }

  private static void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("nesting deeper than " + MAX_DEPTH + " levels");
    }
  }

  private static void writeNumber(JsonNode node, Utf8Sink out) {
    if (node.isIntegralNumber() && node.canConvertToLong() && isExactInteger(node.longValue())) {
      out.writeAscii(Long.toString(node.longValue()));
    } else if (node.isIntegralNumber()) {
      // As in parsing: an integer that is not exactly a double would print as a different integer,
      // which a ledger must not do silently.
      BigInteger value = node.bigIntegerValue();
      double d = value.doubleValue();
      if (Double.isInfinite(d) || new BigDecimal(value).compareTo(new BigDecimal(d)) != 0) {
        throw new IllegalArgumentException(
            "integer " + echo(value.toString()) + " exceeds 2^53, not exactly representable");
      }
      out.writeAscii(formatNumber(d));
    } else {
      out.writeAscii(formatNumber(node.doubleValue()));
    }
  }

  // RFC 8785 §3.2.2.2: escape only '"', '\' and U+0000..U+001F (short forms where ES has them,
  // otherwise \\u00xx in lower case); everything else is literal UTF-8.
  private static void writeString(String s, Utf8Sink out) {
    out.write('"');
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          out.write(c);
        } else {
          out.write('\\');
          switch (c) {
            case '"' -> out.write('"');
            case '\\' -> out.write('\\');
            case '\b' -> out.write('b');
            case '\t' -> out.write('t');
            case '\n' -> out.write('n');
            case '\f' -> out.write('f');
            case '\r' -> out.write('r');
            default -> {
              out.write('u');
              out.write('0');
              out.write('0');
              out.write(HEX[c >> 4]);
              out.write(HEX[c & 0xF]);
            }
          }
        }
      } else if (c < 0x800) {
        out.write(0xC0 | (c >> 6));
        out.write(0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        out.write(0xE0 | (c >> 12));
        out.write(0x80 | ((c >> 6) & 0x3F));
        out.write(0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out.write(0xF0 | (cp >> 18));
        out.write(0x80 | ((cp >> 12) & 0x3F));
        out.write(0x80 | ((cp >> 6) & 0x3F));
        out.write(0x80 | (cp & 0x3F));
      } else {
        throw new IllegalArgumentException(
            "lone surrogate \\u" + Integer.toHexString(c) + " has no UTF-8 encoding");
      }
    }
    out.write('"');
  }

  // ---------------------------------------------------------------------------------------------
  // Numbers, ES2019 §7.1.12.1 (Number::toString) with the note-2 refinement RFC 8785 requires:
  // the fewest digits k that read back as the double, and among those the closest to it (ties to
  // an even last digit). Java 17's Double.toString is not shortest (JDK-4511638, fixed in JDK 19),
  // so the digits are found here with exact decimal arithmetic.

  private static void appendNumber(StringBuilder sb, double value) {
    if (!appendShortDigits(sb, value)) {
      appendExactDigits(sb, value);
    }
  }

  /**
   * Fast path for the common short decimals (0.1, 2.5e-4, 1234.5678): when Java's
   * Double.toString yields at most 15 significant digits that read back as {@code value}, those
   * digits are the answer. For normal doubles, two distinct decimals of at most 15 digits never
   * round to the same double (15 = floor(52 * log10(2)), i.e. doubles are denser than 15-digit
   * decimals), so that decimal is the only one of its length or shorter: shortest and, being
   * unique, closest. Longer outputs are not trusted (JDK-4511638) and go to the exact path.
   */
  private static boolean appendShortDigits(StringBuilder sb, double value) {
    if (Math.abs(value) < Double.MIN_NORMAL) {
      return false;
    }
    String java = Double.toString(value); // [-]ddd.ddd or [-]d.dddE[-]x
    int exponentAt = java.indexOf('E');
    int end = exponentAt < 0 ? java.length() : exponentAt;
    int n = exponentAt < 0 ? 0 : Integer.parseInt(java, exponentAt + 1, java.length(), 10);
    char[] digits = new char[end];
    int k = 0;
    boolean afterPoint = false;
    for (int i = value < 0 ? 1 : 0; i < end; i++) {
      char ch = java.charAt(i);
      if (ch == '.') {
        afterPoint = true;
      } else if (k == 0 && ch == '0') {
        n -= afterPoint ? 1 : 0; // a leading zero: the value is 0.0...ddd
      } else {
        digits[k++] = ch;
        n += afterPoint ? 0 : 1;
      }
    }
    while (k > 0 && digits[k - 1] == '0') {
      k--;
    }
    if (k == 0 || k > 15 || Double.parseDouble(java) != value) {
      return false;
    }
    layout(sb, value < 0, new String(digits, 0, k), n);
    return true;
  }

  private static void appendExactDigits(StringBuilder sb, double value) {
    long bits = Double.doubleToRawLongBits(value);
    int biasedExponent = (int) ((bits >>> 52) & 0x7FF);
    long fraction = bits & 0x000F_FFFF_FFFF_FFFFL;
    // |value| = c * 2^q exactly.
    long c = biasedExponent == 0 ? fraction : fraction | (1L << 52);
    int q = biasedExponent == 0 ? -1074 : biasedExponent - 1075;
    // The reals that round to |value| lie between the midpoints to its neighbours. Below a power of
    // two (other than the smallest normal) the lower neighbour is half as far away. Scaling by 4
    // keeps all three points integral: they are (4c - lowerGap), 4c, (4c + 2), times 2^(q-2).
    long lowerGap = fraction == 0 && biasedExponent > 1 ? 1 : 2;
    int e2 = q - 2;
    BigInteger fivePow = e2 < 0 ? FIVE.pow(-e2) : null;
    BigDecimal low = exact(4 * c - lowerGap, e2, fivePow);
    BigDecimal mid = exact(4 * c, e2, fivePow);
    BigDecimal high = exact(4 * c + 2, e2, fivePow);
    // Round-to-nearest-even sends a midpoint to the neighbour with the even significand.
    boolean inclusive = (c & 1) == 0;

    // The shortest decimals in the interval are the multiples of the largest power 10^e that has a
    // multiple in it (no shorter decimal exists, else a larger power would qualify). A multiple of
    // 10^e exists for e = floor(log10(width)) - 1, and none for e > floor(log10(high)); existence
    // is monotone in e, so binary search.
    int lo = floorLog10(high.subtract(low)) - 1;
    int hi = floorLog10(high);
    while (lo < hi) {
      int e = Math.floorDiv(lo + hi + 1, 2);
      if (firstMultiple(low, e, inclusive).compareTo(lastMultiple(high, e, inclusive)) <= 0) {
        lo = e;
      } else {
        hi = e - 1;
      }
    }
    int e = lo;
    BigDecimal first = firstMultiple(low, e, inclusive);
    BigDecimal last = lastMultiple(high, e, inclusive);
    // Closest multiple to the exact value, ties to even; clamped into the interval.
    BigDecimal s = mid.scaleByPowerOfTen(-e).setScale(0, RoundingMode.HALF_EVEN);
    if (s.compareTo(first) < 0) {
      s = first;
    } else if (s.compareTo(last) > 0) {
      s = last;
    }
    String digits = s.toBigInteger().toString();
    layout(sb, value < 0, digits, e + digits.length());
  }

  /** m * 2^e2 as an exact BigDecimal; fivePow is 5^-e2 when e2 < 0. */
  private static BigDecimal exact(long m, int e2, BigInteger fivePow) {
    BigInteger unscaled = BigInteger.valueOf(m);
    return e2 >= 0
        ? new BigDecimal(unscaled.shiftLeft(e2))
        : new BigDecimal(unscaled.multiply(fivePow), -e2); // m*2^-k = m*5^k / 10^k
  }

  private static int floorLog10(BigDecimal positive) {
    return positive.precision() - positive.scale() - 1;
  }

  /** Smallest integer m with m * 10^e inside the interval starting at {@code low}. */
  private static BigDecimal firstMultiple(BigDecimal low, int e, boolean inclusive) {
    BigDecimal scaled = low.scaleByPowerOfTen(-e);
    BigDecimal m = scaled.setScale(0, RoundingMode.CEILING);
    return !inclusive && m.compareTo(scaled) == 0 ? m.add(BigDecimal.ONE) : m;
  }

  /** Largest integer m with m * 10^e inside the interval ending at {@code high}. */
  private static BigDecimal lastMultiple(BigDecimal high, int e, boolean inclusive) {
    BigDecimal scaled = high.scaleByPowerOfTen(-e);
    BigDecimal m = scaled.setScale(0, RoundingMode.FLOOR);
    return !inclusive && m.compareTo(scaled) == 0 ? m.subtract(BigDecimal.ONE) : m;
  }

  /**
   * ES2019 §7.1.12.1 steps 6-10: the k digits of s with the value s * 10^(n-k), in plain notation
   * from 1e-6 up to 1e21 and exponent notation otherwise.
   */
  private static void layout(StringBuilder sb, boolean negative, String digits, int n) {
    int k = digits.length();
    if (negative) {
      sb.append('-');
    }
    if (k <= n && n <= 21) {
      sb.append(digits);
      for (int i = k; i < n; i++) {
        sb.append('0');
      }
    } else if (0 < n && n <= 21) {
      sb.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      sb.append("0.");
      for (int i = n; i < 0; i++) {
        sb.append('0');
      }
      sb.append(digits);
    } else {
      sb.append(digits.charAt(0));
      if (k > 1) {
        sb.append('.').append(digits, 1, k);
      }
      sb.append('e').append(n - 1 >= 0 ? '+' : '-').append(Math.abs(n - 1));
    }
  }

  /** A growable byte buffer for one canonicalization; avoids per-value strings and copies. */
  private static final class Utf8Sink {
    private byte[] buf;
    private int len;

    Utf8Sink(int capacity) {
      buf = new byte[capacity];
    }

    void write(int b) {
      if (len == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      buf[len++] = (byte) b;
    }

    void writeAscii(String s) {
      int n = s.length();
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, len);
    }
  }
}
