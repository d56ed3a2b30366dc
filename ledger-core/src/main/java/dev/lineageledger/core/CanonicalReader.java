package dev.lineageledger.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One pass over bytes that are expected to be RFC 8785 canonical JSON (a stored record): reads
 * the tree and checks the canonical form as it goes, instead of decoding, parsing with Jackson,
 * re-serialising and comparing. It accepts only the canonical spelling — no whitespace, members
 * in strictly ascending {@link String#compareTo} order, the RFC 8785 §3.2.2.2 escapes and
 * nothing else, shortest-form UTF-8 without surrogates, numbers exactly as {@link
 * CanonicalJson#formatNumber} prints them — and gives up (null) on anything else, including the
 * rare canonical integers beyond 2<sup>53</sup>, which the full parser then decides. Whatever it
 * accepts, {@link CanonicalJson#parse(byte[])} accepts too and reads as an equal tree.
 */
final class CanonicalReader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final long MAX_EXACT_INTEGER = 1L << 53;
  private static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?(e[+-][0-9]+)?");

  private final byte[] b;
  private int at;
  private final StringBuilder text = new StringBuilder(64);

  private CanonicalReader(byte[] b) {
    this.b = b;
  }

  /** The tree of {@code utf8} if it is canonical JSON this reader can decide, else null. */
  static JsonNode read(byte[] utf8) {
    CanonicalReader r = new CanonicalReader(utf8);
    JsonNode n = r.value(1);
    return n != null && r.at == utf8.length ? n : null;
  }

  private JsonNode value(int depth) {
    if (at >= b.length) {
      return null;
    }
    switch (b[at]) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"': {
        String s = string();
        return s == null ? null : NODES.textNode(s);
      }
      case 't':
        return literal("true") ? NODES.booleanNode(true) : null;
      case 'f':
        return literal("false") ? NODES.booleanNode(false) : null;
      case 'n':
        return literal("null") ? NODES.nullNode() : null;
      default:
        return number();
    }
  }

  private JsonNode object(int depth) {
    if (depth > CanonicalJson.MAX_DEPTH) {
      return null;
    }
    at++;
    ObjectNode o = NODES.objectNode();
    if (at < b.length && b[at] == '}') {
      at++;
      return o;
    }
    String previous = null;
    while (true) {
      if (at >= b.length || b[at] != '"') {
        return null;
      }
      String name = string();
      if (name == null || (previous != null && previous.compareTo(name) >= 0)
          || at >= b.length || b[at++] != ':') {
        return null;
      }
      JsonNode v = value(depth + 1);
      if (v == null) {
        return null;
      }
      o.set(name, v);
      previous = name;
      if (at >= b.length) {
        return null;
      }
      byte c = b[at++];
      if (c == '}') {
        return o;
      }
      if (c != ',') {
        return null;
      }
    }
  }

  private JsonNode array(int depth) {
    if (depth > CanonicalJson.MAX_DEPTH) {
      return null;
    }
    at++;
    ArrayNode a = NODES.arrayNode();
    if (at < b.length && b[at] == ']') {
      at++;
      return a;
    }
    while (true) {
      JsonNode v = value(depth + 1);
      if (v == null || at >= b.length) {
        return null;
      }
      a.add(v);
      byte c = b[at++];
      if (c == ']') {
        return a;
      }
      if (c != ',') {
        return null;
      }
    }
  }

  private boolean literal(String word) {
    int n = word.length();
    if (at + n > b.length) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (b[at + i] != word.charAt(i)) {
        return false;
      }
    }
    at += n;
    return true;
  }

  /** A string at {@code at} (on its opening quote) in canonical spelling, or null. */
  private String string() {
    at++;
    int start = at;
    // The common case: printable ASCII without escapes, taken as one run.
    while (at < b.length) {
      byte c = b[at];
      if (c == '"') {
        String s = new String(b, start, at - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        at++;
        return s;
      }
      if (c < 0x20 || c == '\\') { // negative: a UTF-8 lead or continuation byte
        break;
      }
      at++;
    }
    text.setLength(0);
    for (int i = start; i < at; i++) {
      text.append((char) b[i]);
    }
    while (at < b.length) {
      int c = b[at] & 0xFF;
      if (c == '"') {
        at++;
        return text.toString();
      }
      if (c < 0x20) {
        return null; // control characters are escaped in canonical form
      }
      if (c == '\\') {
        if (!escape()) {
          return null;
        }
      } else if (c < 0x80) {
        text.append((char) c);
        at++;
      } else if (!utf8(c)) {
        return null;
      }
    }
    return null;
  }

  /** RFC 8785 §3.2.2.2: the short escapes, and \\u00xx (lower case) for other controls only. */
  private boolean escape() {
    if (at + 1 >= b.length) {
      return false;
    }
    byte e = b[at + 1];
    char c;
    switch (e) {
      case '"' -> c = '"';
      case '\\' -> c = '\\';
      case 'b' -> c = '\b';
      case 't' -> c = '\t';
      case 'n' -> c = '\n';
      case 'f' -> c = '\f';
      case 'r' -> c = '\r';
      case 'u' -> {
        if (at + 5 >= b.length || b[at + 2] != '0' || b[at + 3] != '0') {
          return false;
        }
        int hi = hex(b[at + 4]);
        int lo = hex(b[at + 5]);
        if (hi < 0 || hi > 1 || lo < 0) {
          return false;
        }
        c = (char) (hi << 4 | lo);
        if (c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
          return false; // these have short forms
        }
        text.append(c);
        at += 6;
        return true;
      }
      default -> {
        return false;
      }
    }
    text.append(c);
    at += 2;
    return true;
  }

  private static int hex(byte h) {
    if (h >= '0' && h <= '9') {
      return h - '0';
    }
    if (h >= 'a' && h <= 'f') {
      return h - 'a' + 10;
    }
    return -1; // upper case is not canonical
  }

  /** One shortest-form UTF-8 sequence for a scalar value (no surrogates), lead byte {@code c}. */
  private boolean utf8(int c) {
    int n;
    int cp;
    int min;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
      min = 0x10000;
    } else {
      return false;
    }
    if (at + n >= b.length) {
      return false;
    }
    for (int i = 1; i <= n; i++) {
      int k = b[at + i] & 0xFF;
      if ((k & 0xC0) != 0x80) {
        return false;
      }
      cp = cp << 6 | (k & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    text.appendCodePoint(cp);
    at += n + 1;
    return true;
  }

  /**
   * A number in the spelling {@link CanonicalJson#formatNumber} gives it: integers up to
   * 2<sup>53</sup> in magnitude as LongNodes (as the full parser reads them), other numbers as
   * DoubleNodes when their text is exactly the formatted double; null for anything else.
   */
  private JsonNode number() {
    int start = at;
    boolean integer = true;
    while (at < b.length) {
      byte c = b[at];
      if ((c >= '0' && c <= '9') || c == '-') {
        at++;
      } else if (c == '.' || c == 'e' || c == '+') {
        integer = false;
        at++;
      } else {
        break;
      }
    }
    int len = at - start;
    if (len == 0) {
      return null;
    }
    String s = new String(b, start, len, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (integer) {
      // -?(0|[1-9][0-9]*), at most 16 digits, |v| <= 2^53, and not "-0".
      int digits = s.charAt(0) == '-' ? 1 : 0;
      if (len - digits < 1 || len - digits > 16) {
        return null;
      }
      for (int i = digits; i < len; i++) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          return null;
        }
      }
      if (s.charAt(digits) == '0' && len - digits > 1) {
        return null;
      }
      long v = Long.parseLong(s);
      if (v > MAX_EXACT_INTEGER || v < -MAX_EXACT_INTEGER || (v == 0 && digits == 1)) {
        return null;
      }
      return NODES.numberNode(v);
    }
    // Only the formatter's own output is canonical; the JSON grammar is a subset of Java's.
    if (!DECIMAL.matcher(s).matches()) {
      return null;
    }
    double d = Double.parseDouble(s);
    if (!Double.isFinite(d) || !CanonicalJson.formatNumber(d).equals(s)) {
      return null;
    }
    return NODES.numberNode(d);
  }
}
