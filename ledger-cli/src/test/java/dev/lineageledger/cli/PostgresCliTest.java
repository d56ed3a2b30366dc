package dev.lineageledger.cli;

import static dev.lineageledger.cli.Cli.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lineageledger.core.testing.PostgresServer;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command on a PostgreSQL ledger, in process against the real server of the tests: init
 * with --key-file, key verifier, record (flags, --json, --jsonl), log, show, lineage, checkpoint,
 * prove, consistency, export, verify (full and incremental), sync purview, copy to and from a
 * file; the password from PGPASSWORD or --password-file; bad sign-ins are one line.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PostgresCliTest {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  PostgresServer pg;
  String database;
  Cli cli;

  @BeforeEach
  void setUp() {
    pg = PostgresServer.shared();
    database = pg.freshDatabase();
    cli = new Cli(dir, Map.of("PGPASSWORD", pg.password()));
  }

  private String location() {
    return pg.location(database, "cli_" + SCHEMAS.incrementAndGet());
  }

  private Cli.Result ok(Cli.Result r) {
    assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }

  @Test
  void everyCommandWorksOnAPostgresLedger() throws Exception {
    String loc = location();
    Cli.Result init = ok(cli.run("init", "--ledger", loc, "--origin", "ci.example/pg",
        "--key-file", "pg.key", "--signing", "checkpoint-only"));
    assertThat(init.out()).contains("created " + loc);
    assertThat(Files.getPosixFilePermissions(dir.resolve("pg.key"))).containsExactlyInAnyOrder(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    String vk = ok(cli.run("key", "verifier", "--ledger", loc, "--key-file", "pg.key")).out().strip();
    assertThat(vk).startsWith("ci.example/pg+");
    assertThat(init.out()).contains(vk);

    ok(cli.run("record", "dataset", "--ledger", loc, "--key-file", "pg.key", "--name", "raw",
        "--version", "1", "--uri", "s3://lake/raw/1", "--digest", "sha256:" + "b".repeat(64)));
    Files.writeString(dir.resolve("d.json"), "{\"kind\":\"dataset\",\"body\":{\"name\":\"raw\","
        + "\"version\":\"2\",\"uri\":\"s3://lake/raw/2\",\"digest\":\"sha256:" + "c".repeat(64) + "\"}}");
    ok(cli.run("record", "--json", "d.json", "--ledger", loc, "--key-file", "pg.key"));
    ok(cli.run("checkpoint", "--ledger", loc, "--key-file", "pg.key"));
    Files.writeString(dir.resolve("old.note"),
        ok(cli.run("checkpoint", "--ledger", loc)).out());
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      lines.append("{\"kind\":\"transform\",\"body\":{\"name\":\"t\",\"type\":\"training\",")
          .append("\"inputs\":[0,\"dataset:raw@2\"],\"codeVersion\":\"c\",\"runId\":\"r").append(i)
          .append("\"}}\n");
    }
    Cli.Result stream = ok(cli.runWithInput(lines.toString().getBytes(StandardCharsets.UTF_8),
        "record", "--jsonl", "-", "--ledger", loc, "--key-file", "pg.key"));
    assertThat(stream.out().lines()).hasSize(20);
    ok(cli.run("checkpoint", "--new", "--ledger", loc, "--key-file", "pg.key"));

    assertThat(ok(cli.run("log", "--ledger", loc, "--kind", "dataset")).out().lines()).hasSize(2);
    assertThat(ok(cli.run("show", "dataset:raw@2", "--ledger", loc)).out()).contains("s3://lake/raw/2");
    assertThat(ok(cli.run("lineage", "dataset:raw@1", "--ledger", loc,
        "--downstream")).out()).contains("transform");
    JsonNode proof = JSON.readTree(ok(cli.run("prove", "dataset:raw@1", "--ledger", loc,
        "--json")).out());
    assertThat(proof.get("index").asLong()).isZero();
    Files.writeString(dir.resolve("proof.json"), JSON.writeValueAsString(proof));
    ok(cli.run("verify-proof", "proof.json", "--key", vk));
    ok(cli.run("consistency", "--key", vk, "old.note", "--ledger", loc));
    assertThat(ok(cli.run("export", "--ledger", loc)).out().lines()).hasSize(22);
    Cli.Result verify = ok(cli.run("verify", "--ledger", loc, "--key", vk));
    assertThat(verify.out()).contains("OK: 22 records verified");
    ok(cli.run("verify", "--ledger", loc, "--key", vk, "--from-checkpoint", "old.note"));

    try (PurviewEmulator purview = PurviewEmulator.builder().token("t0k3n").start()) {
      Files.writeString(dir.resolve("token"), "t0k3n\n");
      Cli.Result sync = ok(cli.run("sync", "purview", "--ledger", loc, "--endpoint",
          purview.datamapUrl(), "--token-file", "token"));
      assertThat(sync.out()).contains("Synced " + loc);
    }

    // Copy to a file and back into another schema: the same ledger, verified with the same key.
    Cli.Result toFile = ok(cli.run("copy", loc, "copy.ledger", "--key", vk));
    assertThat(toFile.out()).contains("copied 22 records");
    ok(cli.run("verify", "--ledger", "copy.ledger", "--key", vk));
    String back = location();
    ok(cli.run("copy", "copy.ledger", back, "--key", vk));
    assertThat(ok(cli.run("export", "--ledger", back)).out())
        .isEqualTo(ok(cli.run("export", "--ledger", loc)).out());
    ok(cli.run("record", "dataset", "--ledger", back, "--key-file", "pg.key", "--name", "raw",
        "--version", "3", "--uri", "s3://lake/raw/3", "--digest", "sha256:" + "d".repeat(64)));
  }

  @Test
  void thePasswordComesFromAFileOrTheEnvironmentNeverTheCommandLine() throws Exception {
    String loc = location();
    Files.writeString(dir.resolve("pw"), pg.password() + "\n");
    Cli noEnv = new Cli(dir);
    ok(noEnv.run("init", "--ledger", loc, "--origin", "ci.example/pw", "--key-file", "k.key",
        "--password-file", "pw"));
    ok(noEnv.run("log", "--ledger", loc, "--password-file", "pw"));
    assertOneLineError(noEnv.run("log", "--ledger", loc), 3, "cannot connect");
    Files.writeString(dir.resolve("wrong"), "not-the-password\n");
    assertOneLineError(noEnv.run("log", "--ledger", loc, "--password-file", "wrong"), 3,
        "cannot connect");
    String withPassword = loc.replace("postgresql://postgres@", "postgresql://postgres:secret@");
    Cli.Result inUri = noEnv.run("log", "--ledger", withPassword);
    assertThat(inUri.code()).as(inUri.toString()).isNotZero();
    assertThat(inUri.err()).doesNotContain("secret").doesNotContain("\tat ");
  }

  @Test
  void aPostgresLedgerNeedsAKeyFileAndAnOrigin() throws Exception {
    String loc = location();
    assertOneLineError(cli.run("init", "--ledger", loc, "--origin", "ci.example/k"), 2,
        "--key-file");
    assertOneLineError(cli.run("init", "--ledger", loc, "--key-file", "k.key"), 2, "--origin");
    ok(cli.run("init", "--ledger", loc, "--origin", "ci.example/k", "--key-file", "k.key"));
    assertOneLineError(cli.run("record", "dataset", "--ledger", loc, "--name", "raw",
        "--version", "1", "--uri", "s3://x", "--digest", "sha256:" + "b".repeat(64)), 2,
        "--key-file");
    assertOneLineError(cli.run("verify", "--ledger", loc, "--trust-ledger-pub"), 2, "--key");
    assertOneLineError(cli.run("init", "--ledger", loc, "--origin", "ci.example/k",
        "--key-file", "k2.key"), 3, "");
  }

  @Test
  void anUnreachableServerIsOneLine() throws Exception {
    String loc = "postgresql://postgres@127.0.0.1:1/nowhere";
    assertOneLineError(cli.run("log", "--ledger", loc), 3, "cannot connect");
  }

  @Test
  void tamperingBySqlIsLocatedByVerify() throws Exception {
    String loc = location();
    ok(cli.run("init", "--ledger", loc, "--origin", "ci.example/t", "--key-file", "t.key"));
    String vk = ok(cli.run("key", "verifier", "--ledger", loc, "--key-file", "t.key")).out().strip();
    for (int i = 1; i <= 3; i++) {
      ok(cli.run("record", "dataset", "--ledger", loc, "--key-file", "t.key", "--name", "d" + i,
          "--version", "1", "--uri", "s3://lake/d" + i, "--digest", "sha256:" + "e".repeat(64)));
    }
    ok(cli.run("checkpoint", "--new", "--ledger", loc, "--key-file", "t.key"));
    String schema = loc.substring(loc.indexOf("schema=") + 7);
    try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + schema);
      s.execute("ALTER TABLE records DISABLE TRIGGER ALL");
      s.execute("UPDATE records SET actor = 'mallory' WHERE seq = 1");
    }
    Cli.Result bad = cli.run("verify", "--ledger", loc, "--key", vk, "--json");
    assertThat(bad.code()).as(bad.toString()).isEqualTo(1);
    JsonNode f = JSON.readTree(bad.out()).get("failures").get(0);
    assertThat(f.get("seq").asLong()).isEqualTo(1);
    assertThat(f.get("reason").asText()).isEqualTo("derived-column-mismatch");
  }
}
