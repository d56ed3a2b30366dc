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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * {@value #RECORDS} records. Records/s. Ceilings: for a checkpoint-only ledger, reading the
 * same file's record bytes in order with plain JDBC and SHA-256-ing them ({@link
 * #readAndSha256}); for a per-record-signed ledger, {@link CeilingEd25519#verifyAllCores}.
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

  /** Ceiling: read every record's stored bytes in order and compute its leaf hash. */
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
}
