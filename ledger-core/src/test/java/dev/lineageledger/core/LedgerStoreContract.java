package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lineageledger.core.internal.LedgerStore;
import dev.lineageledger.core.internal.ProofBuilder;
import dev.lineageledger.core.internal.RefResolver;
import dev.lineageledger.core.internal.SqliteLedgerStore;
import dev.lineageledger.core.internal.UnindexedTail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link LedgerStore}, run against every implementation (SQLite, PostgreSQL):
 * log rows appended in commit groups read back unchanged through every lookup, before and after
 * the index catches up and through a second handle (another process); uncommitted rows stay
 * invisible; snapshots are stable; checkpoints, sync-state compare-and-set and the write lock
 * behave alike. The log is a real one: 19 records of every kind (with references and a key
 * record), built once by the real writer and replayed into each store.
 */
abstract class LedgerStoreContract {
  static final List<String[]> META = List.of(new String[] {"format", "lineage-ledger"},
      new String[] {"origin", TestLedgers.ORIGIN}, new String[] {"signing_mode", "per-record"});
  static List<LedgerStore.LogEntry> log;
  static TestLedgers keys;
  private final List<LedgerStore> opened = new ArrayList<>();

  /** A new, empty store holding {@code meta}. */
  abstract LedgerStore create(List<String[]> meta) throws Exception;

  /** Another handle on the store {@code s} (as another process would open it). */
  abstract LedgerStore reopen(LedgerStore s, boolean readOnly, int lockTimeoutMillis) throws Exception;

  LedgerStore track(LedgerStore s) {
    opened.add(s);
    return s;
  }

  @AfterEach
  void closeStores() {
    opened.forEach(LedgerStore::close);
  }

  @BeforeAll
  static void buildLog() throws Exception {
    keys = TestLedgers.keys();
    Path dir = Files.createTempDirectory("store-contract");
    Path file = dir.resolve("source.ledger");
    try (Ledger l = keys.create(file, SigningMode.PER_RECORD)) {
      TestLedgers.pipeline(l, 1); // 0..8
      l.addKey("admin@corp", Ed25519Signer.generate(TestLedgers.ORIGIN).verifierKey(), "next"); // 9
      TestLedgers.pipeline(l, 2); // 10..18
    }
    List<LedgerStore.LogEntry> out = new ArrayList<>();
    try (SqliteLedgerStore s = SqliteLedgerStore.open(file, Durability.OS_BUFFERED, 1000, true);
        LedgerStore.Reader r = s.read()) {
      r.scan(0, r.size(), row -> out.add(new LedgerStore.LogEntry(row.seq(), Hash.of(row.leafHash()),
          row.body(), row.sig(), row.nodes(), row.kind(), row.name(), row.version(), row.actor(),
          row.time(), row.signer(), UnindexedTail.edgesOf(row))));
    }
    log = out;
    assertThat(log).hasSize(19);
    assertThat(log.get(3).edges()).hasSize(3);
  }

  static void append(LedgerStore s, int from, int to) throws LedgerException {
    try (LedgerStore.Appender tx = s.beginAppend()) {
      assertThat(tx.size()).isEqualTo(from);
      tx.insert(log.subList(from, to));
      assertThat(tx.size()).as("the transaction's size is pinned before its insert").isEqualTo(from);
      tx.commit();
    }
  }

  @Test
  void aNewStoreHoldsItsMetaAndNothingElse() throws Exception {
    LedgerStore s = track(create(META));
    assertThat(s.isReadOnly()).isFalse();
    try (LedgerStore.Reader r = s.read()) {
      assertThat(r.meta()).containsEntry("origin", TestLedgers.ORIGIN).hasSize(3);
      assertThat(r.size()).isZero();
      assertThat(r.indexedSize()).isZero();
      assertThat(r.checkpointedSize()).isZero();
      assertThat(r.row(0)).isNull();
      assertThat(r.firstSigner()).isNull();
      assertThat(r.latestCheckpoint()).isNull();
      assertThat(r.byName("dataset", "labels", null)).isNull();
      assertThat(r.indexProblems(0)).isEmpty();
    }
  }

