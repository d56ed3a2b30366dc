package dev.lineageledger.benchmarks;

import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.purview.PurviewAuth;
import dev.lineageledger.purview.PurviewEndpoint;
import dev.lineageledger.purview.PurviewSync;
import dev.lineageledger.purview.PurviewSyncOptions;
import dev.lineageledger.purview.SyncResult;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 4's figure: sync throughput to the local Purview emulator with a fixed injected latency
 * per request (20 ms, like a nearby Purview account), in entities/s; aim: at least 500. The
 * ledger holds {@value #TRIPLES} feature-engineering triples (input dataset, output dataset, a
 * transform referencing both), so every batch carries references to entities of the same or of
 * earlier batches. Each invocation pushes the whole ledger again ({@code full}), which updates
 * rather than duplicates. The ceiling is the request rate itself: at 20 ms per round trip, one
 * batch of 100 entities per request bounds a sequential sync at 5,000 entities/s.
 */
@State(Scope.Benchmark)
@Fork(1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class PurviewSyncThroughput {
  static final int TRIPLES = 200;
  static final int ENTITIES = TRIPLES * 3;

  @Param({"20"})
  public int latencyMillis;

  @Param({"100"})
  public int batchSize;

  private ScratchLedger scratch;
  private PurviewEmulator purview;
  private PurviewSyncOptions options;

  @Setup
  public void setUp() throws Exception {
    scratch = ScratchLedger.create("purview", SigningMode.CHECKPOINT_ONLY,
        ScratchLedger.options().checkpointIntervalMillis(0).build());
    List<RecordDraft> drafts = new ArrayList<>();
    for (int i = 0; i < TRIPLES; i++) {
      drafts.add(SampleRecords.dataset(2 * i));
      drafts.add(SampleRecords.dataset(2 * i + 1));
    }
    List<Long> seqs = new ArrayList<>();
    scratch.ledger.appendAll(drafts).forEach(r -> seqs.add(r.seq()));
    List<RecordDraft> transforms = new ArrayList<>();
    for (int i = 0; i < TRIPLES; i++) {
      transforms.add(RecordDraft.builder(RecordKind.TRANSFORM, "bench@features")
          .put("name", "featurize-" + i).put("type", "feature-engineering")
          .put("inputs", List.of(seqs.get(2 * i))).put("outputs", List.of(seqs.get(2 * i + 1)))
          .put("codeVersion", "git:4f2a9c1").put("runId", "fe-" + i).build());
    }
    scratch.ledger.appendAll(transforms);
    scratch.ledger.checkpoint();
    purview = PurviewEmulator.builder().latency(Duration.ofMillis(latencyMillis)).start();
    options = PurviewSyncOptions.builder(PurviewEndpoint.of(purview.datamapUrl()), PurviewAuth.staticToken("bench"))
        // Unpaced: the benchmark measures the client against the emulator's latency, not the
        // 25 operations/s of one Purview capacity unit.
        .batchSize(batchSize).full(true).opsPerSecond(0).build();
    SyncResult first = PurviewSync.sync(scratch.ledger, options);
    if (first.entities() != ENTITIES) {
      throw new IllegalStateException("expected " + ENTITIES + " entities, synced " + first.entities());
    }
  }

  /** One full sync of the ledger; the score is entities per second. */
  @Benchmark
  @OperationsPerInvocation(ENTITIES)
  public int fullSync() throws Exception {
    return PurviewSync.sync(scratch.ledger, options).entities();
  }

  @TearDown
  public void tearDown() {
    if (purview != null) {
      purview.close();
    }
    if (scratch != null) {
      scratch.close();
    }
  }

}
