package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 through the CLI: keys pinned once keep working across rotations in every command;
 * the report says which keys were trusted and whether they were pinned; another ledger's key
 * cannot poison a ledger; an uncovered tail is told apart from tampering; stored text cannot
 * forge output.
 */
class TrustIT {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir);
  }

  private static String dataset(String version) {
    return CliIT.DATASET.replace("\"version\":\"1\"", "\"version\":\"" + version + "\"");
  }

  private void record(String ledger, String version) throws Exception {
    Files.writeString(dir.resolve("d.json"), dataset(version));
    Cli.Result r = cli.run("record", "--json", "d.json", "--ledger", ledger);
    assertThat(r.code()).as(r.toString()).isZero();
  }

  @Test
  void aKeyPinnedOnceKeepsWorkingAcrossRotationsInEveryCommand() throws Exception {
    assertThat(cli.run("init", "--ledger", "r.ledger", "--origin", "ci.example/r").code()).isZero();
    String original = cli.run("key", "verifier", "--ledger", "r.ledger").out().strip();
    record("r.ledger", "1");
    Cli.Result cp = cli.run("checkpoint", "--ledger", "r.ledger");
    Files.writeString(dir.resolve("old.note"), cp.out());
    Files.writeString(dir.resolve("old-proof.json"),
        cli.run("prove", "dataset:raw@1", "--json", "--ledger", "r.ledger").out());
    for (int i = 0; i < 2; i++) {
      Cli.Result rot = cli.run("key", "rotate", "--ledger", "r.ledger", "--actor", "sec@corp");
      assertThat(rot.code()).as(rot.toString()).isZero();
      record("r.ledger", "after-" + i);
    }
    assertThat(Files.readAllLines(dir.resolve("r.ledger.pub"))).hasSize(3);
    // verify: the original key, and the multi-line PATH.pub the CLI wrote itself.
    Cli.Result v1 = cli.run("verify", "--ledger", "r.ledger", "--key", original, "--json");
    assertThat(v1.code()).as(v1.toString()).isZero();
    // The report names the log it verified (a keyring could match several).
    assertThat(JSON.readTree(v1.out()).get("origin").asText()).isEqualTo("ci.example/r");
    Cli.Result v2 = cli.run("verify", "--ledger", "r.ledger", "--key", "r.ledger.pub");
    assertThat(v2.code()).as(v2.toString()).isZero();
    assertThat(v2.out()).contains("\n  origin ci.example/r\n");
    // consistency: the old checkpoint and the latest, opened with the original key only.
    Cli.Result c = cli.run("consistency", "old.note", "--ledger", "r.ledger", "--key", original);
    assertThat(c.code()).as(c.toString()).isZero();
    // verify-proof offline: a proof signed two rotations later, the original key, no --origin.
    Cli.Result prove = cli.run("prove", "dataset:raw@after-1", "--json", "--ledger", "r.ledger");
    assertThat(prove.code()).as(prove.toString()).isZero();
    Files.writeString(dir.resolve("proof.json"), prove.out());
    // An older proof and only the current key: offline there is nothing that links them; the
    // ledger's newer checkpoint, signed by the current key, vouches for the old one.
    String current = Files.readAllLines(dir.resolve("r.ledger.pub")).get(0);
    Cli.Result oldOffline = cli.run("verify-proof", "old-proof.json", "--key", current);
    assertThat(oldOffline.code()).as(oldOffline.toString()).isEqualTo(1);
    assertThat(oldOffline.out()).contains("pass --ledger");
    Cli.Result oldOnline = cli.run("verify-proof", "old-proof.json", "--key", current,
        "--ledger", "r.ledger");
    assertThat(oldOnline.code()).as(oldOnline.toString()).isZero();
    assertThat(oldOnline.out()).contains("consistent with a newer one");
    Files.delete(dir.resolve("r.ledger"));
    Cli.Result vp = cli.run("verify-proof", "proof.json", "--key", original);
    assertThat(vp.code()).as(vp.toString()).isZero();
    assertThat(vp.out()).contains("included in ci.example/r");
    // The origin comes from the trusted key, never from the unverified checkpoint.
    Cli.Result other = cli.run("verify-proof", "proof.json", "--key",
        original.replace("ci.example/r+", "ci.example/x+"));
    assertThat(other.code()).isNotZero();
  }

  @Test
  void theReportSaysWhichKeysWereTrustedAndWhetherTheyWerePinned() throws Exception {
    assertThat(cli.run("init", "--ledger", "p.ledger").code()).isZero();
    String key = cli.run("key", "verifier", "--ledger", "p.ledger").out().strip();
    record("p.ledger", "1");
    // Secure by default: without --key nothing is trusted, not even the PATH.pub beside it.
    for (String command : List.of("verify", "consistency")) {
      Cli.Result refused = command.equals("verify") ? cli.run("verify", "--ledger", "p.ledger")
          : cli.run("consistency", "x.note", "--ledger", "p.ledger");
      assertThat(refused.code()).as(refused.toString()).isEqualTo(2);
      assertThat(refused.out()).isEmpty();
      assertThat(refused.err().strip()).doesNotContain("\n").startsWith("ledger: no trusted key: pass --key");
    }
    assertThat(cli.run("verify", "--ledger", "p.ledger", "--key", key, "--trust-ledger-pub").code())
        .isEqualTo(2);
    JsonNode unpinned = JSON.readTree(cli.run("verify", "--trust-ledger-pub", "--ledger", "p.ledger", "--json").out());
    assertThat(unpinned.get("pinned").asBoolean()).isFalse();
    assertThat(unpinned.get("keySource").asText()).endsWith("p.ledger.pub");
    assertThat(unpinned.get("trustedKeys").get(0).asText()).isEqualTo(key);
    Cli.Result human = cli.run("verify", "--trust-ledger-pub", "--ledger", "p.ledger");
    assertThat(human.out()).contains("NOT PINNED");
    assertThat(human.err()).contains("warning: --trust-ledger-pub: trusting");
    JsonNode pinned = JSON.readTree(cli.run("verify", "--ledger", "p.ledger", "--key", key, "--json").out());
    assertThat(pinned.get("pinned").asBoolean()).isTrue();
    assertThat(cli.run("verify", "--ledger", "p.ledger", "--key", key).out()).contains("pinned with --key");
  }

  @Test
  void anotherLedgersKeyCannotPoisonALedgerWhosePubFileIsMissing() throws Exception {
    assertThat(cli.run("init", "--ledger", "a.ledger", "--origin", "ci.example/same").code()).isZero();
    assertThat(cli.run("init", "--ledger", "b.ledger", "--origin", "ci.example/same").code()).isZero();
    String keyA = cli.run("key", "verifier", "--ledger", "a.ledger").out().strip();
    record("a.ledger", "1");
    Files.delete(dir.resolve("a.ledger.pub"));
    Files.writeString(dir.resolve("d.json"), dataset("2"));
    Cli.Result r = cli.run("record", "--json", "d.json", "--ledger", "a.ledger", "--key-file", "b.ledger.key");
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).startsWith("ledger: ").contains("signed key history").doesNotContain("\tat ");
    Cli.Result v = cli.run("verify", "--ledger", "a.ledger", "--key", keyA, "--json");
    assertThat(v.code()).as(v.toString()).isZero();
    assertThat(JSON.readTree(v.out()).get("size").asLong()).isEqualTo(1);
  }

  @Test
  void anUncoveredTailHasItsOwnExitCodeAndIsCoveredByTheNextWrite() throws Exception {
    assertThat(cli.run("init", "--ledger", "u.ledger").code()).isZero();
    String key = cli.run("key", "verifier", "--ledger", "u.ledger").out().strip();
    record("u.ledger", "1");
    record("u.ledger", "2");
    // What a crash between the commit and the checkpoint leaves: the last checkpoint gone.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("u.ledger"));
        Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER checkpoints_no_delete");
      s.execute("DROP TRIGGER checkpoint_signatures_no_delete");
      s.execute("DELETE FROM checkpoint_signatures WHERE size = 2");
      s.execute("DELETE FROM checkpoints WHERE size = 2");
    }
    Cli.Result v = cli.run("verify", "--ledger", "u.ledger", "--key", key, "--json");
    assertThat(v.code()).as(v.toString()).isEqualTo(ExitCodes.UNCOVERED);
    assertThat(JSON.readTree(v.out()).get("uncoveredTail").asBoolean()).isTrue();
    assertThat(cli.run("verify", "--ledger", "u.ledger", "--key", key).out()).startsWith("UNCOVERED");
    // Recording the same version again is idempotent and opening with the key covers the tail.
    Files.writeString(dir.resolve("d.json"), dataset("2"));
    Cli.Result again = cli.run("record", "--json", "d.json", "--ledger", "u.ledger");
    assertThat(again.code()).as(again.toString()).isZero();
    Cli.Result after = cli.run("verify", "--ledger", "u.ledger", "--key", key, "--json");
    assertThat(after.code()).as(after.toString()).isZero();
    assertThat(JSON.readTree(after.out()).get("size").asLong()).isEqualTo(2);
    // A tampered ledger is never "only uncovered".
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("u.ledger"));
        Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER records_no_update");
      s.execute("UPDATE records SET actor = 'x' WHERE seq = 0");
    }
    assertThat(cli.run("verify", "--ledger", "u.ledger", "--key", key).code()).isEqualTo(1);
  }

  @Test
  void anUnsignedTailOfACheckpointOnlyLedgerIsAnIntegrityFailureUntilAnOperatorAcceptsIt()
      throws Exception {
    assertThat(cli.run("init", "--ledger", "co.ledger", "--signing", "checkpoint-only").code()).isZero();
    String key = cli.run("key", "verifier", "--ledger", "co.ledger").out().strip();
    record("co.ledger", "1");
    record("co.ledger", "2");
    // The last record without its checkpoint: indistinguishable from an insertion.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("co.ledger"));
        Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER checkpoints_no_delete");
      s.execute("DROP TRIGGER checkpoint_signatures_no_delete");
      s.execute("DELETE FROM checkpoint_signatures WHERE size = 2");
      s.execute("DELETE FROM checkpoints WHERE size = 2");
    }
    Cli.Result v = cli.run("verify", "--ledger", "co.ledger", "--key", key, "--json");
    assertThat(v.code()).as(v.toString()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(JSON.readTree(v.out()).get("uncoveredTail").asBoolean()).isFalse();
    Cli.Result human = cli.run("verify", "--ledger", "co.ledger", "--key", key);
    assertThat(human.out()).startsWith("FAILED").contains("uncovered").doesNotContain("not tampering");
    assertThat(cli.run("verify", "--ledger", "co.ledger", "--key", key, "--allow-uncovered").code())
        .isZero();
    // An honest writer neither covers it nor appends after it.
    Files.writeString(dir.resolve("d.json"), dataset("3"));
    Cli.Result honest = cli.run("record", "--json", "d.json", "--ledger", "co.ledger");
    assertThat(honest.code()).as(honest.toString()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(honest.err()).contains("--accept-tail").doesNotContain("\tat ");
    assertThat(cli.run("checkpoint", "--new", "--ledger", "co.ledger").code()).isEqualTo(1);
    assertThat(cli.run("verify", "--ledger", "co.ledger", "--key", key).code()).isEqualTo(1);
    // After review, the operator accepts it.
    Cli.Result accept = cli.run("checkpoint", "--new", "--accept-tail", "--ledger", "co.ledger");
    assertThat(accept.code()).as(accept.toString()).isZero();
    assertThat(cli.run("verify", "--ledger", "co.ledger", "--key", key).code()).isZero();
    assertThat(cli.run("checkpoint", "--accept-tail", "--ledger", "co.ledger").code()).isEqualTo(2);
  }

  @Test
  void storedTextCannotForgeLogLines() throws Exception {
    assertThat(cli.run("init", "--ledger", "t.ledger").code()).isZero();
    String line = "{\"kind\":\"dataset\",\"actor\":\"evil\\nFAKE 99 line\",\"body\":"
        + dataset("1").substring(dataset("1").indexOf("{", 1)) ;
    Cli.Result rejected = cli.runWithInput((line + "\n").getBytes(StandardCharsets.UTF_8),
        "record", "--jsonl", "-", "--ledger", "t.ledger");
    assertThat(rejected.code()).as(rejected.toString()).isEqualTo(2);
    assertThat(rejected.err()).contains("actor");
    // Format characters that names may hold are escaped in every human output.
    Files.writeString(dir.resolve("d.json"), CliIT.DATASET.replace("\"raw\"", "\"r\\u200faw\""));
    assertThat(cli.run("record", "--json", "d.json", "--ledger", "t.ledger").code()).isZero();
    Cli.Result log = cli.run("log", "--ledger", "t.ledger");
    assertThat(log.out()).contains("r\\u200faw").doesNotContain("r\u200faw");
    Cli.Result show = cli.run("show", "0", "--ledger", "t.ledger");
    assertThat(show.out()).doesNotContain("\u200f");
  }
}
