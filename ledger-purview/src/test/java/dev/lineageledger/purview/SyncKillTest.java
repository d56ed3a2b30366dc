package dev.lineageledger.purview;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.purview.emulator.Fault;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sync in another JVM killed with SIGKILL at the worst moment: Purview has applied a bulk
 * request whose answer the sync never got, so its cursor is behind Purview. The next sync
 * re-sends those records; they update, nothing is duplicated, and nothing is skipped.
 */
class SyncKillTest {
  @TempDir Path dir;

  @Test
  void killedAfterPurviewAppliedABatchAndResumed() throws Exception {
    Path file = dir.resolve("k.ledger");
    long size;
    try (Ledger l = TestPipelines.create(file)) {
      TestPipelines.pipeline(l, "r1");
      TestPipelines.many(l, 40);
      size = l.size();
    }
    try (PurviewEmulator purview = PurviewEmulator.builder().token(TestPipelines.TOKEN).start()) {
      purview.inject(Fault.hangAfterApply(Duration.ofSeconds(60)).onPath("/entity/bulk")
          .afterRequests(2).times(1));
      CountDownLatch hanging = new CountDownLatch(1);
      purview.onRequest(r -> {
        if (r.fault() == Fault.Kind.HANG_AFTER_APPLY) {
          hanging.countDown();
        }
      });
      String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
          SyncChild.class.getName(), file.toString(), purview.datamapUrl(),
          TestPipelines.TOKEN, "10").redirectErrorStream(true)
          .redirectOutput(dir.resolve("child.out").toFile()).start();
      try {
        assertThat(hanging.await(60, TimeUnit.SECONDS)).as("third bulk request reached").isTrue();
      } finally {
        child.destroyForcibly(); // SIGKILL
        child.waitFor(30, TimeUnit.SECONDS);
      }
      String out = java.nio.file.Files.readString(dir.resolve("child.out"));
      assertThat(out).doesNotContain("DONE");
      int appliedBeforeKill = purview.entityCount();

      try (Ledger l = Ledger.open(file, LedgerOptions.builder().build())) {
        long cursor = PurviewSync.cursor(l, PurviewEndpoint.of(purview.datamapUrl()));
        assertThat(cursor).isGreaterThan(0).isLessThan(size);
        purview.onRequest(null);
        SyncResult r = PurviewSync.sync(l, TestPipelines.options(purview).batchSize(10).build());
        assertThat(r.cursorBefore()).isEqualTo(cursor);
        assertThat(r.cursorAfter()).isEqualTo(size);
        // The batch applied before the kill came again: its entities were already there.
        assertThat(r.entitiesUnchanged() + r.entitiesUpdated()).isGreaterThanOrEqualTo(1);
        assertThat(appliedBeforeKill).isPositive();
      }
      Set<String> keys = new HashSet<>();
      for (JsonNode e : purview.entities()) {
        assertThat(keys.add(e.get("typeName").asText() + " "
            + e.get("attributes").get("qualifiedName").asText())).isTrue();
      }
      // Every record's entity: 14 from the pipeline, 40 datasets and 4 transforms.
      assertThat(purview.entityCount()).isEqualTo(14 + 44);
      Set<String> qualifiedNames = new HashSet<>();
      purview.entities().forEach(e -> qualifiedNames.add(e.get("attributes").get("qualifiedName").asText()));
      try (Ledger l = Ledger.open(file, LedgerOptions.readOnly())) {
        for (long seq = 0; seq < size; seq++) {
          if (!l.record(seq).orElseThrow().kind().equals("approval")) {
            assertThat(qualifiedNames).contains(QualifiedNames.record(TestPipelines.ORIGIN, seq));
          }
        }
      }
    }
  }
}
