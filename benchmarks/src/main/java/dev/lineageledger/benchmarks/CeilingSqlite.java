package dev.lineageledger.benchmarks;

import dev.lineageledger.core.Durability;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;
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
import org.sqlite.SQLiteConfig;

/**
 * Raw ceilings: SQLite (through the same sqlite-jdbc the ledger uses) inserting rows of exactly
 * the size of a stored ledger record, in WAL mode with the ledger's synchronous setting for the
 * durability mode, with no hashing, signing, JSON or secondary indexes. Rows/s.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class CeilingSqlite {
  /** The ledger's default group-commit size (LedgerOptions.maxBatchRecords). */
  static final int BATCH = 1024;

  @Param({"FSYNC", "OS_BUFFERED"})
  public Durability durability;

  private ScratchDir dir;
  private Connection conn;
  private PreparedStatement insert;
  private PreparedStatement insertLedgerShaped;
  private byte[] row;
  private byte[] body;
  private long seq;
  private final SplittableRandom random = new SplittableRandom(1);

  @Setup
  public void setup() throws SQLException {
    StoredSample sample = StoredSample.measure();
    row = new byte[sample.storedRowBytes()];
    body = sample.canonicalRecords().get(0);
    for (int i = 0; i < row.length; i++) {
      row[i] = body[i % body.length];
    }
    dir = ScratchDir.create("ceiling-sqlite");
    conn = open(dir, durability);
    insert = conn.prepareStatement("INSERT INTO rows(seq, data) VALUES (?, ?)");
    insertLedgerShaped = conn.prepareStatement("INSERT INTO records(seq, leaf_hash, body, sig,"
        + " nodes, kind, name, version, actor, time, signer) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?,"
        + " ?, NULL)");
  }

  static Connection open(ScratchDir dir, Durability durability) throws SQLException {
    SQLiteConfig c = new SQLiteConfig();
    c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setSynchronous(durability == Durability.FSYNC
        ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    Connection conn = c.createConnection("jdbc:sqlite:" + dir.resolve("raw.db"));
    try (Statement s = conn.createStatement()) {
      s.execute("CREATE TABLE rows (seq INTEGER PRIMARY KEY, data BLOB NOT NULL)");
      // The ledger's records table and its indexes (migrations/001-initial.sql), for the
      // reference benchmark below.
      s.execute("CREATE TABLE records (seq INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL,"
          + " body BLOB NOT NULL, sig BLOB, nodes BLOB NOT NULL, kind TEXT NOT NULL, name TEXT,"
          + " version TEXT, actor TEXT NOT NULL, time TEXT NOT NULL, signer TEXT)");
      s.execute("CREATE UNIQUE INDEX records_leaf_hash ON records(leaf_hash)");
      s.execute("CREATE INDEX records_kind_name ON records(kind, name, version)");
      s.execute("CREATE INDEX records_time ON records(time)");
    }
    return conn;
  }

  @TearDown
  public void tearDown() throws SQLException {
    insertLedgerShaped.close();
    insert.close();
    conn.close();
    dir.close();
  }

  /** One transaction of {@value #BATCH} rows, committed (and fsync'd under FSYNC). */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batchedInsert() throws SQLException {
    conn.setAutoCommit(false);
    for (int i = 0; i < BATCH; i++) {
      insert.setLong(1, seq++);
      insert.setBytes(2, row);
      insert.addBatch();
    }
    insert.executeBatch();
    conn.commit();
  }

  /**
   * One row per transaction, each committed on its own: under FSYNC, one fsync per row, the
   * rate group commit must beat (figure 3). Under OS_BUFFERED it is the bare commit cost.
   */
  @Benchmark
  public void oneRowPerTransaction() throws SQLException {
    conn.setAutoCommit(true);
    insert.setLong(1, seq++);
    insert.setBytes(2, row);
    insert.executeUpdate();
  }

  /**
   * Reference, not a ceiling: the same batches into a table shaped like the ledger's records
   * table, with its three secondary indexes (a random 32-byte leaf hash, kind/name/version,
   * time) and the same column values a ledger row has. The gap between this and {@link
   * #batchedInsert} is what the schema costs; the gap between the ledger and this is what the
   * ledger's own work costs.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batchedInsertLedgerSchema() throws SQLException {
    conn.setAutoCommit(false);
    // The ledger stamps one time on a whole commit group.
    long t = seq / BATCH;
    String time = String.format("2026-11-29T%02d:%02d:%02d.000Z", (t / 3600) % 24, (t / 60) % 60,
        t % 60);
    for (int i = 0; i < BATCH; i++) {
      long n = seq++;
      byte[] leaf = new byte[32];
      for (int j = 0; j < 32; j += 8) {
        long r = random.nextLong();
        for (int k = 0; k < 8; k++) {
          leaf[j + k] = (byte) (r >>> (8 * k));
        }
      }
      insertLedgerShaped.setLong(1, n);
      insertLedgerShaped.setBytes(2, leaf);
      insertLedgerShaped.setBytes(3, body);
      insertLedgerShaped.setBytes(4, Long.numberOfTrailingZeros(~n) == 0 ? EMPTY : leaf);
      insertLedgerShaped.setString(5, "dataset");
      insertLedgerShaped.setString(6, "fraud/transactions-" + (n % 64));
      insertLedgerShaped.setString(7, "v" + n);
      insertLedgerShaped.setString(8, "ingest@fraud");
      insertLedgerShaped.setString(9, time);
      insertLedgerShaped.addBatch();
    }
    insertLedgerShaped.executeBatch();
    conn.commit();
  }

  private static final byte[] EMPTY = new byte[0];
}
