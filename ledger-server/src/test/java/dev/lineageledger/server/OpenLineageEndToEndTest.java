package dev.lineageledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lineageledger.core.LedgerRecord;
import dev.lineageledger.core.VerificationReport;
import dev.lineageledger.purview.PurviewAuth;
import dev.lineageledger.purview.PurviewEndpoint;
import dev.lineageledger.purview.PurviewSync;
import dev.lineageledger.purview.PurviewSyncOptions;
import dev.lineageledger.purview.QualifiedNames;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.transports.ApiKeyTokenProvider;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenLineage Java client (its HTTP transport, as Spark and Flink integrations use it)
 * emits a two-job pipeline to a running server: the records appear, the ledger verifies, the
 * lineage API shows the pipeline, and a Purview sync shows each job's inputs and outputs.
 */
class OpenLineageEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private final OpenLineage ol = new OpenLineage(URI.create("https://github.com/OpenLineage/OpenLineage/tree/1.55.0/client/java"));

  private OpenLineageClient client(TestService s, String token) {
    HttpConfig cfg = new HttpConfig();
    cfg.setUrl(URI.create(s.server.url()));
    cfg.setEndpoint("/api/v1/lineage");
    ApiKeyTokenProvider auth = new ApiKeyTokenProvider();
    auth.setApiKey(token);
    cfg.setAuth(auth);
    return new OpenLineageClient(new HttpTransport(cfg));
  }

  private OpenLineage.RunEvent event(OpenLineage.RunEvent.EventType type, UUID run, String job,
      List<OpenLineage.InputDataset> in, List<OpenLineage.OutputDataset> out) {
    OpenLineage.JobFacets jf = ol.newJobFacetsBuilder().sourceCodeLocation(
        ol.newSourceCodeLocationJobFacet("git", URI.create("https://git.example/ml/pipelines"),
            "https://git.example/ml/pipelines", null, "4f2a9c1", null, null, null)).build();
    return ol.newRunEvent(ZonedDateTime.parse("2026-11-30T01:00:00Z").plusSeconds(type.ordinal()),
        type, ol.newRun(run, null), ol.newJob("ml-pipelines", job, jf), in, out);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(TestService.Backend.class)
  void openLineageClientPipelineBecomesVerifiableLineageAndReachesPurview(
      TestService.Backend backend) throws Exception {
    try (TestService s = new TestService(dir, backend);
        OpenLineageClient c = client(s, s.writerToken)) {
      UUID r1 = UUID.randomUUID();
      UUID r2 = UUID.randomUUID();
      OpenLineage.DatasetFacets rawFacets = ol.newDatasetFacetsBuilder()
          .version(ol.newDatasetVersionDatasetFacet("2026-11-29"))
          .schema(ol.newSchemaDatasetFacet(List.of(
              ol.newSchemaDatasetFacetFields("amount", "double", "in EUR", null, null))))
          .ownership(ol.newOwnershipDatasetFacet(List.of(
              ol.newOwnershipDatasetFacetOwners("team:fraud", "MAINTAINER"))))
          .build();
      List<OpenLineage.InputDataset> raw =
          List.of(ol.newInputDataset("s3://lake", "raw/transactions", rawFacets, null));
      List<OpenLineage.OutputDataset> features =
          List.of(ol.newOutputDataset("s3://lake", "features/fraud", null, null));
      c.emit(event(OpenLineage.RunEvent.EventType.START, r1, "featurize", raw, List.of()));
      c.emit(event(OpenLineage.RunEvent.EventType.COMPLETE, r1, "featurize", raw, features));
      c.emit(event(OpenLineage.RunEvent.EventType.START, r2, "train", List.of(), List.of()));
      c.emit(event(OpenLineage.RunEvent.EventType.COMPLETE, r2, "train",
          List.of(ol.newInputDataset("s3://lake", "features/fraud", null, null)),
          List.of(ol.newOutputDataset("s3://models", "fraud-detector", null, null))));
      // At-least-once delivery: the same COMPLETE again is recognised, not recorded twice.
      c.emit(event(OpenLineage.RunEvent.EventType.COMPLETE, r1, "featurize", raw, features));

      // raw, features, featurize; model, train (train's input is the features record).
      assertThat(s.ledger.size()).isEqualTo(5);
      LedgerRecord rawRec = s.ledger.resolve("dataset:s3://lake/raw/transactions@2026-11-29");
      assertThat(rawRec.actor()).isEqualTo("pipeline-bot <token:pipeline-bot>");
      assertThat(rawRec.body().at("/schema/fields/0/name").asText()).isEqualTo("amount");
      assertThat(rawRec.body().at("/properties/owners/0/name").asText()).isEqualTo("team:fraud");
      assertThat(rawRec.text("uri")).isEqualTo("s3://lake/raw/transactions");
      LedgerRecord featurize = s.ledger.resolve("transform:ml-pipelines/featurize@" + r1);
      assertThat(featurize.text("codeVersion")).isEqualTo("https://git.example/ml/pipelines@4f2a9c1");
      assertThat(featurize.body().at("/properties/openlineage/state").asText()).isEqualTo("COMPLETE");
      LedgerRecord feat = s.ledger.resolve("dataset:s3://lake/features/fraud@run-" + r1);
      LedgerRecord train = s.ledger.resolve("transform:ml-pipelines/train@" + r2);
      assertThat(train.body().at("/inputs/0/seq").asLong()).isEqualTo(feat.seq());

      s.ledger.checkpoint();
      VerificationReport report = s.ledger.verify(s.verifyOptions());
      assertThat(report.ok()).as("%s", report).isTrue();
      assertThat(report.size()).isEqualTo(5);

      HttpResponse<String> lin = s.get("/v1/lineage/dataset:s3:%2F%2Fmodels%2Ffraud-detector?direction=upstream", s.readerToken);
      assertThat(lin.statusCode()).as(lin.body()).isEqualTo(200);
      List<String> labels = new ArrayList<>();
      JSON.readTree(lin.body()).get("nodes").forEach(n -> labels.add(n.get("label").asText()));
      assertThat(labels).contains("transform ml-pipelines/train@" + r2,
          "dataset s3://lake/features/fraud@run-" + r1, "transform ml-pipelines/featurize@" + r1,
          "dataset s3://lake/raw/transactions@2026-11-29");

      try (PurviewEmulator purview = PurviewEmulator.start()) {
        PurviewSync.sync(s.ledger, PurviewSyncOptions.builder(
            PurviewEndpoint.of(purview.datamapUrl()), PurviewAuth.staticToken("t")).build());
        JsonNode job = purview.entity("lineage_ledger_transform",
            QualifiedNames.record(TestService.ORIGIN, featurize.seq())).orElseThrow();
        assertThat(job.toString())
            .contains(QualifiedNames.record(TestService.ORIGIN, rawRec.seq()))
            .contains(QualifiedNames.record(TestService.ORIGIN, feat.seq()));
        JsonNode attrs = job.path("attributes");
        assertThat(attrs.path("inputs").toString())
            .contains(QualifiedNames.record(TestService.ORIGIN, rawRec.seq()));
        assertThat(attrs.path("outputs").toString())
            .contains(QualifiedNames.record(TestService.ORIGIN, feat.seq()));
      }
    }
  }

  @Test
  void aReaderTokenCannotEmitAndNothingIsWritten() throws Exception {
    try (TestService s = new TestService(dir); OpenLineageClient c = client(s, s.readerToken)) {
      UUID r = UUID.randomUUID();
      assertThatThrownBy(() -> c.emit(event(OpenLineage.RunEvent.EventType.COMPLETE, r, "j",
          List.of(), List.of(ol.newOutputDataset("s3://lake", "x", null, null)))))
          .hasMessageContaining("403");
      assertThat(s.ledger.size()).isZero();
    }
  }
}
