package dev.lineageledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Oversized, malformed and invalid requests: a 4xx JSON error naming the field, nothing written. */
class BadRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String EVENT = "{\"eventType\":\"COMPLETE\",\"eventTime\":\"2026-11-30T01:02:03.456Z\","
      + "\"producer\":\"https://github.com/OpenLineage/OpenLineage/tree/1.55.0/client/python\","
      + "\"schemaURL\":\"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent\","
      + "\"run\":{\"runId\":\"0193f1c2-1b2a-7c3d-8e4f-5a6b7c8d9e0f\"},"
      + "\"job\":{\"namespace\":\"airflow\",\"name\":\"etl.load\"},"
      + "\"inputs\":[{\"namespace\":\"postgres://db:5432\",\"name\":\"sales.orders\"}],"
      + "\"outputs\":[{\"namespace\":\"s3://lake\",\"name\":\"orders\"}]}";

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no run id|\"run\":{\"runId\":\"0193f1c2-1b2a-7c3d-8e4f-5a6b7c8d9e0f\"}|\"run\":{}|run.runId",
      "run id not a uuid|0193f1c2-1b2a-7c3d-8e4f-5a6b7c8d9e0f|not-a-uuid|run.runId",
      "bad event type|\"COMPLETE\"|\"DONE\"|eventType",
      "no time zone|2026-11-30T01:02:03.456Z|2026-11-30T01:02:03|eventTime",
      "job name not a string|\"name\":\"etl.load\"|\"name\":7|job.name",
      "input without a name|\"name\":\"sales.orders\"|\"nom\":\"x\"|inputs[0].name",
      "outputs not an array|\"outputs\":[{\"namespace\":\"s3://lake\",\"name\":\"orders\"}]|\"outputs\":{}|outputs",
      "no producer|\"producer\"|\"produced\"|producer"})
  void invalidOpenLineageEventsNameTheField(String why, String from, String to, String field)
      throws Exception {
    try (TestService s = new TestService(dir)) {
      HttpResponse<String> r = s.post("/api/v1/lineage", s.writerToken, EVENT.replace(from, to));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      JsonNode b = JSON.readTree(r.body());
      assertThat(b.get("field").asText()).isEqualTo(field);
      assertThat(s.ledger.size()).isZero();
    }
  }

  @Test
  void malformedOversizedAndWrongMethodAreRefused() throws Exception {
    try (TestService s = new TestService(dir, null, b -> b.maxBodyBytes(4096))) {
      HttpResponse<String> truncated = s.post("/api/v1/lineage", s.writerToken, EVENT.substring(0, 80));
      assertThat(truncated.statusCode()).isEqualTo(400);
      assertThat(truncated.body()).contains("malformed JSON").contains("\"field\":\"body\"");
      HttpResponse<String> dup = s.post("/api/v1/lineage", s.writerToken,
          EVENT.replace("{\"eventType\"", "{\"eventType\":\"START\",\"eventType\""));
      assertThat(dup.statusCode()).isEqualTo(400);
      HttpResponse<String> big = s.post("/api/v1/lineage", s.writerToken,
          EVENT.replace("\"inputs\"", "\"padding\":\"" + "x".repeat(5000) + "\",\"inputs\""));
      assertThat(big.statusCode()).isEqualTo(413);
      HttpResponse<String> bigNative = s.post("/v1/records", s.writerToken, "[" + " ".repeat(5000) + "]");
      assertThat(bigNative.statusCode()).isEqualTo(413);
      HttpResponse<String> notObject = s.post("/v1/records", s.writerToken, "[1,2]");
      assertThat(notObject.statusCode()).isEqualTo(400);
      HttpResponse<String> badRecord = s.post("/v1/records", s.writerToken,
          "{\"kind\":\"dataset\",\"body\":{\"name\":\"d\"}}");
      assertThat(badRecord.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(badRecord.body()).get("field").asText()).startsWith("body.");
      assertThat(s.get("/api/v1/lineage", s.writerToken).statusCode()).isEqualTo(405);
      assertThat(s.get("/nowhere", null).statusCode()).isEqualTo(404);
      assertThat(s.ledger.size()).isZero();
      String metrics = s.get("/metrics", null).body();
      assertThat(metrics).contains("ledger_rejected_requests_total{reason=\"too_large\"} 2")
          .contains("ledger_rejected_requests_total{reason=\"malformed\"}");
    }
  }

  @Test
  void startAndRunningAreAcknowledgedButNotRecorded() throws Exception {
    try (TestService s = new TestService(dir)) {
      HttpResponse<String> r = s.post("/api/v1/lineage", s.writerToken, EVENT.replace("COMPLETE", "START"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"recorded\":false");
      assertThat(s.ledger.size()).isZero();
    }
  }

  @Test
  void failedRunIsRecordedWithItsInputsAndNoOutputs() throws Exception {
    try (TestService s = new TestService(dir)) {
      HttpResponse<String> r = s.post("/api/v1/lineage", s.writerToken, EVENT.replace("COMPLETE", "FAIL"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      var t = s.ledger.resolve("transform:airflow/etl.load@0193f1c2-1b2a-7c3d-8e4f-5a6b7c8d9e0f");
      assertThat(t.body().has("outputs")).isFalse();
      assertThat(t.body().at("/properties/openlineage/state").asText()).isEqualTo("FAIL");
      // The run's COMPLETE after its FAIL conflicts: one terminal event per run.
      HttpResponse<String> late = s.post("/api/v1/lineage", s.writerToken, EVENT);
      assertThat(late.statusCode()).as(late.body()).isEqualTo(409);
      assertThat(s.ledger.size()).isEqualTo(2);
    }
  }

  @Test
  void nativeIdempotencyKeyReplaysTheReceipts() throws Exception {
    try (TestService s = new TestService(dir)) {
      String rec = "{\"kind\":\"dataset\",\"body\":{\"name\":\"d\",\"version\":\"v1\",\"uri\":\"s3://l/d\","
          + "\"digest\":\"sha256:" + "cd".repeat(32) + "\"}}";
      var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.server.url() + "/v1/records"))
          .header("Authorization", "Bearer " + s.writerToken).header("Idempotency-Key", "batch-42")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(rec)).build();
      var first = s.http.send(req, HttpResponse.BodyHandlers.ofString());
      var again = s.http.send(req, HttpResponse.BodyHandlers.ofString());
      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(again.body()).get("receipts"))
          .isEqualTo(JSON.readTree(first.body()).get("receipts"));
      assertThat(s.ledger.size()).isEqualTo(1);
      var other = s.http.send(java.net.http.HttpRequest.newBuilder(req.uri())
          .header("Authorization", "Bearer " + s.writerToken).header("Idempotency-Key", "batch-42")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(rec.replace("\"d\"", "\"e\""))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).isEqualTo(422);
      assertThat(s.ledger.size()).isEqualTo(1);
    }
  }
}
