package dev.lineageledger.benchmarks;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.LineageDirection;
import dev.lineageledger.core.LineageGraph;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.SigningMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
import org.openjdk.jmh.annotations.Warmup;
import org.sqlite.SQLiteConfig;

/**
 * Figure 6: the upstream lineage closure ({@code Ledger.lineage}, unbounded depth) of the last
 * record of a {@value #NODES}-record lineage graph whose closure is the whole graph. Two shapes:
 *
 * <ul>
 *   <li>{@code chain}: dataset → transform → dataset → … , 10,000 levels deep (the worst case
 *       for a breadth-first walk: one query per level);
 *   <li>{@code random}: each transform reads the previous dataset and a random earlier one and
 *       writes the next dataset (deep, but with 3 edges per transform).
 * </ul>
 *
 * Milliseconds per closure. Reference: the same closure as one recursive SQL query over the
 * same tables ({@link #recursiveSql}), which does no per-level round trips.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
public class LineageClosure {
  static final int NODES = 10_000;

  @Param({"chain", "random"})
  public String shape;

  private ScratchDir dir;
  private Ledger ledger;
  private Connection raw;
  private PreparedStatement closure;
  private long last;

  @Setup
  public void setup() throws LedgerException, SQLException {
    dir = ScratchDir.create("lineage");
    Path file = dir.resolve("lineage.ledger");
    try (Ledger l = Ledger.create(file, SampleRecords.ORIGIN, SigningMode.CHECKPOINT_ONLY,
        ScratchLedger.options().durability(Durability.OS_BUFFERED).build())) {
      List<RecordDraft> all = graph(shape.equals("random"));
      for (int i = 0; i < all.size(); i += 1000) {
        l.appendAll(all.subList(i, Math.min(all.size(), i + 1000)));
      }
      last = l.size() - 1;
    }
    ledger = Ledger.open(file, LedgerOptions.readOnly());
    int reached = ledger.lineage(last, LineageDirection.UPSTREAM, 0).nodes().size();
    if (reached != NODES) {
      throw new IllegalStateException("closure has " + reached + " nodes, not " + NODES);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    raw = config.createConnection("jdbc:sqlite:" + file);
    closure = raw.prepareStatement("WITH RECURSIVE up(seq) AS (SELECT ? UNION"
        + " SELECT e.src FROM edges e JOIN up ON e.dst = up.seq)"
        + " SELECT r.seq, r.kind, r.name, r.version, r.leaf_hash FROM up"
        + " JOIN records r ON r.seq = up.seq");
    if (recursiveSql() != NODES) {
      throw new IllegalStateException("recursive SQL disagrees with the ledger's closure");
    }
  }

  /**
   * Records 0..NODES-1: d0, then (d_i, t_i) pairs where t_i reads d_{i-1} (and, in the random
   * shape, one random earlier dataset) and writes d_i, then a final transform reading the last
   * dataset. Sequence numbers are known in advance because the ledger starts empty.
   */
  private static List<RecordDraft> graph(boolean random) throws InvalidRecordException {
    SplittableRandom rnd = new SplittableRandom(7);
    List<RecordDraft> out = new ArrayList<>(NODES);
    List<Long> datasets = new ArrayList<>();
    out.add(SampleRecords.dataset(0));
    datasets.add(0L);
    int i = 1;
    while (out.size() < NODES - 1) {
      long prevDataset = datasets.get(datasets.size() - 1);
      long d = out.size();
      out.add(SampleRecords.dataset(i));
      datasets.add(d);
      List<Long> inputs = new ArrayList<>(List.of(prevDataset));
      if (random && datasets.size() > 2) {
        long other = datasets.get(rnd.nextInt(datasets.size() - 2));
        if (other != prevDataset) {
          inputs.add(other);
        }
      }
      out.add(transform(i, inputs, List.of(d)));
      i++;
    }
    out.add(transform(i, List.of(datasets.get(datasets.size() - 1)), List.of()));
    return out;
  }

  private static RecordDraft transform(int i, List<Long> inputs, List<Long> outputs)
      throws InvalidRecordException {
    RecordDraft.Builder b = RecordDraft.builder(RecordKind.TRANSFORM, "trainer@fraud")
        .put("name", "featurize").put("type", "feature-engineering")
        .put("inputs", inputs).put("codeVersion", "git:4f2a9c1").put("runId", "run-" + i);
    if (!outputs.isEmpty()) {
      b.put("outputs", outputs);
    }
    return b.build();
  }

  @TearDown
  public void tearDown() throws SQLException {
    closure.close();
    raw.close();
    ledger.close();
    dir.close();
  }

  @Benchmark
  public LineageGraph ledgerLineage() throws LedgerException {
    return ledger.lineage(last, LineageDirection.UPSTREAM, 0);
  }

  /** Reference: the closure as one recursive query, rows fetched but no graph object built. */
  @Benchmark
  public int recursiveSql() throws SQLException {
    closure.setLong(1, last);
    int n = 0;
    try (ResultSet r = closure.executeQuery()) {
      while (r.next()) {
        r.getBytes(5);
        n++;
      }
    }
    return n;
  }
}
