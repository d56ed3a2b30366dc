package dev.lineageledger.benchmarks;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.core.testing.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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

/**
 * Figure 9: appends to a PostgreSQL ledger from 1 and 4 writers (JMH threads, each with its own
 * {@link Ledger}, as separate processes would be, contending for the ledger's write lock), every
 * writer appending {@value #BATCH}-record batches under FSYNC ({@code synchronous_commit=on}), in
 * checkpoint-only and per-record-signed mode. Ceiling: the same server and the same number of
 * connections, each inserting {@value #BATCH}-row transactions of rows the size of a stored
 * record into a table with nothing but a bigint primary key. Records (rows)/s, summed over the
 * writers. The server is the real PostgreSQL 14 the tests run (ledger-core's test fixture),
 * on 127.0.0.1, sharing this machine's cores with the benchmark.
 */
@Fork(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PostgresAppend {
  static final int BATCH = 256;
  private static final AtomicInteger NAMES = new AtomicInteger();
  /** Dataset numbers are unique across writers (an identity may be recorded once). */
  private static final AtomicInteger NEXT_RECORD = new AtomicInteger();

  /** The server and one fresh database per trial. */
  @State(Scope.Benchmark)
  public static class Server {
    PostgresServer pg;
    String database;
    byte[] row;

    @Setup(Level.Trial)
    public void setup() {
      pg = PostgresServer.shared();
      database = pg.freshDatabase();
      StoredSample sample = StoredSample.measure();
      row = new byte[sample.storedRowBytes()];
      byte[] body = sample.canonicalRecords().get(0);
      for (int i = 0; i < row.length; i++) {
        row[i] = body[i % body.length];
      }
    }

    LedgerOptions options(SigningMode mode) {
      LedgerOptions.Builder o = LedgerOptions.builder().checkpointSigner(SampleRecords.KEY)
          .durability(Durability.FSYNC).passwordSupplier(() -> pg.password().toCharArray());
      if (mode == SigningMode.PER_RECORD) {
        o.recordSigner(SampleRecords.KEY);
      }
      return o.build();
    }

    /** A new ledger in its own schema. */
    String newLedger(SigningMode mode) throws LedgerException {
      String location = pg.location(database, "bench_" + NAMES.incrementAndGet());
      Ledger.create(location, SampleRecords.ORIGIN, mode, options(mode)).close();
      return location;
    }
  }

  @State(Scope.Benchmark)
  public static class CheckpointOnlyLedger {
    String location;

    @Setup(Level.Trial)
    public void setup(Server s) throws LedgerException {
      location = s.newLedger(SigningMode.CHECKPOINT_ONLY);
    }
  }

  @State(Scope.Benchmark)
  public static class PerRecordLedger {
    String location;

    @Setup(Level.Trial)
    public void setup(Server s) throws LedgerException {
      location = s.newLedger(SigningMode.PER_RECORD);
    }
  }

  /** One writer: its own Ledger on the shared location. */
  abstract static class Writer {
    Ledger ledger;

    void append() throws LedgerException {
      ledger.appendAll(SampleRecords.datasets(NEXT_RECORD.getAndAdd(BATCH), BATCH));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ledger.close();
    }
  }

  @State(Scope.Thread)
  public static class CheckpointOnlyWriter extends Writer {
    @Setup(Level.Trial)
    public void setup(Server s, CheckpointOnlyLedger l) throws LedgerException {
      ledger = Ledger.open(l.location, s.options(SigningMode.CHECKPOINT_ONLY));
    }
  }

  @State(Scope.Thread)
  public static class PerRecordWriter extends Writer {
    @Setup(Level.Trial)
    public void setup(Server s, PerRecordLedger l) throws LedgerException {
      ledger = Ledger.open(l.location, s.options(SigningMode.PER_RECORD));
    }
  }

  /** The ceiling's table, shared by its connections. */
  @State(Scope.Benchmark)
  public static class RawTable {
    String name;
    final AtomicLong nextRow = new AtomicLong();

    @Setup(Level.Trial)
    public void setup(Server s) throws SQLException {
      name = "raw_" + NAMES.incrementAndGet();
      try (Connection c = s.pg.connect(s.database); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE " + name + " (seq bigint PRIMARY KEY, data bytea NOT NULL)");
      }
    }
  }

  /** One connection of the ceiling. */
  @State(Scope.Thread)
  public static class RawWriter {
    Connection c;
    PreparedStatement insert;

    @Setup(Level.Trial)
    public void setup(Server s, RawTable t) throws SQLException {
      c = s.pg.connect(s.database);
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SET synchronous_commit = on");
      }
      insert = c.prepareStatement("INSERT INTO " + t.name + " (seq, data) VALUES (?, ?)");
    }

    void insert(Server s, RawTable t) throws SQLException {
      long first = t.nextRow.getAndAdd(BATCH);
      for (int i = 0; i < BATCH; i++) {
        insert.setLong(1, first + i);
        insert.setBytes(2, s.row);
        insert.addBatch();
      }
      insert.executeBatch();
      c.commit();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
      c.close();
    }
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(BATCH)
  public void checkpointOnly1(CheckpointOnlyWriter w) throws LedgerException {
    w.append();
  }

  @Benchmark
  @Threads(4)
  @OperationsPerInvocation(BATCH)
  public void checkpointOnly4(CheckpointOnlyWriter w) throws LedgerException {
    w.append();
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(BATCH)
  public void perRecordSigned1(PerRecordWriter w) throws LedgerException {
    w.append();
  }

  @Benchmark
  @Threads(4)
  @OperationsPerInvocation(BATCH)
  public void perRecordSigned4(PerRecordWriter w) throws LedgerException {
    w.append();
  }

  /** Ceiling, 1 connection. */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(BATCH)
  public void rawBatchedInsert1(Server s, RawTable t, RawWriter w) throws SQLException {
    w.insert(s, t);
  }

  /** Ceiling, 4 connections. */
  @Benchmark
  @Threads(4)
  @OperationsPerInvocation(BATCH)
  public void rawBatchedInsert4(Server s, RawTable t, RawWriter w) throws SQLException {
    w.insert(s, t);
  }
}
