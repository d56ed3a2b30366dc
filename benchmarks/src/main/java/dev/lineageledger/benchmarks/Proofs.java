package dev.lineageledger.benchmarks;

import dev.lineageledger.core.ConsistencyProof;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.InclusionProof;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.VerificationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Timeout;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Figure 5: RFC 9162 inclusion and consistency proof generation from a ledger of {@code
 * treeSize} records (random leaf / random old size, against the full tree), and verification
 * of such proofs. Microseconds per operation. Generation reads O(log n) stored subtree roots,
 * so the time must grow with log n (the path length), not with n: compare the sizes.
 *
 * <p>The ledger is built once per run and size, in {@code @Setup(Level.Trial)}, by {@link
 * ProofLedgers} (minimal records, the fastest build the public API allows: about 6-7 minutes
 * for 10M records on the 2-core machine); later forks of the same run reuse the file (it is
 * kept under {@code -Dbench.dataDir} until run.sh deletes that directory). run.sh's
 * PROOF_SIZES setting overrides the sizes below.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
// JMH's per-iteration timeout (10 min by default) counts from before the trial setup: after a
// 10M-record build longer than that (a loaded machine), JMH would give the first iteration only
// 100 ms to stop before it interrupted the benchmark thread.
@Timeout(time = 30, timeUnit = TimeUnit.MINUTES)
public class Proofs {
  private static final int RING = 1024;

  @Param({"1000", "1000000", "10000000"})
  public int treeSize;

  private Ledger ledger;
  private final SplittableRandom random = new SplittableRandom(42);
  private final List<InclusionProof> inclusion = new ArrayList<>(RING);
  private final List<Hash> leaves = new ArrayList<>(RING);
  private final List<ConsistencyProof> consistency = new ArrayList<>(RING);
  private final List<Hash> oldRoots = new ArrayList<>(RING);
  private Hash root;
  private int next;

  @Setup
  public void setup() throws LedgerException {
    Path file = ProofLedgers.buildOnce(treeSize);
    ledger = Ledger.open(file, LedgerOptions.readOnly());
    if (ledger.size() != treeSize) {
      throw new IllegalStateException(file + " has " + ledger.size() + " records");
    }
    root = ledger.root(treeSize);
    for (int i = 0; i < RING; i++) {
      long seq = random.nextLong(treeSize);
      inclusion.add(ledger.proveInclusion(seq, treeSize));
      leaves.add(ledger.record(seq).orElseThrow().leafHash());
      long old = 1 + random.nextLong(treeSize - 1);
      consistency.add(ledger.proveConsistency(old, treeSize));
      oldRoots.add(ledger.root(old));
    }
  }

  @TearDown
  public void tearDown() {
    ledger.close();
  }

  @Benchmark
  public InclusionProof proveInclusion() throws LedgerException {
    return ledger.proveInclusion(random.nextLong(treeSize), treeSize);
  }

  @Benchmark
  public ConsistencyProof proveConsistency() throws LedgerException {
    return ledger.proveConsistency(1 + random.nextLong(treeSize - 1), treeSize);
  }

  @Benchmark
  public int verifyInclusion() throws VerificationException {
    int i = next++ & (RING - 1);
    inclusion.get(i).verify(leaves.get(i), root);
    return i;
  }

  @Benchmark
  public int verifyConsistency() throws VerificationException {
    int i = next++ & (RING - 1);
    consistency.get(i).verify(oldRoots.get(i), root);
    return i;
  }
}
