package dev.lineageledger.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The digest and URI checks every append makes are hand-written loops; they accept exactly the
 * strings the regular expressions of the record rules (docs/FORMAT.md §3) accept, which are
 * kept here as the reference.
 */
class RecordSchemaPredicatesTest {
  private static final Pattern DIGEST =
      Pattern.compile("(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128}"
          + "|sha3-256:[0-9a-f]{64}|blake2b:[0-9a-f]{128}|md5:[0-9a-f]{32})");
  private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.+");

  private static boolean referenceUri(String s) {
    return URI.matcher(s).matches() && s.indexOf(' ') < 0;
  }

  private static final String ALPHABET = "sha256:SHA384blake2b-3.+md5fF09aA: \n\r\u0085\u2028\u2029/é";

  /** Valid examples, each then mutated: one character replaced, inserted, deleted, cut. */
  private static List<String> cases(List<String> seeds, long seed) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>(seeds);
    for (int t = 0; t < 20_000; t++) {
      StringBuilder b = new StringBuilder(seeds.get(r.nextInt(seeds.size())));
      int edits = 1 + r.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = b.length() == 0 ? 0 : r.nextInt(b.length());
        char c = ALPHABET.charAt(r.nextInt(ALPHABET.length()));
        switch (r.nextInt(4)) {
          case 0 -> { if (b.length() > 0) b.setCharAt(at, c); }
          case 1 -> b.insert(at, c);
          case 2 -> { if (b.length() > 0) b.deleteCharAt(at); }
          default -> b.setLength(at);
        }
      }
      out.add(b.toString());
    }
    return out;
  }

  @Test
  void isDigestAcceptsExactlyWhatTheDigestPatternAccepts() {
    List<String> seeds = List.of("sha256:" + "0123456789abcdef".repeat(4),
        "sha384:" + "ab".repeat(48), "sha512:" + "f".repeat(128), "sha3-256:" + "9".repeat(64),
        "blake2b:" + "e".repeat(128), "md5:" + "d".repeat(32), "", ":", "sha256:");
    int accepted = 0;
    for (String s : cases(seeds, 20261208L)) {
      assertThat(RecordSchema.isDigest(s)).as("'%s'", s).isEqualTo(DIGEST.matcher(s).matches());
      accepted += RecordSchema.isDigest(s) ? 1 : 0;
    }
    assertThat(accepted).as("the trial includes valid digests").isGreaterThan(100);
  }

  @Test
  void isAbsoluteUriAcceptsExactlyWhatTheUriPatternAccepts() {
    List<String> seeds = List.of("s3://bucket/key", "abfss://c@acct.dfs.core.windows.net/p",
        "file:/data/x.parquet", "urn:isbn:0451450523", "a+b-c.d:x", "x:", ":x", "", "http://é",
        "https://host/a b");
    int accepted = 0;
    for (String s : cases(seeds, 7L)) {
      assertThat(RecordSchema.isAbsoluteUri(s)).as("'%s'", s).isEqualTo(referenceUri(s));
      accepted += RecordSchema.isAbsoluteUri(s) ? 1 : 0;
    }
    assertThat(accepted).as("the trial includes valid URIs").isGreaterThan(100);
  }
}
