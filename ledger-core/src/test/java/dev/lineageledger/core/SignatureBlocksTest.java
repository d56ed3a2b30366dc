package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per-record signatures are checked in blocks on a thread pool while the next records are read.
 * Bad signatures in several blocks (first, middle, last record) are all reported, each at its
 * own sequence number, whatever the number of threads.
 */
class SignatureBlocksTest {
  private static final int RECORDS = 2500; // three signature blocks of up to 1024
  private static final long[] TAMPERED = {0, 1023, 1024, 1500, 2048, RECORDS - 1};

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void badSignaturesInEveryBlockAreReportedAtTheirRecords(int threads, @TempDir Path dir)
      throws Exception {
    TestLedgers keys = TestLedgers.keys();
    Path file = dir.resolve("signed.ledger");
    try (Ledger l = keys.create(file, SigningMode.PER_RECORD)) {
      List<RecordDraft> drafts = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        drafts.add(TestLedgers.dataset("d" + i, "1", i));
      }
      l.appendAll(drafts);
      l.checkpoint();
    }
    VerifyOptions opts = VerifyOptions.builder().trustedKeys(List.of(keys.key.verifierKey()))
        .threads(threads).build();
    try (Ledger l = Ledger.open(file, LedgerOptions.readOnly())) {
      assertThat(l.verify(opts).size()).isEqualTo(RECORDS);
    }

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        PreparedStatement ps = c.prepareStatement(
            "UPDATE records SET sig = (SELECT sig FROM records WHERE seq = ?) WHERE seq = ?")) {
      s.execute("DROP TRIGGER records_no_update");
      for (long seq : TAMPERED) {
        ps.setLong(1, seq == 0 ? 1 : seq - 1); // a valid signature, of another record
        ps.setLong(2, seq);
        ps.executeUpdate();
      }
    }
    try (Ledger l = Ledger.open(file, LedgerOptions.readOnly())) {
      LedgerVerificationException e =
          catchThrowableOfType(LedgerVerificationException.class, () -> l.verify(opts));
      assertThat(e).isNotNull();
      assertThat(e.report().failures()).allSatisfy(
          f -> assertThat(f.reason()).isEqualTo(FailureReason.BAD_SIGNATURE));
      assertThat(e.report().failures().stream().map(VerificationFailure::seq))
          .containsExactly(0L, 1023L, 1024L, 1500L, 2048L, (long) RECORDS - 1);
    }
  }
}
