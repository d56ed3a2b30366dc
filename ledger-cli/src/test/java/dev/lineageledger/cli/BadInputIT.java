package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input: one clear line on stderr, the documented exit code, no stack trace,
 * and the ledger unchanged and intact afterwards.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadInputIT {
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(dir);
    assertThat(cli.run("init", "--ledger", "l.ledger").code()).isZero();
    assertThat(cli.runWithInput(CliIT.DATASET.getBytes(StandardCharsets.UTF_8),
        "record", "--json", "-", "--ledger", "l.ledger").code()).isZero();
  }

  private void assertRejected(Cli.Result r, int code, String fragment) throws Exception {
    assertThat(r.code()).as(r.toString()).isEqualTo(code);
    assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
    assertThat(r.err()).as(r.toString()).startsWith("ledger: ").contains(fragment)
        .doesNotContain("\tat ").doesNotContain("Exception");
    assertUnchanged();
  }

  private void assertUnchanged() throws Exception {
    Cli.Result v = cli.run("verify", "--trust-ledger-pub", "--ledger", "l.ledger", "--json");
    assertThat(v.code()).as(v.toString()).isZero();
    assertThat(v.out()).contains("\"size\":1,");
  }

  private Cli.Result record(String input) throws Exception {
    return cli.runWithInput(input.getBytes(StandardCharsets.UTF_8), "record", "--json", "-",
        "--ledger", "l.ledger");
  }

  @Test
  void malformedJson() throws Exception {
    assertRejected(record("{\"kind\":\"dataset\","), 2, "Unexpected end-of-input");
  }

  @Test
  void invalidUtf8() throws Exception {
    byte[] b = CliIT.DATASET.replace("raw", "r\u00e9w").getBytes(StandardCharsets.UTF_8);
    byte[] bad = Arrays.copyOf(b, b.length);
    for (int i = 0; i < bad.length; i++) {
      if ((bad[i] & 0xff) == 0xc3) {
        bad[i + 1] = 0x28; // C3 28: not UTF-8
      }
    }
    assertRejected(cli.runWithInput(bad, "record", "--json", "-", "--ledger", "l.ledger"), 2, "UTF-8");
  }

  @Test
  void wrongTypesUnknownKindMissingAndOversizedFields() throws Exception {
    assertRejected(cli.run("record", "widget", "--name", "x", "--ledger", "l.ledger"), 2,
        "unknown kind 'widget'");
    assertRejected(record("{\"kind\":\"dataset\",\"body\":{\"name\":\"x\",\"version\":\"1\"}}"), 2,
        "body.uri: is required for kind dataset");
    assertRejected(record(CliIT.DATASET.replace("\"rowCount\":10", "\"rowCount\":\"ten\"")), 2,
        "body.rowCount: must be a non-negative integer");
    assertRejected(record(CliIT.DATASET.replace("\"name\":\"raw\"", "\"name\":\"" + "n".repeat(300) + "\"")),
        2, "body.name: is too long (300 characters, at most 256)");
  }

  @Test
  void danglingReference() throws Exception {
    assertRejected(cli.run("record", "approval", "--subject", "99", "--approver", "a",
        "--decision", "approved", "--ledger", "l.ledger"), 2,
        "body.subject: dangling reference: record 99 does not exist");
  }

  @Test
  void streamStopsAtTheBadLineAndKeepsWhatCameBefore() throws Exception {
    String good = CliIT.DATASET.replace("\"version\":\"1\"", "\"version\":\"2\"");
    Cli.Result r = cli.runWithInput((good + "\n" + "{\"kind\":\"model\"}\n" + good + "\n")
        .getBytes(StandardCharsets.UTF_8), "record", "--jsonl", "-", "--ledger", "l.ledger");
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).startsWith("ledger: ").contains("line 2:");
    assertThat(r.out().lines()).hasSize(1); // line 1 was acknowledged, nothing after line 2
    Cli.Result v = cli.run("verify", "--trust-ledger-pub", "--ledger", "l.ledger", "--json");
    assertThat(v.code()).as(v.toString()).isZero();
    assertThat(v.out()).contains("\"size\":2,");
  }

  @Test
  void hugeLineOnStdin() throws Exception {
    byte[] huge = new byte[2 * 1024 * 1024 + 10];
    Arrays.fill(huge, (byte) 'x');
    assertRejected(cli.runWithInput(huge, "record", "--jsonl", "-", "--ledger", "l.ledger"), 2,
        "line 1 is longer than 1048576 bytes");
  }

  @Test
  void missingLedgerAndFilesThatAreNotLedgers() throws Exception {
    Cli.Result missing = cli.run("log", "--ledger", "nope.ledger");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).startsWith("ledger: no ledger at ")
        .contains("nope.ledger (create one with 'ledger init')");
    Files.writeString(dir.resolve("notes.txt"), "just some text\n".repeat(500));
    Cli.Result notLedger = cli.run("verify", "--ledger", "notes.txt", "--key", "x+00000000+AA");
    assertThat(notLedger.code()).as(notLedger.toString()).isEqualTo(2);
    Cli.Result notLedger2 = cli.run("log", "--ledger", "notes.txt");
    assertThat(notLedger2.code()).as(notLedger2.toString()).isEqualTo(2);
    assertThat(notLedger2.err()).contains("not a ledger").doesNotContain("\tat ");
  }

  @Test
  void wrongCorruptOrLockedKeys() throws Exception {
    assertThat(cli.run("init", "--ledger", "other.ledger").code()).isZero();
    assertRejected(cli.run("record", "--json", "x.json", "--ledger", "l.ledger",
        "--key-file", "other.ledger.key"), 2, "no such file: ");
    Files.writeString(dir.resolve(CliIT.class.getSimpleName() + ".json"), CliIT.DATASET);
    assertRejected(cli.run("record", "--json", "CliIT.json", "--ledger", "l.ledger",
        "--key-file", "other.ledger.key"), 2, "does not match the ledger's verifier key");
    Files.writeString(dir.resolve("l.ledger.key"), "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
    assertRejected(cli.run("record", "--json", "CliIT.json", "--ledger", "l.ledger"), 2,
        "is not a PEM file (bad base64)");
  }

  @Test
  void wrongPassphrase() throws Exception {
    Files.writeString(dir.resolve("pass"), "correct horse\n");
    Files.writeString(dir.resolve("wrong"), "battery staple\n");
    assertThat(cli.run("init", "--ledger", "enc.ledger", "--passphrase-file", "pass").code()).isZero();
    assertThat(Files.readString(dir.resolve("enc.ledger.key"))).contains("ENCRYPTED PRIVATE KEY");
    Files.writeString(dir.resolve("d.json"), CliIT.DATASET);
    Cli.Result ok = cli.run("record", "--json", "d.json", "--ledger", "enc.ledger", "--passphrase-file", "pass");
    assertThat(ok.code()).as(ok.toString()).isZero();
    Cli.Result wrong = cli.run("record", "--json", "d.json", "--ledger", "enc.ledger", "--passphrase-file", "wrong");
    assertThat(wrong.code()).as(wrong.toString()).isEqualTo(2);
    assertThat(wrong.err()).contains("wrong passphrase").doesNotContain("battery");
    Cli.Result none = cli.run("record", "--json", "d.json", "--ledger", "enc.ledger");
    assertThat(none.code()).as(none.toString()).isEqualTo(2);
    assertThat(none.err()).contains("passphrase is required");
  }

  @Test
  void lockedDatabase() throws Exception {
    Files.writeString(dir.resolve("d.json"), CliIT.DATASET.replace("\"version\":\"1\"", "\"version\":\"9\""));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("l.ledger"));
        Statement s = c.createStatement()) {
      s.execute("BEGIN EXCLUSIVE");
      Cli.Result r = cli.run("record", "--json", "d.json", "--ledger", "l.ledger", "--lock-timeout", "1");
      assertThat(r.code()).as(r.toString()).isEqualTo(3);
      assertThat(r.err()).startsWith("ledger: ").contains("locked").doesNotContain("\tat ");
      s.execute("ROLLBACK");
    }
    assertUnchanged();
  }

  @Test
  void usageErrors() throws Exception {
    Cli.Result r = cli.run("prove");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required parameter");
    assertThat(cli.run("verify", "--no-such-flag").code()).isEqualTo(2);
    assertThat(cli.run("lineage", "0", "--ledger", "l.ledger", "--format", "png").code()).isEqualTo(2);
  }
}
