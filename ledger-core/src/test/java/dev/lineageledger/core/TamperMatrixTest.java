package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lineageledger.core.internal.Envelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structural tampering of a ledger holding every record kind, in both signing modes: deleted,
 * swapped and duplicated rows, truncation, re-signing with untrusted keys, forged derived
 * columns. Each case must be detected at the right sequence number with the right reason; the
 * test prints "detected N of N". (Single-byte changes of every column: {@link TamperTest}.)
 * Every case must be caught: the only passing figure is all of them.
 */
class TamperMatrixTest {
  @TempDir static Path dir;
  static TestLedgers keys;
  static final Ed25519Signer ATTACKER = Ed25519Signer.generate(TestLedgers.ORIGIN);

  /** One attack: SQL run against a copy of the pristine ledger, and where it must be caught. */
  record Case(String name, SigningMode mode, String[] sql, long seq, String reason) {}

  static Path pristine(SigningMode mode) {
    return dir.resolve("pristine-" + mode.id() + ".ledger");
  }

  @BeforeAll
  static void build() throws Exception {
    keys = TestLedgers.keys();
    for (SigningMode mode : SigningMode.values()) {
      try (Ledger l = keys.create(pristine(mode), mode)) {
        TestLedgers.pipeline(l, 1); // seq 0..8
        l.checkpoint(); // size 9
        TestLedgers.pipeline(l, 2); // seq 9..17
        l.checkpoint(); // size 18
      }
    }
  }

  static List<Case> cases() throws Exception {
    List<Case> c = new ArrayList<>();
    for (SigningMode m : SigningMode.values()) {
      c.add(new Case("delete record 5", m, sql("DELETE FROM records WHERE seq = 5"), 5, "missing-record"));
      c.add(new Case("delete last record", m, sql("DELETE FROM records WHERE seq = 17",
          "DELETE FROM edges WHERE record_seq = 17"), 17, "truncated"));
      c.add(new Case("swap bodies of records 3 and 4", m, sql(
          "CREATE TEMP TABLE s AS SELECT seq, body FROM records WHERE seq IN (3, 4)",
          "UPDATE records SET body = (SELECT body FROM s WHERE s.seq = 7 - records.seq) WHERE seq IN (3, 4)"),
          3, "leaf-hash-mismatch"));
      c.add(new Case("swap whole rows 3 and 4", m, sql(
          "UPDATE records SET seq = -1 WHERE seq = 3", "UPDATE records SET seq = 3 WHERE seq = 4",
          "UPDATE records SET seq = 4 WHERE seq = -1"), 3, "seq-mismatch"));
      c.add(new Case("duplicate record 2 as record 18", m, sql(
          "INSERT INTO records SELECT 18, randomblob(32), body, sig, nodes, kind, name, version,"
              + " actor, time, signer FROM records WHERE seq = 2"), 18, "seq-mismatch"));
      c.add(new Case("duplicate an edge", m, sql(
          "INSERT INTO edges SELECT * FROM edges WHERE record_seq = 3 LIMIT 1"), 3, "edge-mismatch"));
      c.add(new Case("delete an edge", m, sql(
          "DELETE FROM edges WHERE rowid = (SELECT min(rowid) FROM edges WHERE record_seq = 5)"),
          5, "edge-mismatch"));
      c.add(new Case("redirect an edge", m, sql(
          "UPDATE edges SET src = 1 WHERE record_seq = 3 AND src = 0"), 3, "edge-mismatch"));
      c.add(new Case("derived column: rename a dataset", m, sql(
          "UPDATE records SET name = 'labels' WHERE seq = 0"), 0, "derived-column-mismatch"));
      c.add(new Case("derived column: change a kind", m, sql(
          "UPDATE records SET kind = 'model' WHERE seq = 2"), 2, "derived-column-mismatch"));
      c.add(new Case("derived column: change an actor", m, sql(
          "UPDATE records SET actor = 'someone-else' WHERE seq = 6"), 6, "derived-column-mismatch"));
      c.add(new Case("stored leaf hash replaced", m, sql(
          "UPDATE records SET leaf_hash = randomblob(32) WHERE seq = 8"), 8, "leaf-hash-mismatch"));
      c.add(new Case("truncate to 9 records (keep the older checkpoint)", m, sql(
          "DELETE FROM records WHERE seq >= 9", "DELETE FROM edges WHERE record_seq >= 9"),
          9, "truncated"));
      c.add(new Case("delete the latest checkpoint's signature", m, sql(
          "DELETE FROM checkpoint_signatures WHERE size = 18"), 17, "checkpoint-malformed"));
      c.add(new Case("delete the latest checkpoint", m, sql(
          // Checkpoint-only batches each commit with their checkpoint: drop all after size 9.
          "DELETE FROM checkpoint_signatures WHERE size > 9", "DELETE FROM checkpoints WHERE size > 9"),
          9, "uncovered"));
      c.add(new Case("checkpoint re-signed with an untrusted key", m, resign(m), 17,
          "checkpoint-signature"));
      c.add(new Case("checkpoint root column changed", m, sql(
          "UPDATE checkpoints SET root = randomblob(32) WHERE size = 9"), 8, "derived-column-mismatch"));
      c.add(new Case("checkpoint body for another history (bad signature)", m, sql(
          "UPDATE checkpoints SET body = replace(body, char(10) || '9' || char(10), char(10) || '8'"
              + " || char(10)) WHERE size = 9"), 8, "checkpoint-signature"));
      // The derived index (docs/FORMAT.md §7, schema version 2): a forged row would redirect
      // a reference or a query, so every row is checked against the log.
      c.add(new Case("hash index row redirected to another record", m, sql(
          "UPDATE hash_index SET seq = 3 WHERE seq = 4"), 3, "index-mismatch"));
      c.add(new Case("hash index row deleted", m, sql(
          "DELETE FROM hash_index WHERE seq = 6"), 6, "index-mismatch"));
      c.add(new Case("name index row renamed", m, sql(
          "UPDATE record_index SET name = 'labels' WHERE seq = 0"), 0, "index-mismatch"));
      c.add(new Case("name index row for a record that is not indexed", m, sql(
          "INSERT INTO record_index SELECT 18, kind, name, version, time FROM record_index WHERE seq = 2"),
          18, "index-mismatch"));
      c.add(new Case("index coverage mark set beyond the log", m, sql(
          "UPDATE index_state SET indexed_size = 40"), -1, "index-mismatch"));
      c.add(new Case("index coverage mark lowered, index rows left", m, sql(
          "UPDATE index_state SET indexed_size = 12"), 12, "index-mismatch"));
    }
    SigningMode p = SigningMode.PER_RECORD;
    c.add(new Case("record re-signed by an untrusted key", p, resignRecord(4), 4, "bad-signature"));
    c.add(new Case("record signature removed", p, sql("UPDATE records SET sig = NULL WHERE seq = 7"),
        7, "missing-signature"));
    c.add(new Case("signature added in checkpoint-only ledger", SigningMode.CHECKPOINT_ONLY,
        sql("UPDATE records SET sig = randomblob(64) WHERE seq = 7"), 7, "unexpected-signature"));
    return c;
  }

