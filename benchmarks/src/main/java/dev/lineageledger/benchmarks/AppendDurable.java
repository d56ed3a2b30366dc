package dev.lineageledger.benchmarks;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.SigningMode;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Figure 3: durable appends (FSYNC: each commit group is fsync'd before its receipts return)
 * from {@value #CALLERS} concurrent callers, each appending one record at a time and waiting
 * for its receipt. Group commit must amortise the fsync across the callers. Records/s;
 * ceiling: {@link CeilingSqlite#oneRowPerTransaction} under FSYNC.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(AppendDurable.CALLERS)
public class AppendDurable {
  static final int CALLERS = 16;

  @State(Scope.Benchmark)
  public static class Store {
    ScratchLedger store;
    List<RecordDraft> drafts;

    @Setup
    public void setup() {
      store = ScratchLedger.create("durable", SigningMode.CHECKPOINT_ONLY,
          ScratchLedger.options().durability(Durability.FSYNC).build());
      drafts = SampleRecords.datasets(1024);
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
  public Receipt append(Store s, Caller c) throws LedgerException {
    return s.store.ledger.append(SampleRecords.next());
  }
}
