package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI end to end in a temporary directory: in-process through {@link Main#run}, except the
 * demo, which runs the packaged jar as a separate process as a user would.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CliIT {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir);
  }

  static final String DATASET = "{\"kind\":\"dataset\",\"body\":{\"name\":\"raw\",\"version\":\"1\","
      + "\"uri\":\"s3://lake/raw/1\",\"digest\":\"sha256:" + "a".repeat(64) + "\",\"rowCount\":10}}";

  @Test
  void demoRecordsAPipelineAndVerifies() throws Exception {
    Cli cli = Cli.process(dir);
    Cli.Result r = cli.run("demo");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Verify: OK, 15 records").contains("model fraud-detector@1")
        .contains("dataset transactions@2026-11-01").contains("Next, try:");
    assertThat(Files.exists(dir.resolve("demo.ledger"))).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("demo.ledger.key"))))
        .isEqualTo("rw-------");
    Cli.Result again = cli.run("demo");
    assertThat(again.code()).as(again.toString()).isZero();
    Cli.Result v = cli.run("verify", "--trust-ledger-pub", "--ledger", "demo.ledger", "--json");
    assertThat(v.code()).as(v.toString()).isZero();
    assertThat(JSON.readTree(v.out()).get("size").asLong()).isEqualTo(15);
    Cli.Result log = cli.run("log", "--ledger", "demo.ledger", "--kind", "deployment");
    assertThat(log.out().lines()).hasSize(3);
    Cli.Result mermaid = cli.run("lineage", "deployment:aks://prod-westeurope/fraud-scoring",
        "--ledger", "demo.ledger", "--format", "mermaid");
    assertThat(mermaid.code()).as(mermaid.toString()).isZero();
    assertThat(mermaid.out()).startsWith("graph LR");
  }

  @Test
  void initRecordVerifyThenTamperingIsLocated() throws Exception {
    assertThat(cli.run("init", "--ledger", "l.ledger", "--origin", "ci.example/l").code()).isZero();
    Cli.Result vk = cli.run("key", "verifier", "--ledger", "l.ledger");
    assertThat(vk.out().strip()).matches("ci\\.example/l\\+[0-9a-f]{8}\\+[A-Za-z0-9+/=]+");
    Cli.Result r0 = cli.run("record", "dataset", "--ledger", "l.ledger", "--name", "raw",
        "--version", "1", "--uri", "s3://lake/raw/1", "--digest", "sha256:" + "b".repeat(64),
        "--row-count", "42", "--classifications", "PII,PCI");
    assertThat(r0.code()).as(r0.toString()).isZero();
    assertThat(r0.out()).startsWith("0 sha256:");
    // raw@1 is taken (a recorded version is immutable): the second dataset is raw@2.
    Cli.Result r1 = cli.runWithInput(DATASET.replace("\"version\":\"1\"", "\"version\":\"2\"")
        .getBytes(StandardCharsets.UTF_8), "record", "--json", "-", "--ledger", "l.ledger");
    assertThat(r1.code()).as(r1.toString()).isZero();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      lines.append("{\"kind\":\"transform\",\"body\":{\"name\":\"t\",\"type\":\"training\",")
          .append("\"inputs\":[0,\"dataset:raw@1\"],\"codeVersion\":\"c\",\"runId\":\"r").append(i)
          .append("\"}}\n");
    }
    Cli.Result stream = cli.runWithInput(lines.toString().getBytes(StandardCharsets.UTF_8),
        "record", "--jsonl", "-", "--ledger", "l.ledger");
    assertThat(stream.code()).as(stream.toString()).isZero();
    assertThat(stream.out().lines()).hasSize(50).allMatch(l -> l.matches("\\d+ sha256:[0-9a-f]{64}"));
    Cli.Result ok = cli.run("verify", "--ledger", "l.ledger", "--key", vk.out().strip());
    assertThat(ok.code()).as(ok.toString()).isZero();
    assertThat(ok.out()).contains("OK: 52 records verified");

    // An attacker edits record 17 with plain SQL.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("l.ledger"));
        Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER records_no_update");
      s.execute("UPDATE records SET body = replace(body, '\"runId\":\"r15\"', '\"runId\":\"rX5\"')"
          + " WHERE seq = 17");
    }
    Cli.Result bad = cli.run("verify", "--trust-ledger-pub", "--ledger", "l.ledger", "--json");
    assertThat(bad.code()).as(bad.toString()).isEqualTo(1);
    JsonNode rep = JSON.readTree(bad.out());
    assertThat(rep.get("ok").asBoolean()).isFalse();
    assertThat(rep.get("failures").get(0).get("seq").asLong()).isEqualTo(17);
    assertThat(rep.get("failures").get(0).get("reason").asText()).isEqualTo("leaf-hash-mismatch");
    Cli.Result human = cli.run("verify", "--trust-ledger-pub", "--ledger", "l.ledger");
    assertThat(human.code()).isEqualTo(1);
    assertThat(human.out()).contains("FAILED").contains("record 17: leaf-hash-mismatch");
  }

  @Test
  void proofRoundTripThroughVerifyProofOffline() throws Exception {
    cli.run("demo");
    Cli.Result proof = cli.run("prove", "model:fraud-detector@1", "--ledger", "demo.ledger", "--json");
    assertThat(proof.code()).as(proof.toString()).isZero();
    Files.writeString(dir.resolve("proof.json"), proof.out());
    Cli.Result raw = cli.run("show", "model:fraud-detector@1", "--ledger", "demo.ledger", "--raw");
    Files.writeString(dir.resolve("record.json"), raw.out());
    String key = cli.run("key", "verifier", "--ledger", "demo.ledger").out().strip();
    // Offline: move the ledger away first.
    Files.move(dir.resolve("demo.ledger"), dir.resolve("elsewhere.ledger"));
    Cli.Result ok = cli.run("verify-proof", "proof.json", "--key", key, "--record", "record.json");
    assertThat(ok.code()).as(ok.toString()).isZero();
    assertThat(ok.out()).startsWith("OK: record 5").contains("record bytes match");
    Cli.Result pinned = cli.run("verify-proof", "proof.json", "--key", key, "--origin",
        "demo.lineage-ledger.local/fraud-detection");
    assertThat(pinned.code()).as(pinned.toString()).isZero();
    Cli.Result otherLog = cli.run("verify-proof", "proof.json", "--key", key, "--origin",
        "another.example/log");
    assertThat(otherLog.code()).as(otherLog.toString()).isEqualTo(1);
    assertThat(otherLog.out()).contains("checkpoint origin is");

    ObjectNode p = (ObjectNode) JSON.readTree(proof.out());
    ArrayNode path = (ArrayNode) p.get("proof");
    String h = path.get(0).asText();
    path.set(0, JSON.getNodeFactory().textNode((h.charAt(0) == 'A' ? "B" : "A") + h.substring(1)));
    Files.writeString(dir.resolve("bad.json"), JSON.writeValueAsString(p));
    Cli.Result bad = cli.run("verify-proof", "bad.json", "--key", key);
    assertThat(bad.code()).as(bad.toString()).isEqualTo(1);
    assertThat(bad.out()).startsWith("FAILED: calculated root");
    Cli.Result wrongKey = cli.run("verify-proof", "proof.json", "--key",
        "demo.lineage-ledger.local/fraud-detection+00000000+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk");
    assertThat(wrongKey.code()).as(wrongKey.toString()).isIn(1, 2);
    Files.writeString(dir.resolve("garbage.json"), "{\"index\": \"x\"}");
    Cli.Result garbage = cli.run("verify-proof", "garbage.json", "--key", key);
    assertThat(garbage.code()).as(garbage.toString()).isEqualTo(2);
    assertThat(garbage.err().lines()).hasSize(1);
  }

  @Test
  void consistencyWithAnOlderCheckpointAndFailureAfterTruncation() throws Exception {
    cli.run("demo");
    Cli.Result old = cli.run("checkpoint", "--ledger", "demo.ledger");
    assertThat(old.code()).isZero();
    Files.writeString(dir.resolve("old.note"), old.out());
    Cli.Result more = cli.runWithInput(DATASET.getBytes(StandardCharsets.UTF_8),
        "record", "--json", "-", "--ledger", "demo.ledger");
    assertThat(more.code()).as(more.toString()).isZero();
    Cli.Result ok = cli.run("consistency", "--trust-ledger-pub", "old.note", "--ledger", "demo.ledger", "--json");
    assertThat(ok.code()).as(ok.toString()).isZero();
    JsonNode j = JSON.readTree(ok.out());
    assertThat(j.get("oldSize").asLong()).isEqualTo(15);
    assertThat(j.get("newSize").asLong()).isEqualTo(16);
    assertThat(j.get("proof").size()).isPositive();
    Cli.Result inc = cli.run("verify", "--trust-ledger-pub", "--ledger", "demo.ledger", "--from-checkpoint", "old.note", "--json");
    assertThat(inc.code()).as(inc.toString()).isZero();
    assertThat(JSON.readTree(inc.out()).get("size").asLong()).isEqualTo(1);

    // Roll the ledger back to 10 records, removing the newer checkpoints too.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("demo.ledger"));
        Statement s = c.createStatement()) {
      for (String t : new String[] {"records", "edges", "checkpoints", "checkpoint_signatures"}) {
        s.execute("DROP TRIGGER " + t + "_no_delete");
      }
      s.execute("DELETE FROM records WHERE seq >= 10");
      s.execute("DELETE FROM edges WHERE record_seq >= 10");
      s.execute("DELETE FROM checkpoint_signatures");
      s.execute("DELETE FROM checkpoints");
    }
    Cli.Result trunc = cli.run("consistency", "--trust-ledger-pub", "old.note", "--ledger", "demo.ledger");
    assertThat(trunc.code()).as(trunc.toString()).isEqualTo(1);
    assertThat(trunc.out()).contains("truncated");
    Cli.Result incBad = cli.run("verify", "--trust-ledger-pub", "--ledger", "demo.ledger", "--from-checkpoint", "old.note", "--json");
    assertThat(incBad.code()).as(incBad.toString()).isEqualTo(1);
    assertThat(JSON.readTree(incBad.out()).get("size").asLong()).isZero();
    Cli.Result incHuman = cli.run("verify", "--trust-ledger-pub", "--ledger", "demo.ledger", "--from-checkpoint", "old.note");
    // The summary line only: the trust line names the temp directory (junit-1234...).
    assertThat(incHuman.out().lines().findFirst().orElse("")).as(incHuman.toString())
        .contains("in a ledger of 10 records, shorter than the trusted checkpoint of size 15")
        .doesNotContain(" -1 ").doesNotContain(" -5 ").doesNotContain("size -");
    JsonNode f = JSON.readTree(incBad.out()).get("failures").get(0);
    assertThat(f.get("reason").asText()).isEqualTo("truncated");
    assertThat(f.get("seq").asLong()).isEqualTo(10);
  }

  @Test
  void keyRotationIsFollowedByAuditorsHoldingTheOldKey() throws Exception {
    assertThat(cli.run("init", "--ledger", "r.ledger").code()).isZero();
    String oldKey = cli.run("key", "verifier", "--ledger", "r.ledger").out().strip();
    Files.writeString(dir.resolve("d.json"), DATASET);
    assertThat(cli.run("record", "--json", "d.json", "--ledger", "r.ledger").code()).isZero();
    Cli.Result rot = cli.run("key", "rotate", "--ledger", "r.ledger", "--actor", "security@corp");
    assertThat(rot.code()).as(rot.toString()).isZero();
    String newKey = cli.run("key", "verifier", "--ledger", "r.ledger").out().strip();
    assertThat(newKey).isNotEqualTo(oldKey);
    Files.writeString(dir.resolve("d2.json"), DATASET.replace("\"version\":\"1\"", "\"version\":\"2\""));
    Cli.Result after = cli.run("record", "--json", "d2.json", "--ledger", "r.ledger");
    assertThat(after.code()).as(after.toString()).isZero();
    Cli.Result pinned = cli.run("verify", "--ledger", "r.ledger", "--key", oldKey);
    assertThat(pinned.code()).as(pinned.toString()).isZero();
    Cli.Result dflt = cli.run("verify", "--trust-ledger-pub", "--ledger", "r.ledger");
    assertThat(dflt.code()).as(dflt.toString()).isZero();
    Cli.Result onlyNew = cli.run("verify", "--ledger", "r.ledger", "--key", newKey, "--json");
    assertThat(onlyNew.code()).isEqualTo(1); // the first records were signed by the old key
    Cli.Result oldSigns = cli.run("record", "--json", "d2.json", "--ledger", "r.ledger",
        "--key-file", "r.ledger.retired-" + oldKey.split("\\+")[1] + ".key");
    assertThat(oldSigns.code()).as(oldSigns.toString()).isEqualTo(2);
    assertThat(oldSigns.err()).contains("does not match the ledger's verifier key");
  }
}
