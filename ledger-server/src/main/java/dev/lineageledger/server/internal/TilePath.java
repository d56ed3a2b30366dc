package dev.lineageledger.server.internal;

/**
 * C2SP tlog-tiles paths: {@code tile/<L>/<N>[.p/<W>]} (hash tiles) and {@code
 * tile/entries/<N>[.p/<W>]} (entry bundles). {@code L} is a decimal level without leading
 * zeroes; {@code N} is split into 3-digit path elements, all but the last prefixed with {@code
 * x} (1234067 is {@code x001/x234/067}); {@code W}, for partial tiles only, is 1..255. Only the
 * canonical encoding is accepted, so each tile has exactly one URL.
 */
public record TilePath(int level, long index, int width, boolean entries) {
  /** Tile height used by this log: 8, so a full tile holds 256 hashes or entries. */
  public static final int HEIGHT = 8;
  public static final int FULL = 1 << HEIGHT;
  static final int MAX_LEVEL = 63;

  public boolean partial() {
    return width < FULL;
  }

  /** Parses the path after {@code /tile/}; null when it is not a canonical tile path. */
  public static TilePath parse(String rest) {
    boolean entries = false;
    int level = -1;
    if (rest.startsWith("entries/")) {
      entries = true;
      rest = rest.substring("entries/".length());
    } else {
      int slash = rest.indexOf('/');
      if (slash <= 0) {
        return null;
      }
      level = decimal(rest.substring(0, slash), MAX_LEVEL);
      if (level < 0) {
        return null;
      }
      rest = rest.substring(slash + 1);
    }
    int width = FULL;
    int p = rest.indexOf(".p/");
    if (p >= 0) {
      width = decimal(rest.substring(p + 3), FULL - 1);
      if (width < 1) {
        return null;
      }
      rest = rest.substring(0, p);
    }
    long index = parseIndex(rest);
    if (index < 0 || !encodeIndex(index).equals(rest)) {
      return null;
    }
    return new TilePath(entries ? 0 : level, index, width, entries);
  }

  /** The path after {@code /tile/}, in canonical form. */
  public String path() {
    String n = encodeIndex(index) + (partial() ? ".p/" + width : "");
    return entries ? "entries/" + n : level + "/" + n;
  }

  static String encodeIndex(long n) {
    StringBuilder b = new StringBuilder(String.format("%03d", n % 1000));
    n /= 1000;
    while (n > 0) {
      b.insert(0, String.format("x%03d/", n % 1000));
      n /= 1000;
    }
    return b.toString();
  }

  private static long parseIndex(String s) {
    String[] parts = s.split("/", -1);
    long n = 0;
    for (int i = 0; i < parts.length; i++) {
      String e = parts[i];
      boolean last = i == parts.length - 1;
      if (!last) {
        if (!e.startsWith("x")) {
          return -1;
        }
        e = e.substring(1);
      }
      if (e.length() != 3 || !e.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return -1;
      }
      if (n > (Long.MAX_VALUE - 999) / 1000) {
        return -1;
      }
      n = n * 1000 + Integer.parseInt(e);
    }
    return n;
  }

  private static int decimal(String s, int max) {
    if (s.isEmpty() || s.length() > 3 || (s.length() > 1 && s.charAt(0) == '0')
        || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    int v = Integer.parseInt(s);
    return v <= max ? v : -1;
  }
}
