package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes and many threads append to one file while readers verify, list, walk
 * lineage and prove: sequence numbers stay contiguous, nothing acknowledged is lost, every
 * checkpoint is consistent with every other, and readers never fail spuriously.
 */
class ConcurrencyTest {
  @TempDir Path dir;

  @org.junit.jupiter.api.AfterEach
  void killLeftoverChildren() {
    ProcessTest.killLeftovers();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void processesThreadsAndReadersTogether() throws Exception {
    Path file = dir.resolve("busy.ledger");
    TestLedgers t = TestLedgers.keys();
    t.create(file, SigningMode.CHECKPOINT_ONLY).close();
    KeyFiles.writePrivateKey(Path.of(file + ".key"), t.key, null);
    List<VerifierKey> keys = new CopyOnWriteArrayList<>(List.of(t.key.verifierKey()));
    ProcessTest.Child a = new ProcessTest.Child(file, SigningMode.CHECKPOINT_ONLY, Durability.FSYNC, 300, "proc-a");
    ProcessTest.Child b = new ProcessTest.Child(file, SigningMode.CHECKPOINT_ONLY, Durability.OS_BUFFERED, 300, "proc-b");
    // A child that dies before printing its key fails the test instead of spinning forever.
    keys.add(a.awaitKey(60_000));
    keys.add(b.awaitKey(60_000));

    Map<Long, String> acks = new ConcurrentHashMap<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger readerRounds = new AtomicInteger();
    try (Ledger l = Ledger.open(file, t.options().checkpointEveryRecords(64)
        .checkpointIntervalMillis(20).busyTimeoutMillis(30_000).build())) {
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int id = w;
        writers.add(new Thread(() -> {
          try {
            for (int i = 0; i < 100; i++) {
              Receipt r = l.append(TestLedgers.dataset("thread" + id, "v" + i, i));
              acks.put(r.seq(), r.leafHash().hex());
            }
          } catch (Throwable e) {
            errors.add(e);
          }
        }));
      }
      Thread reader = new Thread(() -> {
        Random rnd = new Random(3);
        long lastSize = 0;
        while (writing.get()) {
          try (Ledger ro = Ledger.open(file, LedgerOptions.builder().readOnly(true)
              .busyTimeoutMillis(30_000).build())) {
            VerificationReport rep = ro.verify(VerifyOptions.builder().trustedKeys(keys)
                .allowUncoveredTail(true).build());
            long n = rep.size();
            // An append-only ledger never shrinks between two readers' snapshots.
            assertThat(n).as("verified size").isGreaterThanOrEqualTo(lastSize);
            lastSize = n;
            List<LedgerRecord> listed = ro.records(new Ledger.Query("dataset", null, null, 0, 50));
            assertThat(listed).hasSizeLessThanOrEqualTo(50)
                .allSatisfy(r -> assertThat(r.kind()).isEqualTo("dataset"));
            assertThat(listed).extracting(LedgerRecord::seq).isSorted().doesNotHaveDuplicates();
            if (n >= 50) {
              assertThat(listed).hasSize(50); // every record here is a dataset
            }
            StoredCheckpoint cp = ro.latestCheckpoint().orElse(null);
            if (cp != null && cp.size() > 0) {
              long seq = rnd.nextLong(cp.size());
              ro.proveInclusion(seq, cp.size()).verify(ro.record(seq).orElseThrow().leafHash(), cp.root());
              ro.lineage(seq, LineageDirection.DOWNSTREAM, 3);
            }
            readerRounds.incrementAndGet();
          } catch (Throwable e) {
            errors.add(e);
            return;
          }
        }
      });
      reader.start();
      writers.forEach(Thread::start);
      for (Thread w : writers) {
        w.join();
      }
      assertThat(a.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(b.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      a.reader.join(10_000);
      b.reader.join(10_000);
      writing.set(false);
      reader.join();
      l.checkpoint();
    }
    assertThat(errors).as("errors in writers or readers").isEmpty();
    assertThat(readerRounds.get()).isPositive();
    Map<Long, String> all = new HashMap<>(acks);
    assertThat(a.acks.keySet()).doesNotContainAnyElementsOf(b.acks.keySet());
    all.putAll(a.acks);
    all.putAll(b.acks);
    assertThat(all).hasSize(1000);
    try (Ledger l = Ledger.open(file, LedgerOptions.readOnly())) {
      assertThat(l.size()).isEqualTo(1000);
      VerificationReport rep = l.verify(VerifyOptions.builder().trustedKeys(keys).build());
      assertThat(rep.checkpointsChecked()).isGreaterThan(3);
      for (Map.Entry<Long, String> e : all.entrySet()) {
        assertThat(l.record(e.getKey()).orElseThrow().leafHash().hex()).isEqualTo(e.getValue());
      }
      // Every checkpoint is consistent with every later one.
      List<StoredCheckpoint> cps = l.checkpoints();
      for (int i = 0; i + 1 < cps.size(); i++) {
        StoredCheckpoint x = cps.get(i);
        StoredCheckpoint y = cps.get(cps.size() - 1);
        l.proveConsistency(x.size(), y.size()).verify(x.root(), y.root());
      }
      System.out.printf("concurrency: 1000 records from 2 processes and 4 threads, %d checkpoints,"
          + " %d reader rounds without a spurious failure%n", cps.size(), readerRounds.get());
    }
  }
}
