package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema version 2 (docs/FORMAT.md §7): the index trails the log. Records not yet indexed are
 * visible to every lookup at once; a ledger whose index lags (a crash between a commit and the
 * index catch-up) reads correctly, verifies, and is re-indexed from the log by the next writer.
 */
class IndexBehindLogTest {
  @TempDir Path dir;

  private static long[] indexState(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT (SELECT indexed_size FROM index_state),"
            + " (SELECT count(*) FROM hash_index), (SELECT count(*) FROM record_index),"
            + " (SELECT count(*) FROM records)")) {
      r.next();
      return new long[] {r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)};
    }
  }

  @Test
  void unindexedRecordsAreVisibleAtOnceAndIndexedOnClose() throws Exception {
    TestLedgers t = TestLedgers.keys();
    Path f = dir.resolve("a.ledger");
    try (Ledger l = t.create(f, SigningMode.CHECKPOINT_ONLY)) {
      List<Receipt> rs = TestLedgers.pipeline(l, 1);
      // Far below the lag the writer allows: nothing of this is in the index yet ...
      assertThat(indexState(f)[0]).isZero();
      // ... and every lookup still finds it, by hash, by name, in queries and lineage.
      Receipt last = rs.get(rs.size() - 1);
      assertThat(l.resolve("sha256:" + last.leafHash().hex()).seq()).isEqualTo(last.seq());
      assertThat(l.record(last.leafHash())).isPresent();
      LedgerRecord first = l.records(new Ledger.Query("dataset", null, null, 0, 1)).get(0);
      assertThat(l.resolve("dataset:" + first.body().get("name").asText() + "@"
          + first.body().get("version").asText()).seq()).isEqualTo(first.seq());
      assertThat(l.lineage(first.seq(), LineageDirection.DOWNSTREAM, 0).nodes()).hasSizeGreaterThan(1);
      // A second process (here: a read-only open) sees them too, from the log.
      try (Ledger ro = Ledger.open(f, LedgerOptions.readOnly())) {
        assertThat(ro.resolve("sha256:" + last.leafHash().hex()).seq()).isEqualTo(last.seq());
        assertThat(ro.lineage(first.seq(), LineageDirection.DOWNSTREAM, 0).nodes())
            .hasSameSizeAs(l.lineage(first.seq(), LineageDirection.DOWNSTREAM, 0).nodes());
      }
    }
    long[] st = indexState(f);
    assertThat(st[0]).isEqualTo(st[3]);
    assertThat(st[1]).isEqualTo(st[3]);
    assertThat(st[2]).isEqualTo(st[3]);
  }

  @Test
  void anIndexLeftBehindByACrashIsReadFromTheLogThenRebuilt() throws Exception {
    TestLedgers t = TestLedgers.keys();
    Path f = dir.resolve("b.ledger");
    List<Receipt> rs;
    try (Ledger l = t.create(f, SigningMode.PER_RECORD)) {
      rs = TestLedgers.pipeline(l, 3);
    }
    long n = rs.size();
    // What a crash after the commit and before the index catch-up leaves: the last records
    // are in the log only.
    long w = 4;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f);
        Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER hash_index_no_delete");
      s.execute("DROP TRIGGER record_index_no_delete");
      s.execute("DROP TRIGGER edges_no_delete");
      s.execute("DELETE FROM hash_index WHERE seq >= " + w);
      s.execute("DELETE FROM record_index WHERE seq >= " + w);
      s.execute("DELETE FROM edges WHERE record_seq >= " + w);
      s.execute("UPDATE index_state SET indexed_size = " + w);
    }
    VerifyOptions opts = VerifyOptions.builder().trustedKeys(List.of(t.key.verifierKey())).build();
    try (Ledger ro = Ledger.open(f, LedgerOptions.readOnly())) {
      assertThat(ro.verify(opts).ok()).isTrue();
      for (Receipt r : rs) {
        assertThat(ro.resolve("sha256:" + r.leafHash().hex()).seq()).isEqualTo(r.seq());
      }
    }
    try (Ledger l = Ledger.open(f, t.options().build())) {
      assertThat(l.append(TestLedgers.dataset("after-crash", "1", 99)).seq()).isEqualTo(n);
    }
    long[] st = indexState(f);
    assertThat(st).containsExactly(n + 1, n + 1, n + 1, n + 1);
    try (Ledger ro = Ledger.open(f, LedgerOptions.readOnly())) {
      assertThat(ro.verify(opts).ok()).isTrue();
    }
  }
}
