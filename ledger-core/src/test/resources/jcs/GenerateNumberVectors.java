/*
 * Generates es-numbers.csv: known answers for CanonicalJson.formatNumber (RFC 8785 §3.2.2.3).
 *
 * Not part of the build. It must run on JDK 19 or later, whose Double.toString returns the
 * shortest decimal that rounds to the double (JDK-4511638, fixed in JDK 19 with Raffaello
 * Giulietti's Schubfach algorithm), an implementation independent of CanonicalJson's:
 *
 *   /usr/lib/jvm/temurin-25-jdk-amd64/bin/java GenerateNumberVectors.java \
 *       | gzip -9n > es-numbers.csv.gz
 *
 * Output: one line per double, "hexbits,expected", hexbits being the raw IEEE 754 bits in
 * lower-case hex without leading zeros (the format of cyberphone/json-canonicalization's
 * es6testfile). The seed is fixed, so the output is the same on every run.
 *
 * From Java's digits to ECMAScript's, two steps:
 *  1. Digits. ES2019 §7.1.12.1 (with its note 2, which RFC 8785 requires) takes the fewest digits
 *     k that round to the double, and among those the closest, ties to an even last digit. JDK 19's
 *     Double.toString does the same when that minimum is 2 or more; when a single digit suffices,
 *     its spec picks the closest among all decimals of length 1 OR 2 (so 5e-324 prints "4.9E-324").
 *     So whenever Java answers with 2 digits, look for 1-digit decimals that round to the double
 *     and, if there are any, take the closest of them instead.
 *  2. Layout. ES2019 §7.1.12.1 steps 6-10, re-implemented below from the spec text: plain digits
 *     for 1e-6 <= |x| < 1e21, otherwise d.ddde+n / d.ddde-n; -0 prints "0".
 * Every line is checked to read back as its double, and the RFC 8785 Appendix B rows are checked
 * before anything is written.
 */
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;

public class GenerateNumberVectors {
  static final int LINES = 20_000;

  public static void main(String[] args) {
    if (Runtime.version().feature() < 19) {
      throw new IllegalStateException(
          "needs JDK 19+ (shortest Double.toString), got " + Runtime.version());
    }
    selfCheck();
    SplittableRandom rnd = new SplittableRandom(0x8785_2020L);
    Set<Long> bits = new LinkedHashSet<>();

    // Powers of two, where the gap below is half the gap above: every exponent.
    for (int e = -1074; e <= 1023; e++) {
      bits.add(Double.doubleToRawLongBits(Math.scalb(1.0, e)));
    }
    // Powers of ten and their neighbours, including the ES notation thresholds 1e-7/1e-6, 1e21.
    for (int p = -324; p <= 308; p++) {
      double d = Double.parseDouble("1e" + p);
      for (double x : new double[] {d, Math.nextUp(d), Math.nextDown(d),
          Math.nextUp(Math.nextUp(d)), Math.nextDown(Math.nextDown(d))}) {
        addSigned(bits, x, rnd);
      }
    }
    for (String s : new String[] {"1e-7", "1e-6", "1e21", "1e20", "999999999999999999999",
        "9.999999999999999e20", "0.000001", "0.0000009999999999999999", "1e23", "1e22"}) {
      double d = Double.parseDouble(s);
      for (int i = -20; i <= 20; i++) {
        addSigned(bits, stepUlps(d, i), rnd);
      }
    }
    // Subnormals: the smallest, the largest, random ones.
    for (long m = 1; m <= 64; m++) {
      bits.add(m);
      bits.add(0x000F_FFFF_FFFF_FFFFL - m + 1);
    }
    for (int i = 0; i < 1000; i++) {
      addSigned(bits, Double.longBitsToDouble(rnd.nextLong(1, 1L << 52)), rnd);
    }
    // Integers around 2^53 (largest exact) and up to 1e21 (last plain-notation integer).
    for (long k = -300; k <= 300; k++) {
      addSigned(bits, (double) ((1L << 53) + k), rnd);
      addSigned(bits, Math.scalb(1.0, 54) + 4 * k, rnd);
    }
    for (int i = 0; i < 1500; i++) {
      addSigned(bits, (double) rnd.nextLong(1L << 53), rnd);
      addSigned(bits, Math.floor(rnd.nextDouble(9.007199254740992e15, 1e21)), rnd);
    }
    // "Nice" decimals: short digit strings at many scales, and k * 0.1 style arithmetic results.
    for (int i = 0; i < 3000; i++) {
      String digits = Long.toString(rnd.nextLong(1, 10_000_000));
      addSigned(bits, Double.parseDouble(digits + "e" + rnd.nextInt(-30, 30)), rnd);
    }
    for (int k = 1; k <= 1000; k++) {
      addSigned(bits, k * 0.1, rnd);
      addSigned(bits, k / 100.0, rnd);
      addSigned(bits, (double) (float) (k * 0.1f), rnd);
    }
    // Random bit patterns fill the rest.
    while (bits.size() < LINES) {
      double d = Double.longBitsToDouble(rnd.nextLong());
      if (Double.isFinite(d)) {
        bits.add(Double.doubleToRawLongBits(d));
      }
    }

    StringBuilder out = new StringBuilder(LINES * 40);
    int n = 0;
    for (long b : bits) {
      if (n++ == LINES) {
        break;
      }
      double d = Double.longBitsToDouble(b);
      String es = es(d);
      if (Double.parseDouble(es) != d && d != 0) {
        throw new AssertionError(Long.toHexString(b) + " -> " + es + " does not read back");
      }
      out.append(Long.toHexString(b)).append(',').append(es).append('\n');
    }
    System.out.print(out);
  }

