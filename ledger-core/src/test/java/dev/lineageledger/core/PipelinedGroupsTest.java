package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The writer builds (and signs) commit group N+1 while group N commits. A group built ahead
 * resolves references to records of the group still committing, answers a repeated fact with
 * the first receipt across groups, and is built again when another writer of the same file
 * appended in between: sequence numbers stay contiguous and every receipt names the stored
 * record.
 */
class PipelinedGroupsTest {
  @TempDir Path dir;

  private static RecordDraft transform(String name, int i, String input, String output)
      throws InvalidRecordException {
    return RecordDraft.builder(RecordKind.TRANSFORM, "featurize@airflow")
        .put("name", name).put("type", "feature-engineering").put("inputs", List.of(input))
        .put("outputs", List.of(output)).put("codeVersion", "git:4f2a9c1")
        .put("runId", name + "-" + i).build();
  }

  /** Groups submitted without waiting: later ones reference records of earlier ones by name. */
  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void referencesIntoTheGroupStillCommittingResolve(SigningMode mode) throws Exception {
    TestLedgers t = TestLedgers.keys();
    Path file = dir.resolve("p-" + mode + ".ledger");
    LedgerOptions.Builder o = t.options();
    if (mode == SigningMode.PER_RECORD) {
      o.recordSigner(t.key);
    }
    Ledger.create(file, TestLedgers.ORIGIN, mode, o.build()).close();
    List<CompletableFuture<List<Receipt>>> futures = new ArrayList<>();
    try (Ledger l = Ledger.open(file, o.maxBatchRecords(8).build())) {
      l.append(TestLedgers.dataset("out", "v0", 0));
      for (int i = 0; i < 300; i++) {
        // Each of these goes in as its own unit, so consecutive ones land in different groups.
        futures.add(l.appendAllAsync(List.of(TestLedgers.dataset("raw", "v" + i, i))));
        futures.add(l.appendAllAsync(List.of(TestLedgers.dataset("raw", "v" + i, i)))); // again
        futures.add(l.appendAllAsync(List.of(transform("clean", i, "dataset:raw@v" + i,
            "dataset:out@v0"))));
      }
      for (int i = 0; i < 300; i++) {
        Receipt ds = futures.get(3 * i).get(60, TimeUnit.SECONDS).get(0);
        Receipt again = futures.get(3 * i + 1).get(60, TimeUnit.SECONDS).get(0);
        Receipt tr = futures.get(3 * i + 2).get(60, TimeUnit.SECONDS).get(0);
        assertThat(again).as("the same fact again, maybe in the next group").isEqualTo(ds);
        LedgerRecord stored = l.record(tr.seq()).orElseThrow();
        assertThat(stored.leafHash()).isEqualTo(tr.leafHash());
        JsonNode in = stored.body().get("inputs").get(0);
        assertThat(in.get("seq").asLong()).isEqualTo(ds.seq());
        assertThat(in.get("hash").asText()).isEqualTo(ds.leafHash().hex());
      }
      assertThat(l.size()).isEqualTo(601);
    }
    try (Ledger l = Ledger.open(file, LedgerOptions.readOnly())) {
      VerificationReport rep = l.verify(t.verifyOptions());
      assertThat(rep.ok()).as(rep.toString()).isTrue();
      assertThat(rep.size()).isEqualTo(601);
    }
  }

  /**
   * Two writers on one file (two stores, as two processes would have) append at once: a group
   * one of them built ahead is often overtaken by the other's commit and must be built again on
   * the new tail. Retries until that has happened, so the rebuild is really exercised.
   */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aGroupOvertakenByAnotherWriterIsBuiltAgain() throws Exception {
    TestLedgers t = TestLedgers.keys();
    Path file = dir.resolve("two-writers.ledger");
    t.create(file, SigningMode.CHECKPOINT_ONLY).close();
    Map<Long, Hash> acks = new ConcurrentHashMap<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    long rebuilt = 0;
    int rounds = 0;
    int total = 0;
    while (rebuilt == 0 && rounds < 20) {
      rounds++;
      try (Ledger a = Ledger.open(file, t.options().busyTimeoutMillis(60_000).build());
          Ledger b = Ledger.open(file, t.options().busyTimeoutMillis(60_000).build())) {
        String out = "dataset:out" + rounds + "@v0";
        Receipt o = a.append(TestLedgers.dataset("out" + rounds, "v0", 0));
        acks.put(o.seq(), o.leafHash());
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          Ledger l = w % 2 == 0 ? a : b;
          String name = "r" + rounds + "w" + w;
          threads.add(new Thread(() -> {
            try {
              List<CompletableFuture<List<Receipt>>> pending = new ArrayList<>();
              for (int i = 0; i < 100; i++) {
                pending.add(l.appendAllAsync(List.of(TestLedgers.dataset(name, "v" + i, i),
                    transform(name + "-t", i, "dataset:" + name + "@v" + i, out))));
              }
              for (CompletableFuture<List<Receipt>> f : pending) {
                for (Receipt r : f.get(120, TimeUnit.SECONDS)) {
                  assertThat(acks.put(r.seq(), r.leafHash())).as("seq given twice").isNull();
                }
              }
            } catch (Throwable e) {
              errors.add(e);
            }
          }));
        }
        threads.forEach(Thread::start);
        for (Thread th : threads) {
          th.join();
        }
        rebuilt += a.rebuiltGroups() + b.rebuiltGroups();
      }
      total += 4 * 200 + 1;
      assertThat(errors).isEmpty();
    }
    assertThat(rebuilt).as("groups built again after %d rounds", rounds).isPositive();
    System.out.printf("pipelined groups: %d built again (another writer appended first) in %d"
        + " round(s) of %d records%n", rebuilt, rounds, 4 * 200 + 1);
    try (Ledger l = Ledger.open(file, LedgerOptions.readOnly())) {
      assertThat(l.size()).isEqualTo(total);
      assertThat(acks).hasSize(total);
      for (Map.Entry<Long, Hash> e : acks.entrySet()) {
        assertThat(l.record(e.getKey()).orElseThrow().leafHash()).isEqualTo(e.getValue());
      }
      VerificationReport rep = l.verify(t.verifyOptions());
      assertThat(rep.ok()).as(rep.toString()).isTrue();
    }
  }
}
