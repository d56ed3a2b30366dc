package dev.lineageledger.purview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.purview.emulator.Fault;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies stay under the size limit (batches are cut by bytes as well as entities), and
 * a body the service refuses as too large — 413, or a 5xx saying so — is split, not sent again.
 */
class RequestSizeTest {
  @TempDir Path dir;
  Ledger ledger;

  @BeforeEach
  void open() throws Exception {
    ledger = TestPipelines.create(dir.resolve("l.ledger"));
    TestPipelines.pipeline(ledger, "r1");
    TestPipelines.many(ledger, 100);
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  private static long status(PurviewEmulator p, int status) {
    return p.requests().stream().filter(r -> r.path().endsWith("/entity/bulk")
        && r.status() == status).count();
  }

  @Test
  void batchesAreCutByBytesSoNoRequestIsOverTheLimit() throws Exception {
    try (PurviewEmulator p = PurviewEmulator.builder().token(TestPipelines.TOKEN)
        .maxRequestBytes(20_000).start()) {
      SyncResult r = PurviewSync.sync(ledger, TestPipelines.options(p).maxRequestBytes(20_000)
          .build());
      assertThat(r.cursorAfter()).isEqualTo(ledger.size());
      assertThat(status(p, 413)).isZero();
      assertThat(r.batches()).isGreaterThan(3);
      assertThat(p.entityCount()).isEqualTo(14 + 100 + 10);
    }
  }

  @Test
  void a413SplitsTheBatchInsteadOfFailingOrRetryingIt() throws Exception {
    try (PurviewEmulator p = PurviewEmulator.builder().token(TestPipelines.TOKEN)
        .maxRequestBytes(20_000).start()) {
      SyncResult r = PurviewSync.sync(ledger, TestPipelines.options(p).build());
      assertThat(r.cursorAfter()).isEqualTo(ledger.size());
      assertThat(status(p, 413)).isPositive();
      assertThat(r.retries()).isZero();
      assertThat(p.entityCount()).isEqualTo(14 + 100 + 10);
    }
  }

  @Test
  void anOversize5xxSplitsTheBatchToo() throws Exception {
    try (PurviewEmulator p = PurviewEmulator.builder().token(TestPipelines.TOKEN).start()) {
      p.inject(Fault.atlasError(502, "BadGateway", "Request body too large for the gateway")
          .onPath("/entity/bulk").onBodyLargerThan(20_000));
      SyncResult r = PurviewSync.sync(ledger, TestPipelines.options(p).maxRetries(1).build());
      assertThat(r.cursorAfter()).isEqualTo(ledger.size());
      assertThat(status(p, 502)).isPositive();
      assertThat(p.entityCount()).isEqualTo(14 + 100 + 10);
    }
  }

  @Test
  void aRecordTooLargeOnItsOwnIsRejectedClearly() throws Exception {
    long big = ledger.append(RecordDraft.builder(RecordKind.of("com.acme/blob"), "x@acme")
        .put("name", "blob").put("a", "x".repeat(12_000)).put("b", "y".repeat(12_000))
        .build()).seq();
    try (PurviewEmulator p = PurviewEmulator.builder().token(TestPipelines.TOKEN)
        .maxRequestBytes(20_000).start()) {
      assertThatThrownBy(() -> PurviewSync.sync(ledger, TestPipelines.options(p).build()))
          .isInstanceOfSatisfying(PurviewException.class, e -> {
            assertThat(e.reason()).isEqualTo(PurviewException.Reason.REJECTED);
            assertThat(e.recordSeq()).isEqualTo(big);
            assertThat(e.httpStatus()).isEqualTo(413);
            assertThat(e.getMessage()).startsWith("Purview refused record " + big)
                .contains("as too large: its request is").contains("cursor stays at " + big);
          });
      assertThat(PurviewSync.cursor(ledger, PurviewEndpoint.of(p.datamapUrl()))).isEqualTo(big);
      assertThat(List.of(p.entityCount())).containsExactly(14 + 100 + 10);
    }
  }
}
