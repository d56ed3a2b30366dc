package dev.lineageledger.benchmarks;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.core.StoredCheckpoint;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Figure 7: time from {@code append} (durable, FSYNC) to a signed checkpoint that covers the
 * record, with the default checkpoint policy (every 1000 records, or 1 s after the first
 * uncovered record). {@code idle}: nothing else is appended, so the 1 s timer is what signs.
 * {@code busy}: a background caller appends batches of 100 as fast as the ledger takes them,
 * so the 1000-record threshold signs first. The checkpoint is observed by polling
 * {@code latestCheckpoint()} every 0.25 ms. Milliseconds, one append per sample.
 */
@State(Scope.Benchmark)
@Fork(1)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Threads(1)
public class CheckpointLatency {
  @Param({"idle", "busy"})
  public String load;

  private ScratchLedger store;
  private List<RecordDraft> drafts;
  private Thread background;
  private volatile boolean stop;
  private int next;

  @Setup
  public void setup() {
    store = ScratchLedger.create("latency", SigningMode.CHECKPOINT_ONLY,
        ScratchLedger.options().durability(Durability.FSYNC).build());
    drafts = SampleRecords.datasets(1024);
    if (load.equals("busy")) {
      background = new Thread(() -> {
        while (!stop) {
          try {
            store.ledger.appendAll(SampleRecords.next(100));
          } catch (LedgerException e) {
            if (!stop) {
              throw SampleRecords.fail(e);
            }
          }
        }
      }, "background-appender");
      background.setDaemon(true);
      background.start();
    }
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    stop = true;
    if (background != null) {
      background.join();
    }
    store.close();
  }

  @Benchmark
  public StoredCheckpoint appendToSignedCheckpoint() throws LedgerException {
    Receipt r = store.ledger.append(SampleRecords.next());
    while (true) {
      Optional<StoredCheckpoint> cp = store.ledger.latestCheckpoint();
      if (cp.isPresent() && cp.get().size() > r.seq()) {
        return cp.get();
      }
      LockSupport.parkNanos(250_000);
    }
  }
}