  static void addSigned(Set<Long> bits, double d, SplittableRandom rnd) {
    if (Double.isFinite(d)) {
      bits.add(Double.doubleToRawLongBits(rnd.nextBoolean() ? d : -d));
    }
  }

  static double stepUlps(double d, int steps) {
    for (int i = 0; i < Math.abs(steps); i++) {
      d = steps > 0 ? Math.nextUp(d) : Math.nextDown(d);
    }
    return d;
  }

  static String es(double d) {
    if (d == 0) {
      return "0";
    }
    BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    if (shortest.precision() == 2) {
      BigDecimal exact = new BigDecimal(Math.abs(d));
      BigDecimal best = null;
      for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
        BigDecimal c = exact.round(new MathContext(1, mode));
        if (Double.parseDouble(c.toString()) == Math.abs(d)) {
          int cmp = best == null ? -1
              : c.subtract(exact).abs().compareTo(best.subtract(exact).abs());
          if (cmp < 0 || (cmp == 0 && c.unscaledValue().testBit(0) == false)) {
            best = c;
          }
        }
      }
      if (best != null) {
        shortest = best.stripTrailingZeros();
      }
    }
    String s = shortest.unscaledValue().toString(); // the k digits
    int k = s.length();
    int n = k - shortest.scale(); // value = 0.s * 10^n
    StringBuilder r = new StringBuilder(d < 0 ? "-" : "");
    if (k <= n && n <= 21) {
      r.append(s).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      r.append(s, 0, n).append('.').append(s, n, k);
    } else if (-6 < n && n <= 0) {
      r.append("0.").append("0".repeat(-n)).append(s);
    } else {
      int e = n - 1;
      r.append(s.charAt(0)).append(k > 1 ? "." + s.substring(1) : "")
          .append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
    return r.toString();
  }

  // RFC 8785 Appendix B, Table 1 (the finite rows).
  static void selfCheck() {
    String[] rows = {
      "0000000000000000,0", "8000000000000000,0", "0000000000000001,5e-324",
      "8000000000000001,-5e-324", "7fefffffffffffff,1.7976931348623157e+308",
      "ffefffffffffffff,-1.7976931348623157e+308", "4340000000000000,9007199254740992",
      "c340000000000000,-9007199254740992", "4430000000000000,295147905179352830000",
      "44b52d02c7e14af5,9.999999999999997e+22", "44b52d02c7e14af6,1e+23",
      "44b52d02c7e14af7,1.0000000000000001e+23", "444b1ae4d6e2ef4e,999999999999999700000",
      "444b1ae4d6e2ef4f,999999999999999900000", "444b1ae4d6e2ef50,1e+21",
      "3eb0c6f7a0b5ed8c,9.999999999999997e-7", "3eb0c6f7a0b5ed8d,0.000001",
      "41b3de4355555553,333333333.3333332", "41b3de4355555554,333333333.33333325",
      "41b3de4355555555,333333333.3333333", "41b3de4355555556,333333333.3333334",
      "41b3de4355555557,333333333.33333343", "becbf647612f3696,-0.0000033333333333333333",
      "43143ff3c1cb0959,1424953923781206.2",
    };
    for (String row : rows) {
      String[] f = row.split(",");
      String got = es(Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16)));
      if (!got.equals(f[1])) {
        throw new AssertionError("Appendix B " + f[0] + ": expected " + f[1] + ", got " + got);
      }
    }
  }
}
