package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ledger API on both stores: the same calls give the same records, lineage, checkpoints,
 * proofs and verification on a file and on PostgreSQL, and SQL tampering by whoever controls
 * the database is caught at the same sequence number with the same reason.
 */
class LedgerOnBothStoresTest {
  @TempDir Path dir;
  final TestLedgers t = TestLedgers.keys();

  @ParameterizedTest
  @EnumSource(Backend.class)
  void recordsLineageCheckpointsProofsAndVerification(Backend backend) throws Exception {
    String location = backend.newLocation(dir);
    Hash root18;
    try (Ledger l = t.create(location, SigningMode.PER_RECORD)) {
      assertThat(l.location()).isEqualTo(location);
      List<Receipt> first = TestLedgers.pipeline(l, 1); // seq 0..8
      StoredCheckpoint cp9 = l.checkpoint();
      List<Receipt> second = TestLedgers.pipeline(l, 2); // seq 9..17
      StoredCheckpoint cp18 = l.checkpoint();
      assertThat(first.get(0).seq()).isZero();
      assertThat(second.get(second.size() - 1).seq()).isEqualTo(17);
      assertThat(cp9.checkpoint().size()).isEqualTo(9);
      assertThat(cp18.checkpoint().size()).isEqualTo(18);
      root18 = cp18.checkpoint().root();
      assertThat(l.root(18)).isEqualTo(root18);

      // Lookups by seq, hash, kind:name@version and kind:name (latest).
      assertThat(l.resolve("dataset:labels@v1").seq()).isEqualTo(1);
      assertThat(l.resolve("dataset:labels").seq()).isEqualTo(10);
      assertThat(l.resolve("sha256:" + second.get(2).leafHash().hex()).seq()).isEqualTo(11);
      assertThat(l.record(first.get(4).leafHash()).orElseThrow().seq()).isEqualTo(4);
      assertThat(l.records(new Ledger.Query("dataset", null, null, 0, 100)))
          .extracting(LedgerRecord::seq).containsExactly(0L, 1L, 2L, 9L, 10L, 11L);
      // Lineage: the model of round 2 came from round 2's datasets through two transforms.
      LineageGraph up = l.lineage(13, LineageDirection.UPSTREAM, 0);
      assertThat(up.nodes().keySet()).contains(14L, 11L, 9L, 10L);
      LineageGraph down = l.lineage(9, LineageDirection.DOWNSTREAM, 0);
      assertThat(down.nodes().keySet()).contains(12L, 11L, 13L);

      // RFC 9162 proofs against the stored checkpoints.
      l.proveInclusion(4, 18).verify(first.get(4).leafHash(), root18);
      l.proveConsistency(9, 18).verify(cp9.checkpoint().root(), root18);
      assertThat(l.subtreeHash(0, 4)).isEqualTo(first.get(4).leafHash());
      assertThat(l.subtreeHash(4, 0)).isEqualTo(l.root(16)); // a stored node reads back
      VerificationReport rep = l.verify(t.verifyOptions());
      assertThat(rep.size()).isEqualTo(18);
      assertThat(rep.coveredSize()).isEqualTo(18);

      assertThat(l.compareAndSetSyncState("purview:x", null, "1")).isTrue();
      assertThat(l.compareAndSetSyncState("purview:x", null, "2")).isFalse();
      assertThat(l.compareAndSetSyncState("purview:x", "1", "3")).isTrue();
    }
    try (Ledger ro = Ledger.open(location, TestLedgers.readOnly())) {
      assertThat(ro.size()).isEqualTo(18);
      assertThat(ro.root(18)).isEqualTo(root18);
      assertThat(ro.syncState("purview:x")).contains("3");
      assertThat(ro.latestCheckpoint().orElseThrow().checkpoint().root()).isEqualTo(root18);
      assertThat(ro.verify(t.verifyOptions()).coveredSize()).isEqualTo(18);
      assertThatThrownBy(() -> ro.append(TestLedgers.dataset("x", "1", 1)))
          .isInstanceOf(LedgerException.class).hasMessageContaining("read-only");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void honestClientsCannotChangeTheLog(Backend backend) throws Exception {
    String location = backend.newLocation(dir);
    try (Ledger l = t.create(location, SigningMode.CHECKPOINT_ONLY)) {
      TestLedgers.pipeline(l, 1);
    }
    try (Connection c = Backend.connect(location); Statement s = c.createStatement()) {
      for (String sql : List.of("UPDATE records SET name = 'x' WHERE seq = 0",
          "DELETE FROM records WHERE seq = 8", "UPDATE checkpoints SET created = 'x'",
          "DELETE FROM checkpoint_signatures", "UPDATE hash_index SET seq = 0",
          "DELETE FROM edges")) {
        assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
            .hasMessageContaining("append-only");
      }
      if (backend == Backend.POSTGRESQL) {
        for (String sql : List.of("TRUNCATE records CASCADE", "TRUNCATE checkpoints CASCADE",
            "DELETE FROM write_lock")) {
          assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
              .hasMessageContaining("append-only");
        }
      }
    }
    try (Ledger ro = Ledger.open(location, TestLedgers.readOnly())) {
      assertThat(ro.verify(t.verifyOptions()).size()).isEqualTo(9);
    }
  }

  /** An attack: SQL as the database's superuser, and where verification must report it. */
  record Attack(String name, SigningMode mode, List<String> sql, long seq, String reason) {}

  static List<Attack> attacks() {
    List<Attack> a = new ArrayList<>();
    for (SigningMode m : SigningMode.values()) {
      a.add(new Attack("body of record 3 replaced by record 4's", m,
          List.of("UPDATE records SET body = (SELECT body FROM records WHERE seq = 4) WHERE seq = 3"),
          3, "leaf-hash-mismatch"));
      a.add(new Attack("dataset renamed in its column", m,
          List.of("UPDATE records SET name = 'labels' WHERE seq = 0"), 0, "derived-column-mismatch"));
      a.add(new Attack("record 5 deleted", m, List.of("DELETE FROM records WHERE seq = 5"), 5,
          "missing-record"));
      a.add(new Attack("truncated to 9 records", m, List.of("DELETE FROM records WHERE seq >= 9",
          "DELETE FROM edges WHERE record_seq >= 9"), 9, "truncated"));
      a.add(new Attack("edge redirected", m,
          List.of("UPDATE edges SET src = 1 WHERE record_seq = 3 AND src = 0"), 3, "edge-mismatch"));
      a.add(new Attack("hash index row redirected", m,
          List.of("UPDATE hash_index SET seq = 3 WHERE seq = 4"), 3, "index-mismatch"));
      a.add(new Attack("index coverage mark lowered", m,
          List.of("UPDATE index_state SET indexed_size = 12"), 12, "index-mismatch"));
      a.add(new Attack("latest checkpoint's signature deleted", m,
          List.of("DELETE FROM checkpoint_signatures WHERE size = 18"), 17, "checkpoint-malformed"));
    }
    a.add(new Attack("record signature removed", SigningMode.PER_RECORD,
        List.of("UPDATE records SET sig = NULL WHERE seq = 7"), 7, "missing-signature"));
    return a;
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void tamperingBySqlIsLocalisedAsOnSqlite(Backend backend) throws Exception {
    List<String> missed = new ArrayList<>();
    int tried = 0;
    for (SigningMode mode : SigningMode.values()) {
      String pristine = pristine(backend, mode);
      for (Attack k : attacks()) {
        if (k.mode() != mode) {
          continue;
        }
        tried++;
        String location = backend.copyOf(pristine, dir);
        try (Connection c = Backend.tamper(location); Statement s = c.createStatement()) {
          for (String q : k.sql()) {
            s.execute(q);
          }
        }
        check(location, k.seq(), k.reason(), k.name(), missed);
      }
      // A body edited in place: one byte of record 6's canonical bytes.
      tried++;
      String location = backend.copyOf(pristine, dir);
      try (Connection c = Backend.tamper(location)) {
        byte[] body;
        try (Statement s = c.createStatement();
            ResultSet r = s.executeQuery("SELECT body FROM records WHERE seq = 6")) {
          r.next();
          body = r.getBytes(1);
        }
        body[body.length / 2] ^= 0x01;
        try (PreparedStatement ps = c.prepareStatement("UPDATE records SET body = ? WHERE seq = 6")) {
          ps.setBytes(1, body);
          ps.executeUpdate();
        }
      }
      check(location, 6, null, "a byte of record 6's body flipped", missed);
    }
    System.out.printf("tamper via SQL on %s: detected %d of %d%n", backend, tried - missed.size(),
        tried);
    assertThat(missed).isEmpty();
  }

  private String pristine(Backend backend, SigningMode mode) throws LedgerException {
    String location = backend.newLocation(dir);
    try (Ledger l = t.create(location, mode)) {
      TestLedgers.pipeline(l, 1); // seq 0..8
      l.checkpoint(); // size 9
      TestLedgers.pipeline(l, 2); // seq 9..17
      l.checkpoint(); // size 18
    }
    return location;
  }

  private void check(String location, long seq, String reason, String name, List<String> missed)
      throws LedgerException {
    VerificationReport rep;
    try (Ledger l = Ledger.open(location, TestLedgers.readOnly())) {
      rep = l.verify(t.verifyOptions());
    } catch (LedgerVerificationException e) {
      rep = e.report();
    }
    VerificationFailure first = rep.firstFailure().orElse(null);
    boolean ok = first != null && first.seq() == seq && (reason == null || rep.failures().stream()
        .anyMatch(f -> f.seq() == seq && f.reason().code().equals(reason)));
    if (!ok) {
      missed.add(name + ": expected " + seq + " " + reason + ", got "
          + (first == null ? "nothing" : first.seq() + " " + first.reason()));
    }
  }

  /**
   * §3.5 on both stores, with the identity in the index (after a reopen completed the
   * catch-up) and in the unindexed tail, looked up one by one and in a batch: the same content
   * again answers with the first receipt and appends nothing; other content is refused.
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRecordedVersionIsImmutableWhereverTheIndexStands(Backend backend) throws Exception {
    String location = backend.newLocation(dir);
    Receipt indexed;
    try (Ledger l = t.create(location, SigningMode.CHECKPOINT_ONLY)) {
      indexed = l.append(TestLedgers.dataset("raw", "1", 1));
    }
    try (Ledger l = Ledger.open(location, t.options().build())) {
      Receipt tail = l.append(TestLedgers.dataset("raw", "2", 2));
      assertThat(l.append(TestLedgers.dataset("raw", "1", 1))).isEqualTo(indexed);
      assertThat(l.appendAll(List.of(TestLedgers.dataset("raw", "2", 2),
          TestLedgers.dataset("raw", "1", 1), TestLedgers.dataset("raw", "3", 3))))
          .extracting(Receipt::seq).containsExactly(tail.seq(), indexed.seq(), 2L);
      assertThatThrownBy(() -> l.append(TestLedgers.dataset("raw", "1", 9)))
          .isInstanceOf(InvalidRecordException.class).hasMessageContaining("already record 0");
      assertThatThrownBy(() -> l.appendAll(List.of(TestLedgers.dataset("raw", "4", 4),
          TestLedgers.dataset("raw", "2", 9))))
          .isInstanceOf(InvalidRecordException.class).hasMessageContaining("already record 1");
      assertThat(l.size()).isEqualTo(3);
    }
  }
}
