package dev.lineageledger.purview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.purview.emulator.Fault;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --full} replays old records while Purview already holds the newest state: "latest
 * wins" attributes (a target's serving model, a model's approval) must come from the ledger's
 * tip, not from the record being replayed, and an interrupted replay must be finished by the
 * next sync rather than forgotten behind a cursor that is already at the end.
 */
class FullResyncTest {
  @TempDir Path dir;
  Ledger ledger;

  @BeforeEach
  void open() throws Exception {
    ledger = TestPipelines.create(dir.resolve("l.ledger"));
    TestPipelines.pipeline(ledger, "r1");
    TestPipelines.pipeline(ledger, "r2");
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  private static TreeMap<String, JsonNode> state(PurviewEmulator p) {
    TreeMap<String, JsonNode> m = new TreeMap<>();
    p.entities().forEach(e -> m.put(PurviewSyncTest.key(e), PurviewSyncTest.strip(e)));
    return m;
  }

  private static PurviewSyncOptions.Builder options(PurviewEmulator p) {
    return TestPipelines.options(p).batchSize(2);
  }

  @Test
  void aFullResyncNeverShowsPurviewAnOlderStateAndAnInterruptedOneIsFinishedByTheNextSync()
      throws Exception {
    int bulks;
    try (PurviewEmulator p = PurviewEmulator.builder().token(TestPipelines.TOKEN).start()) {
      PurviewSync.sync(ledger, options(p).build());
      p.clearRequests();
      PurviewSync.sync(ledger, options(p).full(true).build());
      bulks = (int) p.requests().stream().filter(r -> r.path().endsWith("/entity/bulk")).count();
    }
    assertThat(bulks).isGreaterThan(10);
    for (int k = 0; k < bulks; k += 3) {
      try (PurviewEmulator p = PurviewEmulator.builder().token(TestPipelines.TOKEN).start()) {
        PurviewEndpoint endpoint = PurviewEndpoint.of(p.datamapUrl());
        PurviewSync.sync(ledger, options(p).build());
        TreeMap<String, JsonNode> newest = state(p);
        List<String> older = Collections.synchronizedList(new ArrayList<>());
        p.onRequest(r -> {
          if (r.path().endsWith("/entity/bulk") && r.status() == 200 && !state(p).equals(newest)) {
            older.add("after bulk request " + r);
          }
        });
        p.inject(Fault.dropConnection().onPath("/entity/bulk").afterRequests(k).times(1));
        assertThatThrownBy(() -> PurviewSync.sync(ledger, options(p).maxRetries(0).full(true)
            .build())).isInstanceOfSatisfying(PurviewException.class,
                e -> assertThat(e.getMessage()).contains("the full resync stays at record"));
        assertThat(older).as("Purview showed an older state (interrupted at %d)", k).isEmpty();
        assertThat(state(p)).isEqualTo(newest);
        assertThat(PurviewSync.fullResyncPending(ledger, endpoint)).isPresent();
        long resumeAt = PurviewSync.fullResyncPending(ledger, endpoint).getAsLong();
        assertThat(PurviewSync.cursor(ledger, endpoint)).isEqualTo(ledger.size());

        SyncResult next = PurviewSync.sync(ledger, options(p).build());
        assertThat(next.replayed()).isEqualTo(ledger.size() - resumeAt);
        assertThat(next.records()).isEqualTo(next.replayed());
        assertThat(PurviewSync.fullResyncPending(ledger, endpoint)).isEmpty();
        assertThat(older).isEmpty();
        assertThat(state(p)).isEqualTo(newest);
        assertThat(PurviewSync.sync(ledger, options(p).build()).records()).isZero();
      }
    }
  }

  @Test
  void aDeploymentTargetShowsWhatItServesAtTheTipEvenWhenOnlyOldRecordsAreSent()
      throws Exception {
    try (PurviewEmulator p = PurviewEmulator.builder().token(TestPipelines.TOKEN).start()) {
      PurviewSync.sync(ledger, options(p).build());
      String qn = QualifiedNames.deploymentTarget(TestPipelines.ORIGIN, "aks://prod/fraud-scoring");
      JsonNode before = p.entity("lineage_ledger_deployment_target", qn).orElseThrow();
      assertThat(before.get("attributes").get("lastAction").asText()).isEqualTo("rollback");
      PurviewSync.sync(ledger, options(p).full(true).build());
      JsonNode after = p.entity("lineage_ledger_deployment_target", qn).orElseThrow();
      assertThat(after.get("attributes")).isEqualTo(before.get("attributes"));
      assertThat(after.get("version")).isEqualTo(before.get("version"));
    }
  }
}