  @Test
  void appendedRowsReadBackThroughEveryLookupBeforeAndAfterIndexing() throws Exception {
    LedgerStore s = track(create(META));
    append(s, 0, 7);
    append(s, 7, 19);
    LedgerStore other = track(reopen(s, true, 1000));
    // Unindexed: served from the writer's memory, and from the log by the other handle.
    checkAll(s, 0);
    checkAll(other, 0);
    assertThat(s.catchUpIndex(5, true)).isEqualTo(5);
    checkAll(s, 5);
    checkAll(other, 5);
    // Another handle catches up the rest from the log (it holds none of it in memory).
    LedgerStore third = track(reopen(s, false, 1000));
    assertThat(third.catchUpIndex(1000, true)).isEqualTo(14);
    assertThat(s.catchUpIndex(1000, false)).isZero();
    checkAll(s, 19);
    checkAll(other, 19);
  }

  /** Every read of the 19-record log, with the index covering {@code indexed} records. */
  private void checkAll(LedgerStore s, long indexed) throws Exception {
    try (LedgerStore.Reader r = s.read()) {
      assertThat(r.size()).isEqualTo(19);
      assertThat(r.indexedSize()).isEqualTo(indexed);
      for (LedgerStore.LogEntry e : log) {
        LedgerStore.LogRow row = r.row(e.seq());
        assertThat(row.body()).isEqualTo(e.body());
        assertThat(row.leafHash()).isEqualTo(e.leaf().bytes());
        assertThat(row.sig()).isEqualTo(e.sig());
        assertThat(row.nodes()).isEqualTo(e.nodes());
        assertThat(Arrays.asList(row.kind(), row.name(), row.version(), row.actor(), row.time(),
            row.signer())).containsExactly(e.kind(), e.name(), e.version(), e.actor(), e.time(),
            e.signer());
        assertThat(r.bySeq(e.seq())).isEqualTo(new RefResolver.Target(e.seq(), e.leaf(), e.kind()));
        assertThat(r.byHash(e.leaf()).seq()).isEqualTo(e.seq());
      }
      assertThat(r.row(19)).isNull();
      assertThat(r.bySeq(19)).isNull();
      List<Long> seqs = new ArrayList<>();
      r.scan(3, 12, row -> seqs.add(row.seq()));
      assertThat(seqs).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
      seqs.clear();
      r.scan(0, 19, row -> {
        seqs.add(row.seq());
        if (row.seq() == 2) {
          throw LedgerStore.StopScan.STOP;
        }
      });
      assertThat(seqs).containsExactly(0L, 1L, 2L);
      seqs.clear();
      r.scanKeyCandidates(0, 19, row -> seqs.add(row.seq()));
      assertThat(seqs).containsExactly(9L);
      assertThat(r.firstSigner()).isEqualTo(log.get(0).signer());
      // Names: the first of a version, the latest of a name.
      assertThat(r.byName("dataset", "labels", "v1").seq()).isEqualTo(1);
      assertThat(r.byName("dataset", "labels", null).seq()).isEqualTo(11);
      assertThat(r.byName("dataset", "labels", "v3")).isNull();
      RefResolver.Existing id = r.identity("model", "fraud-detector", "2");
      assertThat(id.seq()).isEqualTo(14);
      assertThat(id.hash()).isEqualTo(log.get(14).leaf());
      // Queries over index and tail alike.
      assertThat(r.query(new LedgerStore.Query("dataset", null, null, 0, 100)))
          .extracting(LedgerStore.LogRow::seq).containsExactly(0L, 1L, 2L, 10L, 11L, 12L);
      assertThat(r.query(new LedgerStore.Query("dataset", "labels", null, 2, 100)))
          .extracting(LedgerStore.LogRow::seq).containsExactly(11L);
      assertThat(r.query(new LedgerStore.Query(null, null, null, 17, 100)))
          .extracting(LedgerStore.LogRow::seq).containsExactly(17L, 18L);
      assertThat(r.query(new LedgerStore.Query("transform", null, log.get(0).time(), 0, 3)))
          .extracting(LedgerStore.LogRow::seq).containsExactly(3L, 5L, 13L);
      // Lineage edges: featurize (3) read 0 and 1 and wrote 2.
      assertThat(r.downstream(0, 19)).containsExactly(3L);
      assertThat(r.downstream(3, 19)).containsExactly(2L);
      assertThat(r.downstream(0, 3)).isEmpty();
      assertThat(r.links(List.of(3L), true)).extracting(LedgerStore.Link::other)
          .containsExactlyInAnyOrder(0L, 1L);
      assertThat(r.links(List.of(13L, 3L), false)).extracting(LedgerStore.Link::other)
          .containsExactlyInAnyOrder(12L, 2L);
      // Tree nodes: every root recomputes from the stored nodes.
      CompactRange range = CompactRange.of(0, List.of());
      for (LedgerStore.LogEntry e : log) {
        range.append(e.leaf());
        assertThat(new ProofBuilder(r).root(e.seq() + 1)).isEqualTo(range.root());
      }
      // An honest store: no stray rows, an exact index, no identity held twice.
      assertThat(r.strays()).isEqualTo(new LedgerStore.Strays(0, 0, 0, 0));
      assertThat(r.indexProblems(0)).isEmpty();
      assertThat(r.sharedIdentities()).isEmpty();
      r.checkStructure();
      List<Long> edgeRecords = new ArrayList<>();
      r.scanEdges(0, indexed, e -> edgeRecords.add(e.recordSeq()));
      assertThat(edgeRecords).isSorted().allMatch(x -> x < indexed);
    }
  }

