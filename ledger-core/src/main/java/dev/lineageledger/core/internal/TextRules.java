package dev.lineageledger.core.internal;

/**
 * The character rules of docs/FORMAT.md §3.4: what "characters" counts and which code points
 * no name-like field may hold, and the escaping every human-readable output applies.
 */
public final class TextRules {
  private TextRules() {}

  /**
   * Code points that can forge output: C0 controls, DEL, C1 controls (they move the cursor,
   * end lines or start terminal escape sequences) and the Unicode bidi embedding, override and
   * isolate controls U+202A..U+202E, U+2066..U+2069 (they reorder what is displayed,
   * "Trojan Source", CVE-2021-42574).
   */
  public static boolean isForbidden(int cp) {
    return cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e)
        || (cp >= 0x2066 && cp <= 0x2069);
  }

  /** Free text (descriptions, comments) may also hold TAB, LF and CR. */
  public static boolean isForbiddenInText(int cp) {
    return cp != '\t' && cp != '\n' && cp != '\r' && isForbidden(cp);
  }

  /** Lengths count Unicode code points (what Go's utf8.RuneCountInString and Python's len give). */
  public static int length(String s) {
    return s.codePointCount(0, s.length());
  }

  /** The first forbidden code point of {@code s} (name rules), or -1. */
  public static int firstForbidden(String s, boolean freeText) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (freeText ? isForbiddenInText(cp) : isForbidden(cp)) {
        return cp;
      }
      i += Character.charCount(cp);
    }
    return -1;
  }

  /**
   * {@code s} safe to print on a terminal or in a log line: backslash, every forbidden code
   * point and every other non-printable one (format, unassigned, private-use, surrogate, line
   * and paragraph separators) written as a {@code \}{@code uXXXX} escape, so that stored text
   * can neither start a new output line nor reorder or recolour what follows it.
   */
  public static String escape(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      if (needsEscape(cp)) {
        if (b == null) {
          b = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        if (cp == '\\') {
          b.append("\\\\");
        } else if (cp > 0xffff) {
          b.append(String.format("\\U%08x", cp));
        } else {
          b.append(String.format("\\u%04x", cp));
        }
      } else if (b != null) {
        b.appendCodePoint(cp);
      }
      i += n;
    }
    return b == null ? s : b.toString();
  }

  /**
   * JSON text (already escaped by a JSON writer) made safe to print: every non-printable code
   * point written as a JSON {@code \}{@code uXXXX} escape (surrogate pairs beyond U+FFFF), so
   * that the output is still the same JSON value. Backslashes are left alone.
   */
  public static String escapeJson(String json) {
    StringBuilder b = null;
    for (int i = 0; i < json.length(); ) {
      int cp = json.codePointAt(i);
      int n = Character.charCount(cp);
      boolean esc = cp != '\\' && cp != '\n' && needsEscape(cp);
      if (esc) {
        if (b == null) {
          b = new StringBuilder(json.length() + 16).append(json, 0, i);
        }
        for (char c : Character.toChars(cp)) {
          b.append(String.format("\\u%04x", (int) c));
        }
      } else if (b != null) {
        b.appendCodePoint(cp);
      }
      i += n;
    }
    return b == null ? json : b.toString();
  }

  private static boolean needsEscape(int cp) {
    if (cp == '\\' || isForbidden(cp)) {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.FORMAT, Character.UNASSIGNED, Character.PRIVATE_USE, Character.SURROGATE,
          Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.CONTROL -> true;
      default -> false;
    };
  }
}