  private static String[] sql(String... s) {
    return s;
  }

  /** Replaces the checkpoint of size 18's signature by one from a key of the same name. */
  private static String[] resign(SigningMode m) throws Exception {
    String body;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + pristine(m));
        ResultSet r = c.createStatement().executeQuery("SELECT body FROM checkpoints WHERE size = 18")) {
      r.next();
      body = r.getString(1);
    }
    SignedNote forged = SignedNote.sign(body, List.of(ATTACKER));
    String line = forged.signatures().get(0).line().replace("'", "''");
    return sql("DELETE FROM checkpoint_signatures WHERE size = 18",
        "INSERT INTO checkpoint_signatures(size, line) VALUES (18, '" + line + "')");
  }

  private static String[] resignRecord(long seq) throws Exception {
    byte[] leaf;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + pristine(SigningMode.PER_RECORD));
        PreparedStatement ps = c.prepareStatement("SELECT leaf_hash FROM records WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet r = ps.executeQuery()) {
        r.next();
        leaf = r.getBytes(1);
      }
    }
    byte[] sig = ATTACKER.sign(Envelope.recordSignatureMessage(TestLedgers.ORIGIN, Hash.of(leaf)));
    return sql("UPDATE records SET sig = X'" + java.util.HexFormat.of().formatHex(sig)
        + "' WHERE seq = " + seq);
  }

  @Test
  void everyStructuralAttackIsDetectedWithTheRightSequenceAndReason() throws Exception {
    int tried = 0;
    int detected = 0;
    List<String> missed = new ArrayList<>();
    for (Case k : cases()) {
      tried++;
      Path work = dir.resolve("work.ledger");
      Files.copy(pristine(k.mode()), work, StandardCopyOption.REPLACE_EXISTING);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + work);
          Statement s = c.createStatement()) {
        List<String> triggers = new ArrayList<>();
        try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger'")) {
          while (r.next()) {
            triggers.add(r.getString(1));
          }
        }
        for (String t : triggers) {
          s.execute("DROP TRIGGER " + t);
        }
        s.execute("PRAGMA foreign_keys = OFF");
        for (String q : k.sql()) {
          s.execute(q);
        }
      }
      VerificationReport rep = null;
      try (Ledger l = Ledger.open(work, LedgerOptions.readOnly())) {
        rep = l.verify(VerifyOptions.builder().trustedKeys(List.of(keys.key.verifierKey())).build());
      } catch (LedgerVerificationException e) {
        rep = e.report();
      }
      VerificationFailure first = rep.firstFailure().orElse(null);
      // The first failure is at the right place, and the expected reason is among those there.
      boolean ok = first != null && first.seq() == k.seq() && rep.failures().stream()
          .anyMatch(f -> f.seq() == k.seq() && f.reason().code().equals(k.reason()));
      if (ok) {
        detected++;
      } else {
        missed.add(k.name() + " [" + k.mode().id() + "]: expected " + k.seq() + " " + k.reason()
            + ", got " + (first == null ? "nothing" : first.seq() + " " + first.reason()));
      }
    }
    System.out.printf("tamper matrix (structural): detected %d of %d%n", detected, tried);
    assertThat(missed).isEmpty();
  }
}
