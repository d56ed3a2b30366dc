package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Any single-byte change in any stored column of any row carrying ledger data is detected, and
 * reported at the right sequence number. Tampering is done as an attacker would: with plain
 * SQL, after dropping the append-only triggers.
 */
class TamperTest {
  private static Path dir;
  private static Path pristine;
  private static Path work;
  private static TestLedgers keys;
  private static Connection conn;

  /** A stored value that verification must protect, and where the failure must be reported. */
  record Cell(String table, String column, long rowid, long expectedSeq, boolean exactSeq) {}

  private static final List<Cell> CELLS = new ArrayList<>();

  @BeforeAll
  static void build() throws Exception {
    dir = Files.createTempDirectory("tamper");
    keys = TestLedgers.keys();
    pristine = dir.resolve("pristine.ledger");
    try (Ledger l = keys.create(pristine, SigningMode.PER_RECORD)) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
      TestLedgers.pipeline(l, 2);
      l.checkpoint();
      l.cosign(l.size(), Ed25519Signer.generate("witness.example/w"));
      l.append(TestLedgers.dataset("tail", "1", 77));
    }
    work = dir.resolve("work.ledger");
    Files.copy(pristine, work, StandardCopyOption.REPLACE_EXISTING);
    conn = DriverManager.getConnection("jdbc:sqlite:" + work);
    try (Statement s = conn.createStatement()) {
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
      for (String col : List.of("seq", "leaf_hash", "body", "sig", "nodes", "kind", "name",
          "version", "actor", "time", "signer")) {
        try (ResultSet r = s.executeQuery("SELECT rowid, seq FROM records WHERE " + col
            + " IS NOT NULL AND length(" + col + ") > 0")) {
          while (r.next()) {
            CELLS.add(new Cell("records", col, r.getLong(1), r.getLong(2), true));
          }
        }
      }
      for (String col : List.of("record_seq", "src", "dst", "role")) {
        try (ResultSet r = s.executeQuery("SELECT rowid, record_seq FROM edges")) {
          while (r.next()) {
            CELLS.add(new Cell("edges", col, r.getLong(1), r.getLong(2), false));
          }
        }
      }
      for (String col : List.of("root", "body")) {
        try (ResultSet r = s.executeQuery("SELECT rowid, size FROM checkpoints")) {
          while (r.next()) {
            CELLS.add(new Cell("checkpoints", col, r.getLong(1), r.getLong(2) - 1, true));
          }
        }
      }
      try (ResultSet r = s.executeQuery("SELECT rowid, size FROM checkpoint_signatures s WHERE"
          + " line NOT LIKE '%witness%'")) {
        while (r.next()) {
          CELLS.add(new Cell("checkpoint_signatures", "line", r.getLong(1), r.getLong(2) - 1, true));
        }
      }
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger TRIED = new java.util.concurrent.atomic.AtomicInteger();
  private static final java.util.concurrent.atomic.AtomicInteger DETECTED = new java.util.concurrent.atomic.AtomicInteger();

  @AfterAll
  static void close() throws SQLException {
    conn.close();
    System.out.printf("tamper matrix (single-byte changes over %d stored cells): detected %d of %d%n",
        CELLS.size(), DETECTED.get(), TRIED.get());
  }

  @TestFactory
  Stream<DynamicTest> anySingleByteChangeIsDetectedAtTheRightSequence() {
    return SeededTrials.check(400, g -> anySingleByteChangeIsDetectedAtTheRightSequence(g.intBetween(0, 1_000_000), g.intBetween(0, 1_000_000), g.intBetween(1, 255)));
  }

  private void anySingleByteChangeIsDetectedAtTheRightSequence(int cellPick, int bytePick, int mask) throws Exception {
    Cell cell = CELLS.get(cellPick % CELLS.size());
    assertDetected(cell, bytePick, mask);
  }

  /** Every cell at least once, at its first and last byte. */
  @Test
  void everyCellFirstAndLastByte() throws Exception {
    Random rnd = new Random(42);
    int tried = 0;
    for (Cell c : CELLS) {
      assertDetected(c, 0, 1 + rnd.nextInt(255));
      assertDetected(c, Integer.MAX_VALUE, 1 + rnd.nextInt(255));
      tried += 2;
    }
    assertThat(tried).isGreaterThan(300);
  }

  private void assertDetected(Cell cell, int bytePick, int mask) throws Exception {
    Object original = read(cell);
    Object tampered = flip(original, bytePick, mask);
    try {
      if (!write(cell, tampered)) {
        return; // the change collides with a unique key: the database itself refuses it
      }
      TRIED.incrementAndGet();
      VerificationReport report;
      try (Ledger l = Ledger.open(work, LedgerOptions.readOnly())) {
        report = l.verify(VerifyOptions.builder().trustedKeys(List.of(keys.key.verifierKey()))
            .allowUncoveredTail(true).build());
        throw new AssertionError("not detected: " + cell + " byte " + bytePick);
      } catch (LedgerVerificationException e) {
        report = e.report();
      } catch (LedgerException e) {
        DETECTED.incrementAndGet();
        return; // refused to open or read: detected, with a message (e.g. unreadable record)
      }
      List<Long> seqs = report.failures().stream().map(VerificationFailure::seq).toList();
      assertThat(seqs).as("%s -> %s", cell, report.failures()).contains(cell.expectedSeq());
      if (cell.exactSeq()) {
        assertThat(report.firstFailure().orElseThrow().seq()).as("%s -> %s", cell, report.failures())
            .isEqualTo(cell.expectedSeq());
      }
      DETECTED.incrementAndGet();
    } finally {
      // records.seq is the rowid itself: after changing it, the row lives at the new rowid.
      Cell at = cell.table().equals("records") && cell.column().equals("seq") && tampered instanceof Long t
          ? new Cell(cell.table(), cell.column(), t, cell.expectedSeq(), cell.exactSeq()) : cell;
      write(at, original);
    }
  }

  private static Object read(Cell c) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT " + c.column() + " FROM " + c.table() + " WHERE rowid = ?")) {
      ps.setLong(1, c.rowid());
      try (ResultSet r = ps.executeQuery()) {
        r.next();
        return r.getObject(1);
      }
    }
  }

  private static Object flip(Object v, int pick, int mask) {
    if (v instanceof Integer i) {
      return (long) i ^ (1L << (pick % 20));
    }
    if (v instanceof Long l) {
      return l ^ (1L << (pick % 20));
    }
    byte[] b = v instanceof byte[] bytes ? bytes.clone()
        : v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int pos = pick == Integer.MAX_VALUE ? b.length - 1 : pick % b.length;
    b[pos] ^= (byte) mask;
    return v instanceof byte[] ? b : new TextBytes(b);
  }

  /** Text columns are written back as bytes, which may not even be valid UTF-8. */
  record TextBytes(byte[] bytes) {}

  private static boolean write(Cell c, Object v) throws SQLException {
    boolean text = v instanceof TextBytes;
    try (PreparedStatement ps = conn.prepareStatement("UPDATE " + c.table() + " SET " + c.column()
        + " = " + (text ? "CAST(? AS TEXT)" : "?") + " WHERE rowid = ?")) {
      if (text) {
        ps.setBytes(1, ((TextBytes) v).bytes());
      } else {
        ps.setObject(1, v);
      }
      ps.setLong(2, c.rowid());
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (e.getMessage().contains("UNIQUE") || e.getMessage().contains("PRIMARY KEY")) {
        return false;
      }
      throw e;
    }
  }
}
