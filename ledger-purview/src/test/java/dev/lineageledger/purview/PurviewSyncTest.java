package dev.lineageledger.purview;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerRecord;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.purview.emulator.Fault;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** End to end against the emulator: the sync as a user runs it. */
class PurviewSyncTest {
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

  private long bulkRequests() {
    return purview.requests().stream().filter(r -> r.path().endsWith("/entity/bulk")).count();
  }

  /** One entity per qualifiedName, and the set of qualifiedNames. */
  private Set<String> qualifiedNamesWithoutDuplicates() {
    Set<String> names = new HashSet<>();
    for (JsonNode e : purview.entities()) {
      String key = e.get("typeName").asText() + " " + e.get("attributes").get("qualifiedName").asText();
      assertThat(names.add(key)).as("duplicate entity %s", key).isTrue();
    }
    return names;
  }

  @Test
  void fullSyncPushesEveryRecordAndPurviewShowsTheLineage() throws Exception {
    List<Receipt> rs = TestPipelines.pipeline(ledger, "r1");
    SyncResult r = sync();
    assertThat(r.cursorBefore()).isZero();
    assertThat(r.cursorAfter()).isEqualTo(ledger.size());
    assertThat(r.records()).isEqualTo(ledger.size());
    assertThat(r.entitiesCreated()).isEqualTo(14);
    assertThat(purview.entityCount()).isEqualTo(14);
    assertThat(r.batches()).isEqualTo(1);
    assertThat(r.typesCreated()).isEqualTo(10 + 2); // entity types + PII, PCI
    assertThat(PurviewSync.cursor(ledger, PurviewEndpoint.of(purview.datamapUrl()))).isEqualTo(ledger.size());
    qualifiedNamesWithoutDuplicates();

    // Cross-checkable: sequence and record hash on each entity.
    long m1 = rs.get(4).seq();
    LedgerRecord model = ledger.record(m1).orElseThrow();
    JsonNode e = purview.entity("lineage_ledger_model_version",
        QualifiedNames.record(TestPipelines.ORIGIN, m1)).orElseThrow();
    JsonNode a = e.get("attributes");
    assertThat(a.get("ledgerSeq").asLong()).isEqualTo(m1);
    assertThat(a.get("recordHash").asText()).isEqualTo("sha256:" + model.leafHash().hex());
    assertThat(a.get("approvalDecision").asText()).isEqualTo("approved");
    assertThat(a.get("approvedBy").asText()).isEqualTo("risk-officer@bank.example");
    assertThat(a.get("metrics").get("auc").asDouble()).isEqualTo(0.97);
    JsonNode tx = purview.entity("lineage_ledger_dataset_version",
        QualifiedNames.record(TestPipelines.ORIGIN, 0)).orElseThrow();
    assertThat(tx.get("classifications").findValuesAsText("typeName")).containsExactly("PII", "PCI");
    JsonNode target = purview.entity("lineage_ledger_deployment_target",
        QualifiedNames.deploymentTarget(TestPipelines.ORIGIN, "aks://prod/fraud-scoring")).orElseThrow();
    assertThat(target.get("attributes").get("lastAction").asText()).isEqualTo("rollback");
    assertThat(target.get("attributes").get("servingModel").asText())
        .isEqualTo(QualifiedNames.record(TestPipelines.ORIGIN, m1));

    // Read back through the client: the deployed model's upstream reaches the raw PII data.
    PurviewClient client = new PurviewClient(TestPipelines.options(purview).build());
    JsonNode me = client.entityOfRecord(ledger, m1).orElseThrow();
    JsonNode lineage = client.lineage(me.get("guid").asText(), "INPUT", 5);
    Set<String> names = new HashSet<>();
    lineage.get("guidEntityMap").forEach(h -> names.add(h.get("attributes").get("name").asText()));
    assertThat(names).contains("fraud-detector-r1@1", "train train-1-r1", "fraud-features@r1",
        "featurize fe-r1", "transactions@r1", "chargebacks@r1");
    assertThat(lineage.get("relations")).hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void incrementalSyncSendsOnlyNewRecords() throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    long first = ledger.size();
    sync();
    purview.clearRequests();
    TestPipelines.pipeline(ledger, "r2");
    SyncResult r = sync();
    assertThat(r.cursorBefore()).isEqualTo(first);
    assertThat(r.records()).isEqualTo(ledger.size() - first);
    assertThat(r.typesCreated()).isZero();
    // r2's records plus the deployment target, which the new deployments update.
    assertThat(r.entitiesCreated()).isEqualTo(13);
    assertThat(r.entitiesUpdated()).isEqualTo(1);
    assertThat(purview.entityCount()).isEqualTo(27);
    qualifiedNamesWithoutDuplicates();
    // Only records after the cursor were sent.
    for (PurviewEmulator.Request q : purview.requests()) {
      assertThat(q.method().equals("GET") || q.path().endsWith("/entity/bulk")).isTrue();
    }
  }

