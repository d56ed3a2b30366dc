package dev.lineageledger.purview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Type setup in the situations real Purview accounts present: races, restrictions, names. */
class TypeSetupTest {
  @TempDir Path dir;
  PurviewEmulator purview;
  Ledger ledger;

  @BeforeEach
  void start() throws Exception {
    purview = PurviewEmulator.builder().token(TestPipelines.TOKEN).start();
    ledger = TestPipelines.create(dir.resolve("l.ledger"));
  }

  @AfterEach
  void stop() {
    ledger.close();
    purview.close();
  }

  private SyncResult sync() throws Exception {
    return PurviewSync.sync(ledger, TestPipelines.options(purview).build());
  }

  private int post(String path, String json) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(purview.datamapUrl() + "/atlas/v2/" + path))
        .header("Authorization", "Bearer " + TestPipelines.TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString(json.replace('\'', '"'))).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /**
   * Two first syncs at once: the other one creates the types after this one found them missing
   * (it runs while the emulator holds the answer to this one's look-up), so this one's create
   * gets 409 ATLAS-409-00-001. It reads the types again and carries on.
   */
  @ParameterizedTest
  @ValueSource(strings = {"lineage_ledger_custom_process", "PII"})
  void aTypeCreatedByAConcurrentSyncIsReReadNotAFailure(String raced) throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    List<Throwable> other = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean fired = new AtomicBoolean();
    try (Ledger second = TestPipelines.create(dir.resolve("second.ledger"))) {
      TestPipelines.pipeline(second, "r2");
      purview.onRequest(r -> {
        if (r.path().endsWith("/types/typedef/name/" + raced) && r.status() == 404
            && fired.compareAndSet(false, true)) {
          try {
            PurviewSync.sync(second, TestPipelines.options(purview).build());
          } catch (Exception e) {
            other.add(e);
          }
        }
      });
      SyncResult r = sync();
      assertThat(fired).isTrue();
      assertThat(other).isEmpty();
      assertThat(r.cursorAfter()).isEqualTo(ledger.size());
      assertThat(purview.requests()).anySatisfy(q -> assertThat(q.status()).isEqualTo(409));
      long last = ledger.size() - 1;
      assertThat(PurviewSync.cursor(second, PurviewEndpoint.of(purview.datamapUrl())))
          .isEqualTo(second.size());
      assertThat(new PurviewClient(TestPipelines.options(purview).build())
          .entityOfRecord(ledger, last)).isPresent();
    }
  }

  @Test
  void aClassificationRestrictedToOtherEntityTypesFailsOnceAtTypeSetupSayingWhatToChange()
      throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    assertThat(post("types/typedefs", "{'classificationDefs':[{'name':'PII','superTypes':[],"
        + "'attributeDefs':[],'entityTypes':['Process']}]}")).isEqualTo(200);
    for (int run = 0; run < 2; run++) {
      purview.clearRequests();
      assertThatThrownBy(this::sync).isInstanceOfSatisfying(PurviewException.class, e -> {
        assertThat(e.reason()).isEqualTo(PurviewException.Reason.TYPE_CONFLICT);
        assertThat(e.getMessage()).contains("classification PII may only be applied to Process,"
            + " but the ledger applies it to lineage_ledger_dataset_version entities (a DataSet);"
            + " add DataSet or lineage_ledger_dataset_version to its entity types");
      });
      // Found before any bulk request, not as a rejection halved down to record 0.
      assertThat(purview.requests()).noneSatisfy(q -> assertThat(q.path()).endsWith("/entity/bulk"));
    }
    // Once Purview's administrator lifts the restriction (or lets DataSets carry it), it syncs.
    try (PurviewEmulator open = PurviewEmulator.builder().token(TestPipelines.TOKEN).start()) {
      assertThat(PurviewSync.sync(ledger, TestPipelines.options(open).build()).cursorAfter())
          .isEqualTo(ledger.size());
    }
  }

  @Test
  void classificationNamesAreMappedOneToOneToNamesPurviewAcceptsAndBuiltInsAreThemselves()
      throws Exception {
    ledger.append(TestPipelines.dataset("customers", "v1", 1, List.of("MICROSOFT.PERSONAL.EMAIL",
        "pii.email", "pii-email", "GDPR special category", "LINEAGE_LEDGER.x", "Kundendaten_ä")));
    sync();
    JsonNode e = purview.entity("lineage_ledger_dataset_version",
        QualifiedNames.record(TestPipelines.ORIGIN, 0)).orElseThrow();
    List<String> names = new ArrayList<>();
    e.get("classifications").forEach(c -> names.add(c.get("typeName").asText()));
    assertThat(names).containsExactlyInAnyOrder("MICROSOFT.PERSONAL.EMAIL", "pii.email",
        "LINEAGE_LEDGER.pii_2Demail", "LINEAGE_LEDGER.GDPR_20special_20category",
        "LINEAGE_LEDGER.LINEAGE_5FLEDGER_2Ex", "LINEAGE_LEDGER.Kundendaten_5F_C3_A4");
    // The system classification was used, not created or changed.
    assertThat(purview.typeDef("MICROSOFT.PERSONAL.EMAIL").orElseThrow().has("serviceType"))
        .isFalse();
    assertThat(purview.requests()).allSatisfy(q -> assertThat(q.status()).isIn(200, 404));
  }

  @Test
  void aMicrosoftClassificationPurviewDoesNotHaveIsAClearConflictNotACreate() throws Exception {
    ledger.append(TestPipelines.dataset("customers", "v1", 1, List.of("MICROSOFT.PERSONAL.SHOE_SIZE")));
    assertThatThrownBy(this::sync).isInstanceOfSatisfying(PurviewException.class, e -> {
      assertThat(e.reason()).isEqualTo(PurviewException.Reason.TYPE_CONFLICT);
      assertThat(e.getMessage()).contains("MICROSOFT.PERSONAL.SHOE_SIZE, which is not one of this"
          + " Purview account's system classifications");
    });
    assertThat(purview.typeDef("MICROSOFT.PERSONAL.SHOE_SIZE")).isEmpty();
  }

  /**
   * The type look-ups of a sync go out together (after the first, which goes alone so that a
   * wrong token or an outage costs one request): the emulator holds its answer to the second
   * look-up until a third arrives, which a client asking one after another never sends.
   */
  @Test
  void typeLookUpsAreSentConcurrently() throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    sync();
    java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
    CountDownLatch third = new CountDownLatch(1);
    AtomicBoolean overlapped = new AtomicBoolean();
    purview.onRequest(r -> {
      if (!r.path().contains("/types/typedef/name/")) {
        return;
      }
      int n = seen.incrementAndGet();
      if (n == 3) {
        third.countDown();
      } else if (n == 2) {
        try {
          overlapped.set(third.await(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    assertThat(sync().records()).isZero();
    assertThat(overlapped).isTrue();
  }
}