  @Test
  void uncommittedRowsAreInvisibleAndSnapshotsStable() throws Exception {
    LedgerStore s = track(create(META));
    append(s, 0, 5);
    LedgerStore other = track(reopen(s, true, 1000));
    try (LedgerStore.Reader before = other.read()) {
      assertThat(before.size()).isEqualTo(5);
      try (LedgerStore.Appender tx = s.beginAppend()) {
        tx.insert(log.subList(5, 10));
        assertThat(tx.row(9)).as("a transaction reads its own rows").isNotNull();
        try (LedgerStore.Reader during = other.read()) {
          assertThat(during.size()).isEqualTo(5);
          assertThat(during.row(5)).isNull();
        }
        tx.rollback();
      }
      try (LedgerStore.Reader r = s.read()) {
        assertThat(r.size()).as("rolled back").isEqualTo(5);
        assertThat(r.byHash(log.get(7).leaf())).isNull();
      }
      append(s, 5, 10);
      // The old snapshot still sees the ledger as it was; a reader never blocked the append.
      assertThat(before.row(7)).isNull();
      assertThat(before.byHash(log.get(7).leaf())).isNull();
    }
    try (LedgerStore.Reader after = other.read()) {
      assertThat(after.size()).isEqualTo(10);
      assertThat(after.byHash(log.get(7).leaf()).seq()).isEqualTo(7);
    }
  }

  @Test
  void checkpointsAreStoredOnceAndCosigned() throws Exception {
    LedgerStore s = track(create(META));
    append(s, 0, 9);
    CompactRange range = CompactRange.of(0, List.of());
    log.subList(0, 9).forEach(e -> range.append(e.leaf()));
    Checkpoint cp = new Checkpoint(TestLedgers.ORIGIN, 9, range.root(), List.of());
    SignedNote note = cp.sign(List.of(keys.key));
    Ed25519Signer witness = Ed25519Signer.generate("witness.example/w");
    try (LedgerStore.Appender tx = s.beginAppend()) {
      StoredCheckpoint stored = tx.insertCheckpoint(cp, note);
      assertThat(stored.checkpoint().root()).isEqualTo(range.root());
      assertThat(tx.insertCheckpoint(cp, note).note().signatures()).hasSize(1);
      tx.commit();
    }
    try (LedgerStore.Appender tx = s.beginAppend()) {
      tx.insertCheckpoint(cp, note.withSignature(witness));
      tx.commit();
    }
    LedgerStore other = track(reopen(s, true, 1000));
    try (LedgerStore.Reader r = other.read()) {
      assertThat(r.checkpointedSize()).isEqualTo(9);
      StoredCheckpoint latest = r.latestCheckpoint();
      assertThat(latest.note().signatures()).hasSize(2);
      assertThat(latest.note().text()).isEqualTo(note.withSignature(witness).text());
      assertThat(r.checkpoint(9).checkpoint()).isEqualTo(latest.checkpoint());
      assertThat(r.checkpoint(8)).isNull();
      assertThat(r.checkpoints()).hasSize(1);
      LedgerStore.CheckpointRow row = r.firstCheckpoint();
      assertThat(row.size()).isEqualTo(9);
      assertThat(row.root()).isEqualTo(range.root().bytes());
      assertThat(row.noteText()).isEqualTo(latest.note().text());
      assertThat(r.checkpointRows()).hasSize(1);
    }
  }