  @Test
  void reRunningIsIdempotent() throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    sync();
    List<JsonNode> before = purview.entities();
    purview.clearRequests();
    SyncResult again = sync();
    assertThat(again.records()).isZero();
    assertThat(again.batches()).isZero();
    assertThat(bulkRequests()).isZero();
    SyncResult full = PurviewSync.sync(ledger, TestPipelines.options(purview).full(true).build());
    assertThat(full.records()).isEqualTo(ledger.size());
    assertThat(full.entitiesCreated()).isZero();
    assertThat(full.entitiesUpdated()).isZero();
    assertThat(full.entitiesUnchanged()).isEqualTo(14);
    assertThat(full.cursorAfter()).isEqualTo(ledger.size());
    assertThat(purview.entities()).isEqualTo(before);
  }

  @Test
  void batchesRespectTheSizeAndReferenceEarlierBatchesByGuid() throws Exception {
    TestPipelines.many(ledger, 250);
    SyncResult r = PurviewSync.sync(ledger, TestPipelines.options(purview).batchSize(40).build());
    assertThat(r.entitiesCreated()).isEqualTo(250 + 25);
    assertThat(r.batches()).isEqualTo(7);
    assertThat(bulkRequests()).isEqualTo(7);
    qualifiedNamesWithoutDuplicates();
    // Every transform reaches its 10 inputs.
    for (JsonNode e : purview.entities()) {
      if (e.get("typeName").asText().equals("lineage_ledger_transform")) {
        assertThat(e.get("attributes").get("inputs")).hasSize(10);
      }
    }
  }

  @Test
  void aStormOf429sIsRiddenOut() throws Exception {
    TestPipelines.many(ledger, 120);
    purview.inject(Fault.tooManyRequests(Duration.ofMillis(15)).onPath("/entity/bulk").atRate(0.6));
    SyncResult r = PurviewSync.sync(ledger, TestPipelines.options(purview).batchSize(10)
        .maxRetries(20).build());
    assertThat(r.retries()).isGreaterThan(5);
    assertThat(r.cursorAfter()).isEqualTo(ledger.size());
    assertThat(r.entitiesCreated()).isEqualTo(132);
    qualifiedNamesWithoutDuplicates();
    assertThat(purview.entityCount()).isEqualTo(132);
  }

  @Test
  void retryAfterInSecondsIsHonoured() throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    purview.inject(Fault.tooManyRequests(Duration.ofSeconds(1)).onPath("/entity/bulk").times(1));
    long t0 = System.nanoTime();
    SyncResult r = sync();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    assertThat(r.retries()).isEqualTo(1);
    assertThat(purview.entityCount()).isEqualTo(14);
  }

  @Test
  void serviceUnavailableAndDroppedConnectionsAreRetriedWithoutDuplicates() throws Exception {
    TestPipelines.many(ledger, 60);
    purview.inject(Fault.serviceUnavailable().onPath("/entity/bulk").times(2));
    purview.inject(Fault.dropAfterApply().onPath("/entity/bulk").afterRequests(1).times(2));
    purview.inject(Fault.dropConnection().onPath("/types/").onMethod("POST").times(1));
    purview.inject(Fault.slow(Duration.ofMillis(200)).onPath("/entity/bulk").times(1));
    SyncResult r = PurviewSync.sync(ledger, TestPipelines.options(purview).batchSize(20).build());
    assertThat(r.cursorAfter()).isEqualTo(ledger.size());
    assertThat(r.retries()).isGreaterThanOrEqualTo(5);
    assertThat(purview.entityCount()).isEqualTo(66);
    qualifiedNamesWithoutDuplicates();
  }

  @Test
  void aSlowAnswerBeyondTheTimeoutIsRetried() throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    purview.inject(Fault.slow(Duration.ofMillis(1500)).onPath("/entity/bulk").times(1));
    SyncResult r = PurviewSync.sync(ledger, TestPipelines.options(purview)
        .timeouts(Duration.ofSeconds(2), Duration.ofMillis(500)).build());
    assertThat(r.retries()).isGreaterThanOrEqualTo(1);
    assertThat(r.cursorAfter()).isEqualTo(ledger.size());
    qualifiedNamesWithoutDuplicates();
    assertThat(purview.entityCount()).isEqualTo(14);
  }

  /**
   * Interrupted at every POST in turn (the connection drops before or after Purview applied
   * it, no retries left) and run again: Purview ends exactly as after one clean sync, with
   * nothing duplicated or skipped. (GETs are not interrupted: the JDK client itself repeats an
   * idempotent request once when its connection drops.)
   */
  @Test
  void interruptedAtAnyRequestAndResumedNeitherDuplicatesNorSkips() throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    TestPipelines.many(ledger, 30);
    TreeMap<String, JsonNode> reference = new TreeMap<>();
    try (PurviewEmulator clean = PurviewEmulator.start()) {
      PurviewSync.sync(ledger, PurviewSyncOptions.builder(PurviewEndpoint.of(clean.catalogUrl()),
          PurviewAuth.staticToken("x")).batchSize(8).opsPerSecond(0).build());
      clean.entities().forEach(e -> reference.put(key(e), strip(e)));
    }
    int total;
    try (PurviewEmulator count = PurviewEmulator.start()) {
      PurviewSync.sync(ledger, PurviewSyncOptions.builder(PurviewEndpoint.of(count.catalogUrl()),
          PurviewAuth.staticToken("x")).batchSize(8).opsPerSecond(0).build());
      total = (int) count.requests().stream().filter(q -> q.method().equals("POST")).count();
    }
    for (int k = 0; k < total; k++) {
      try (PurviewEmulator p = PurviewEmulator.start()) {
        Fault drop = (k % 2 == 0 ? Fault.dropConnection() : Fault.dropAfterApply())
            .onMethod("POST").afterRequests(k).times(1);
        p.inject(drop);
        PurviewSyncOptions o = PurviewSyncOptions.builder(PurviewEndpoint.of(p.catalogUrl()),
            PurviewAuth.staticToken("x")).batchSize(8).opsPerSecond(0).maxRetries(0).build();
        assertThatThrownBy(() -> PurviewSync.sync(ledger, o))
            .isInstanceOfSatisfying(PurviewException.class,
                e -> assertThat(e.reason()).isEqualTo(PurviewException.Reason.UNAVAILABLE));
        long cursor = PurviewSync.cursor(ledger, PurviewEndpoint.of(p.catalogUrl()));
        assertThat(cursor).isBetween(0L, ledger.size());
        SyncResult resumed = PurviewSync.sync(ledger, o);
        assertThat(resumed.cursorBefore()).isEqualTo(cursor);
        assertThat(resumed.cursorAfter()).isEqualTo(ledger.size());
        TreeMap<String, JsonNode> got = new TreeMap<>();
        for (JsonNode e : p.entities()) {
          assertThat(got.put(key(e), strip(e))).as("duplicate %s", key(e)).isNull();
        }
        assertThat(got).as("interrupted at request %d", k).isEqualTo(reference);
      }
    }
  }

  static String key(JsonNode e) {
    return e.get("typeName").asText() + " " + e.get("attributes").get("qualifiedName").asText();
  }

  /** An entity without what differs between two Purviews (GUIDs, times, versions). */
  static JsonNode strip(JsonNode e) {
    com.fasterxml.jackson.databind.node.ObjectNode a =
        (com.fasterxml.jackson.databind.node.ObjectNode) e.get("attributes").deepCopy();
    for (String ref : List.of("inputs", "outputs")) {
      if (a.has(ref)) {
        List<String> qns = new ArrayList<>();
        a.get(ref).forEach(x -> qns.add(x.get("uniqueAttributes").get("qualifiedName").asText()));
        a.set(ref, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
            .addAll(qns.stream().map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList()));
      }
    }
    List<String> cs = new ArrayList<>();
    e.get("classifications").forEach(c -> cs.add(c.get("typeName").asText()));
    a.put("classifications:", String.join(",", cs));
    return a;
  }

  @Test
  void aRejectedRecordStopsTheSyncWithTheCursorJustBeforeIt() throws Exception {
    List<Receipt> rs = TestPipelines.pipeline(ledger, "r1");
    // Pretend records 0..1 were synced, though they were not: record 3 (featurize) references
    // transactions (0) and chargebacks (1), which Purview has never seen.
    long featurize = rs.get(3).seq();
    assertThat(ledger.compareAndSetSyncState(
        "purview " + PurviewEndpoint.of(purview.datamapUrl()).baseUri(), null, "{\"next\":2}")).isTrue();
    assertThatThrownBy(this::sync).isInstanceOfSatisfying(PurviewException.class, e -> {
      assertThat(e.reason()).isEqualTo(PurviewException.Reason.REJECTED);
      assertThat(e.recordSeq()).isEqualTo(featurize);
      assertThat(e.atlasErrorCode()).isEqualTo("ATLAS-404-00-00A");
      assertThat(e.httpStatus()).isEqualTo(404);
      assertThat(e.getMessage()).startsWith("Purview rejected record " + featurize
          + " (transform featurize@fe-r1): HTTP 404 ATLAS-404-00-00A Referenced entity"
          + " AtlasObjectId{guid='null', typeName='lineage_ledger_dataset_version',"
          + " uniqueAttributes={qualifiedName:ledger://test.example/ml/fraud/0}} is not found;"
          + " cursor stays at " + featurize);
    });
    assertThat(PurviewSync.cursor(ledger, PurviewEndpoint.of(purview.datamapUrl()))).isEqualTo(featurize);
    // Record 2 (fraud-features) was acknowledged; nothing after the rejected record was sent.
    assertThat(purview.entityCount()).isEqualTo(1);
  }

  @Test
  void aWrongTokenStopsAtOnceWithoutRetriesOrTokenInTheMessage() throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    PurviewSyncOptions o = PurviewSyncOptions.builder(PurviewEndpoint.of(purview.datamapUrl()),
        PurviewAuth.staticToken("wrong-secret-token")).build();
    assertThatThrownBy(() -> PurviewSync.sync(ledger, o))
        .isInstanceOfSatisfying(PurviewException.class, e -> {
          assertThat(e.reason()).isEqualTo(PurviewException.Reason.AUTH);
          assertThat(e.httpStatus()).isEqualTo(401);
          assertThat(e.getMessage()).contains("Unauthorized").doesNotContain("wrong-secret-token");
        });
    assertThat(purview.requests()).hasSize(1);
    assertThat(PurviewSync.cursor(ledger, PurviewEndpoint.of(purview.datamapUrl()))).isZero();
  }

  @Test
  void anUnreachableEndpointIsUnavailable() throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    PurviewSyncOptions o = PurviewSyncOptions.builder(
        PurviewEndpoint.of("http://127.0.0.1:" + port + "/datamap/api"),
        PurviewAuth.staticToken("t")).maxRetries(1).retryDelays(Duration.ofMillis(5),
        Duration.ofMillis(10)).build();
    assertThatThrownBy(() -> PurviewSync.sync(ledger, o))
        .isInstanceOfSatisfying(PurviewException.class, e -> {
          assertThat(e.reason()).isEqualTo(PurviewException.Reason.UNAVAILABLE);
          assertThat(e.getMessage()).startsWith("cannot reach Purview at http://127.0.0.1:" + port)
              .endsWith("(GET, 2 attempts so far): cannot connect to 127.0.0.1:" + port)
              .doesNotContain("ClosedChannelException");
        });
  }

  @Test
  void aConflictingTypeInPurviewIsReportedNotOverwritten() throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    var http = java.net.http.HttpClient.newHttpClient();
    String body = "{\"entityDefs\":[{\"name\":\"lineage_ledger_model_version\","
        + "\"superTypes\":[\"Process\"],\"attributeDefs\":[]}]}";
    var res = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(purview.baseUri() + "/datamap/api/atlas/v2/types/typedefs"))
        .header("Authorization", "Bearer " + TestPipelines.TOKEN)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThatThrownBy(this::sync).isInstanceOfSatisfying(PurviewException.class, e -> {
      assertThat(e.reason()).isEqualTo(PurviewException.Reason.TYPE_CONFLICT);
      assertThat(e.getMessage()).contains("lineage_ledger_model_version exists in Purview without"
          + " supertype DataSet");
    });
    assertThat(purview.entityCount()).isZero();
  }

  @Test
  void typesGainMissingAttributesAsOptional() throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    var http = java.net.http.HttpClient.newHttpClient();
    // An older model of ours: the dataset type without most of its attributes.
    String body = "{\"entityDefs\":[{\"name\":\"lineage_ledger_dataset_version\","
        + "\"superTypes\":[\"DataSet\"],\"attributeDefs\":[{\"name\":\"uri\",\"typeName\":"
        + "\"string\",\"isOptional\":false,\"cardinality\":\"SINGLE\"}]}]}";
    http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(purview.baseUri() + "/datamap/api/atlas/v2/types/typedefs"))
        .header("Authorization", "Bearer " + TestPipelines.TOKEN)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    SyncResult r = sync();
    assertThat(r.typesUpdated()).isEqualTo(1);
    assertThat(r.typesCreated()).isEqualTo(9 + 2);
    assertThat(purview.typeDef("lineage_ledger_dataset_version").orElseThrow()
        .get("attributeDefs").findValuesAsText("name")).contains("ledgerSeq", "contentDigest");
    assertThat(purview.entityCount()).isEqualTo(14);
    // And a second sync changes no types.
    assertThat(sync().typesUpdated()).isZero();
  }

  @Test
  void dryRunSendsNothingAndMovesNoCursor() throws Exception {
    TestPipelines.many(ledger, 30);
    List<PlannedRequest> planned = new ArrayList<>();
    SyncResult r = PurviewSync.dryRun(ledger, TestPipelines.options(purview).batchSize(12)
        .collection("finance").build(), planned::add);
    assertThat(purview.requests()).isEmpty();
    assertThat(PurviewSync.cursor(ledger, PurviewEndpoint.of(purview.datamapUrl()))).isZero();
    assertThat(r.batches()).isEqualTo(3);
    assertThat(planned.get(0).url()).endsWith("/datamap/api/atlas/v2/types/typedefs?api-version=2023-09-01");
    assertThat(planned.get(1).body().get("classificationDefs").get(0).get("name").asText()).isEqualTo("PII");
    PlannedRequest bulk = planned.get(2);
    assertThat(bulk.url()).endsWith("/entity/bulk?api-version=2023-09-01&collectionId=finance");
    assertThat(bulk.body().get("entities")).hasSize(12);
    assertThat(planned.get(planned.size() - 1).body().toString()).contains("uniqueAttributes");
  }

  @Test
  void collectionAndApiVersionAreSentAndClassicHasNoApiVersion() throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    PurviewSync.sync(ledger, TestPipelines.options(purview).collection("x3k9qa").build());
    PurviewEmulator.Request bulk = purview.requests().stream()
        .filter(q -> q.path().endsWith("/entity/bulk")).findFirst().orElseThrow();
    assertThat(bulk.path()).isEqualTo("/datamap/api/atlas/v2/entity/bulk");
    assertThat(bulk.query()).isEqualTo("api-version=2023-09-01&collectionId=x3k9qa");
    assertThat(purview.entities().get(0).get("collectionId").asText()).isEqualTo("x3k9qa");
    assertThat(purview.authorizationHeaders()).allMatch(h -> h.equals("Bearer " + TestPipelines.TOKEN));

    purview.clearRequests();
    SyncResult classic = PurviewSync.sync(ledger, PurviewSyncOptions.builder(
        PurviewEndpoint.of(purview.catalogUrl()), PurviewAuth.staticToken(TestPipelines.TOKEN)).build());
    assertThat(classic.entitiesUnchanged()).isEqualTo(14); // its own cursor; same entities
    assertThat(purview.requests()).allMatch(q -> q.path().startsWith("/catalog/api/atlas/v2/")
        && (q.query() == null || !q.query().contains("api-version")));
  }

  /**
   * The classic catalog API ignores collectionId: entities go into a collection through its own
   * operation, POST /catalog/api/collections/{collection}/entity/bulk (api-version
   * 2022-03-01-preview), the collection named by its system name.
   */
  @Test
  void theClassicApiPutsEntitiesIntoTheCollectionThroughItsCollectionOperation() throws Exception {
    TestPipelines.pipeline(ledger, "r1");
    PurviewSync.sync(ledger, PurviewSyncOptions.builder(PurviewEndpoint.of(purview.catalogUrl()),
        PurviewAuth.staticToken(TestPipelines.TOKEN)).collection("x3k9qa").build());
    List<PurviewEmulator.Request> bulks = purview.requests().stream()
        .filter(q -> q.path().endsWith("/entity/bulk")).toList();
    assertThat(bulks).isNotEmpty().allSatisfy(q -> {
      assertThat(q.path()).isEqualTo("/catalog/api/collections/x3k9qa/entity/bulk");
      assertThat(q.query()).isEqualTo("api-version=2022-03-01-preview");
      assertThat(q.status()).isEqualTo(200);
    });
    assertThat(purview.entities()).hasSize(14)
        .allSatisfy(e -> assertThat(e.get("collectionId").asText()).isEqualTo("x3k9qa"));
  }
}
