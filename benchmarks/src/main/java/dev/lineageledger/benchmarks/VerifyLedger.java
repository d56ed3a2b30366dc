package dev.lineageledger.benchmarks;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.core.VerificationReport;
import dev.lineageledger.core.VerifyOptions;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.sqlite.SQLiteConfig;

/**
 * Figure 4: full verification ({@code Ledger.verify}, every check, all cores) of a ledger of
 * {@value #RECORDS} records. Records/s. Ceilings: for a checkpoint-only ledger, raw read +
 * SHA-256 of the same record bytes on all cores ({@link #rawReadSha256AllCores}: a plain table
 * of the benchmark's own, read in blocks by one connection per core); for a per-record-signed
 * ledger, {@link CeilingEd25519#verifyAllCores}. {@link #readAndSha256} (the ledger file itself,
 * one thread) and {@link #rawReadSha256OneThread} are kept beside them as information.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class VerifyLedger {
  static final int RECORDS = 20_000;

  /** A closed, fully checkpointed ledger file of {@value #RECORDS} sample records. */
  abstract static class Built {
    ScratchDir dir;
    Path file;
    Ledger ledger;
    VerifyOptions options;

    void build(SigningMode mode) {
      dir = ScratchDir.create("verify-" + mode.id());
      file = dir.resolve("verify.ledger");
      List<RecordDraft> drafts = SampleRecords.datasets(1024);
      try (Ledger l = Ledger.create(file, SampleRecords.ORIGIN, mode, ScratchLedger.options()
          .durability(Durability.OS_BUFFERED).build())) {
        for (int i = 0; i < RECORDS; i += drafts.size()) {
          l.appendAll(SampleRecords.datasets(i, Math.min(drafts.size(), RECORDS - i)));
        }
        l.checkpoint();
        ledger = null;
      } catch (LedgerException e) {
        throw SampleRecords.fail(e);
      }
      try {
        ledger = Ledger.open(file, LedgerOptions.readOnly());
      } catch (LedgerException e) {
        throw SampleRecords.fail(e);
      }
      options = VerifyOptions.builder()
          .trustedKeys(List.of(SampleRecords.KEY.verifierKey())).build();
    }

    VerificationReport verify() throws LedgerException {
      VerificationReport r = ledger.verify(options);
      if (r.size() != RECORDS) {
        throw new IllegalStateException("verified " + r.size() + " records, not " + RECORDS);
      }
      return r;
    }

    @TearDown
    public void tearDown() {
      ledger.close();
      dir.close();
    }
  }

  @State(Scope.Benchmark)
  public static class CheckpointOnly extends Built {
    @Setup
    public void setup() {
      build(SigningMode.CHECKPOINT_ONLY);
    }
  }

  @State(Scope.Benchmark)
  public static class PerRecord extends Built {
    @Setup
    public void setup() {
      build(SigningMode.PER_RECORD);
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public VerificationReport checkpointOnly(CheckpointOnly l) throws LedgerException {
    return l.verify();
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public VerificationReport perRecord(PerRecord l) throws LedgerException {
    return l.verify();
  }

  /**
   * Information (the ceiling before issue 11): read every record's stored bytes in order from
   * the ledger file on one thread and compute its leaf hash. Verification runs on all cores, so
   * this is no bound for it; {@link #rawReadSha256AllCores} is.
   */
  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public byte[] readAndSha256(CheckpointOnly l) throws SQLException, NoSuchAlgorithmException {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] last = null;
    int n = 0;
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    try (Connection c = config.createConnection("jdbc:sqlite:" + l.file);
        PreparedStatement ps = c.prepareStatement("SELECT body FROM records ORDER BY seq");
        ResultSet r = ps.executeQuery()) {
      while (r.next()) {
        md.update((byte) 0x00);
        md.update(r.getBytes(1));
        last = md.digest();
        n++;
      }
    }
    if (n != RECORDS) {
      throw new IllegalStateException("read " + n + " records, not " + RECORDS);
    }
    return last;
  }

  /**
   * The checkpoint-only ledger's records, copied through the public API ({@code
   * Ledger.forEach}) into a plain table {@code rows(seq INTEGER PRIMARY KEY, data BLOB)} in a
   * file of its own: the raw read ceilings read exactly the bytes verification reads, without
   * depending on the ledger's schema (which is the ledger's to change) and without its indexes
   * and derived columns in the pages they scan, like the plain-table SQLite ceilings.
   */
  @State(Scope.Benchmark)
  public static class PlainRows extends Built {
    /** Rows per block a reader takes; about what the verifier checks per parallel block. */
    static final int BLOCK = 1024;

    Path plain;
    int cores;
    ExecutorService pool;

    @Setup
    public void setup() throws SQLException, LedgerException {
      build(SigningMode.CHECKPOINT_ONLY);
      plain = dir.resolve("plain.db");
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + plain)) {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE rows (seq INTEGER PRIMARY KEY, data BLOB NOT NULL)");
        }
        c.setAutoCommit(false);
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO rows VALUES (?, ?)")) {
          ledger.forEach(0, r -> {
            try {
              ins.setLong(1, r.seq());
              ins.setBytes(2, r.canonicalBytes());
              ins.executeUpdate();
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          });
        }
        c.commit();
      }
      cores = Runtime.getRuntime().availableProcessors();
      pool = Executors.newFixedThreadPool(Math.max(1, cores - 1));
    }

    @TearDown
    public void stopPool() {
      pool.shutdownNow();
    }

    /**
     * Reads and hashes every row with {@code threads} readers (this thread and {@code threads -
     * 1} from the pool), each on its own read-only connection, opened per call as verification
     * opens its own; blocks are handed out in order as readers finish, so a core taken by other
     * load on the machine slows the ceiling no more than it slows verification.
     */
    byte[] readAndHash(int threads) throws Exception {
      AtomicInteger nextBlock = new AtomicInteger();
      List<Future<Reader>> others = new ArrayList<>();
      for (int i = 1; i < threads; i++) {
        others.add(pool.submit(() -> new Reader(plain).run(nextBlock)));
      }
      Reader mine = new Reader(plain).run(nextBlock);
      long n = mine.rows;
      for (Future<Reader> f : others) {
        n += f.get().rows;
      }
      if (n != RECORDS) {
        throw new IllegalStateException("read " + n + " rows, not " + RECORDS);
      }
      return mine.last;
    }
  }

  /** One reader of {@link PlainRows}: a connection, a digest, the blocks it took. */
  private static final class Reader {
    private final Path file;
    long rows;
    byte[] last;

    Reader(Path file) {
      this.file = file;
    }

    Reader run(AtomicInteger nextBlock) throws SQLException, NoSuchAlgorithmException {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      SQLiteConfig config = new SQLiteConfig();
      config.setReadOnly(true);
      try (Connection c = config.createConnection("jdbc:sqlite:" + file);
          PreparedStatement ps = c.prepareStatement(
              "SELECT data FROM rows WHERE seq >= ? AND seq < ? ORDER BY seq")) {
        int b;
        while ((long) (b = nextBlock.getAndIncrement()) * PlainRows.BLOCK < RECORDS) {
          ps.setLong(1, (long) b * PlainRows.BLOCK);
          ps.setLong(2, (long) (b + 1) * PlainRows.BLOCK);
          try (ResultSet r = ps.executeQuery()) {
            while (r.next()) {
              md.update((byte) 0x00);
              md.update(r.getBytes(1));
              last = md.digest();
              rows++;
            }
          }
        }
      }
      return this;
    }
  }

  /** Ceiling for {@link #checkpointOnly}: raw read + SHA-256 of every record on all cores. */
  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public byte[] rawReadSha256AllCores(PlainRows p) throws Exception {
    return p.readAndHash(p.cores);
  }

  /** Information: the same on one thread, to show the all-cores ceiling scales. */
  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public byte[] rawReadSha256OneThread(PlainRows p) throws Exception {
    return p.readAndHash(1);
  }
}
