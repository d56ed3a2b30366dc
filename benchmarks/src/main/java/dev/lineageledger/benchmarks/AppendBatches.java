package dev.lineageledger.benchmarks;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.SigningMode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Figure 2: a checkpoint-only ledger (default checkpoint policy) fed by {@value #CALLERS}
 * concurrent callers, each appending batches of {@value #BATCH} records with {@code appendAll}
 * and waiting for their receipts. The writer merges them into commit groups of up to 1024
 * records. Records/s; ceiling: {@link CeilingSqlite#batchedInsert} in the same durability mode.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(AppendBatches.CALLERS)
public class AppendBatches {
  static final int CALLERS = 4;
  static final int BATCH = 256;

  @State(Scope.Benchmark)
  public static class Store {
    @Param({"FSYNC", "OS_BUFFERED"})
    public Durability durability;

    ScratchLedger store;
    List<List<RecordDraft>> batches;

    @Setup
    public void setup() {
      store = ScratchLedger.create("batches", SigningMode.CHECKPOINT_ONLY,
          ScratchLedger.options().durability(durability).build());
      List<RecordDraft> drafts = SampleRecords.datasets(16 * BATCH);
      batches = new ArrayList<>();
      for (int i = 0; i < drafts.size(); i += BATCH) {
        batches.add(drafts.subList(i, i + BATCH));
      }
    }

    @TearDown
    public void tearDown() {
      store.close();
    }
  }

  @State(Scope.Thread)
  public static class Caller {
    int next;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Receipt> appendAll(Store s, Caller c) throws LedgerException {
    return s.store.ledger.appendAll(SampleRecords.next(BATCH));
  }
}