  @Test
  void syncStateIsCompareAndSetAcrossHandles() throws Exception {
    LedgerStore s = track(create(META));
    LedgerStore other = track(reopen(s, false, 5000));
    assertThat(s.compareAndSetSyncState("c", null, "0")).isTrue();
    assertThat(other.compareAndSetSyncState("c", null, "x")).isFalse();
    assertThat(other.compareAndSetSyncState("c", "1", "x")).isFalse();
    // Two handles race to increment one counter: every success is one increment, none lost.
    AtomicInteger successes = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (LedgerStore h : List.of(s, other)) {
        fs.add(pool.submit(() -> {
          for (int i = 0; i < 40; i++) {
            String cur;
            try (LedgerStore.Reader r = h.read()) {
              cur = r.syncState("c").orElseThrow();
            }
            if (h.compareAndSetSyncState("c", cur, String.valueOf(Integer.parseInt(cur) + 1))) {
              successes.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    try (LedgerStore.Reader r = s.read()) {
      assertThat(r.syncState("c")).contains(String.valueOf(successes.get()));
      assertThat(r.syncState("absent")).isEmpty();
    }
    assertThat(successes.get()).isGreaterThanOrEqualTo(40);
  }

  @Test
  void theWriteLockSerialisesAppendsAndTimesOutAsLocked() throws Exception {
    LedgerStore s = track(create(META));
    append(s, 0, 3);
    LedgerStore impatient = track(reopen(s, false, 200));
    LedgerStore patient = track(reopen(s, false, 30_000));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (LedgerStore.Appender held = s.beginAppend()) {
      held.insert(log.subList(3, 6));
      long t0 = System.nanoTime();
      assertThatThrownBy(impatient::beginAppend).isInstanceOfSatisfying(
          LedgerStorageException.class, e -> {
            assertThat(e.reason()).isEqualTo(LedgerStorageException.Reason.LOCKED);
            assertThat(e.getMessage()).contains("locked by another writer").doesNotContain("\n");
          });
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(10_000);
      // A writer that waits gets the lock once it is released, and then sees the new tail.
      CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
        try (LedgerStore.Appender tx = patient.beginAppend()) {
          long size = tx.size();
          tx.insert(log.subList((int) size, (int) size + 2));
          tx.commit();
          return size;
        } catch (LedgerException e) {
          throw new IllegalStateException(e);
        }
      }, pool);
      Thread.sleep(300);
      assertThat(waiter).isNotDone();
      held.commit();
      assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo(6);
    } finally {
      pool.shutdownNow();
    }
    try (LedgerStore.Reader r = s.read()) {
      assertThat(r.size()).isEqualTo(8);
      for (int i = 0; i < 8; i++) {
        assertThat(r.row(i).leafHash()).isEqualTo(log.get(i).leaf().bytes());
      }
    }
  }

  @Test
  void aReadOnlyHandleRefusesWrites() throws Exception {
    LedgerStore s = track(create(META));
    append(s, 0, 2);
    LedgerStore ro = track(reopen(s, true, 1000));
    assertThat(ro.isReadOnly()).isTrue();
    assertThat(ro.location()).isEqualTo(s.location());
    assertThatThrownBy(ro::beginAppend).hasMessageContaining("read-only");
    assertThatThrownBy(() -> ro.compareAndSetSyncState("a", null, "b"))
        .hasMessageContaining("read-only");
    try (LedgerStore.Reader r = ro.read()) {
      assertThat(r.size()).isEqualTo(2);
      assertThat(r.meta()).containsAllEntriesOf(Map.of("origin", TestLedgers.ORIGIN));
    }
  }
}
