package dev.lineageledger.core;

import java.util.List;
import java.util.Random;

/**
 * The random source of one {@link SeededTrials} trial: a seeded {@link Random} with generators
 * that, like a property-testing library's, hit the edges of a range more often than chance would
 * (boundaries are where the bugs are).
 */
public final class Gen extends Random {
  private static final long serialVersionUID = 1L;

  Gen(long seed) {
    super(seed);
  }

  /** A long in {@code [min, max]}; one draw in eight is an edge: min, max, min+1, max-1 or 0. */
  public long longBetween(long min, long max) {
    if (min > max) {
      throw new IllegalArgumentException(min + " > " + max);
    }
    if (nextInt(8) == 0) {
      long[] edges = {min, max, min == max ? min : min + 1, min == max ? max : max - 1,
          min <= 0 && 0 <= max ? 0 : min};
      return edges[nextInt(edges.length)];
    }
    if (nextInt(4) == 0) {
      // Small magnitudes are where off-by-one lives; draw from a log-uniform width.
      long width = max - min;
      int bits = nextInt(64);
      long span = width < 0 || bits >= 63 ? width : Math.min(width, (1L << bits));
      if (span >= 0 && span < Long.MAX_VALUE) {
        return min + nextLong(span + 1);
      }
    }
    if (max - min >= 0 && max - min < Long.MAX_VALUE) {
      return min + nextLong(max - min + 1);
    }
    // The width overflows a long: draw until in range (at least half of all longs are).
    while (true) {
      long v = nextLong();
      if (v >= min && v <= max) {
        return v;
      }
    }
  }

  /** An int in {@code [min, max]}, edges favoured as in {@link #longBetween}. */
  public int intBetween(int min, int max) {
    return (int) longBetween(min, max);
  }

  /** {@code n} random bytes. */
  public byte[] bytes(int n) {
    byte[] b = new byte[n];
    nextBytes(b);
    return b;
  }

  /** Random bytes, length in {@code [0, maxLength]} (empty favoured as an edge). */
  public byte[] bytesUpTo(int maxLength) {
    return bytes(intBetween(0, maxLength));
  }

  /** A string of {@code [minLength, maxLength]} characters from {@code [from, to]}. */
  public String string(char from, char to, int minLength, int maxLength) {
    int n = intBetween(minLength, maxLength);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) (from + nextInt(to - from + 1)));
    }
    return sb.toString();
  }

  /**
   * A string of up to {@code maxLength} code points that a record may hold: ASCII, accented Latin,
   * Greek and Cyrillic, CJK and astral-plane emoji (no control or format characters, which record
   * validation may refuse).
   */
  public String text(int maxLength) {
    int n = intBetween(0, maxLength);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int cp = switch (nextInt(5)) {
        case 0, 1 -> 0x20 + nextInt(0x5f);
        case 2 -> 0xc0 + nextInt(0x4ff - 0xc0);
        case 3 -> 0x4e00 + nextInt(0x9fff - 0x4e00);
        default -> 0x1f300 + nextInt(0x1f64f - 0x1f300);
      };
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }

  /** One of the given values. */
  @SafeVarargs
  public final <T> T oneOf(T... values) {
    return values[nextInt(values.length)];
  }

  /** One of the given values. */
  public <T> T oneOf(List<T> values) {
    return values.get(nextInt(values.size()));
  }
}
