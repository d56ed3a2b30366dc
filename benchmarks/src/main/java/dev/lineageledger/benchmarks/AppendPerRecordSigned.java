package dev.lineageledger.benchmarks;

import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.SigningMode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Figure 1: appends to a per-record-signed ledger with the default (FSYNC) durability, signing
 * on one thread or on every core ({@code LedgerOptions.signingThreads}). The caller keeps
 * {@value #WINDOW} single-record {@code appendAsync} calls in flight, as many concurrent
 * callers would, so the writer forms full commit groups and signing is the bottleneck.
 * Records/s; ceiling: {@link CeilingEd25519} sign on the same number of threads.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class AppendPerRecordSigned {
  static final int WINDOW = 4096;

  /** "all" = every available processor, the default. */
  @Param({"1", "all"})
  public String signingThreads;

  private ScratchLedger store;
  private List<RecordDraft> drafts;
  private final CompletableFuture<?>[] inFlight = new CompletableFuture<?>[WINDOW];
  private int next;

  @Setup
  public void setup() {
    int threads = signingThreads.equals("all")
        ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(signingThreads);
    store = ScratchLedger.create("per-record", SigningMode.PER_RECORD,
        ScratchLedger.options().signingThreads(threads).build());
    drafts = SampleRecords.datasets(WINDOW);
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @Benchmark
  @OperationsPerInvocation(WINDOW)
  public void append() {
    for (int i = 0; i < WINDOW; i++) {
      inFlight[i] = store.ledger.appendAsync(SampleRecords.next());
    }
    CompletableFuture.allOf(inFlight).join();
  }
}
