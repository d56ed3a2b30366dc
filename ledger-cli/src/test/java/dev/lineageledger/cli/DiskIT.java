package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger on a full disk and on a read-only disk, using a small tmpfs (needs root, as in CI;
 * skipped elsewhere): one clear line, exit 3, and afterwards the ledger verifies and holds every
 * acknowledged record.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DiskIT {
  @TempDir Path dir;
  Path mnt;
  Cli cli;

  private static int sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }

  @BeforeEach
  void mount() throws Exception {
    mnt = dir.resolve("disk");
    Files.createDirectories(mnt);
    assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt.toString()) == 0,
        "mounting a tmpfs needs root");
    cli = new Cli(mnt);
  }

  @AfterEach
  void unmount() throws Exception {
    sh("umount", "-l", mnt.toString());
  }

  private static String lines(int n, int from) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < from + n; i++) {
      b.append(CliIT.DATASET.replace("\"version\":\"1\"", "\"version\":\"" + i + "\"")
          .replace("\"rowCount\":10", "\"rowCount\":10,\"description\":\"" + "x".repeat(500) + "\""))
          .append('\n');
    }
    return b.toString();
  }

  @Test
  void fullDisk() throws Exception {
    assertThat(cli.run("init", "--ledger", "l.ledger").code()).isZero();
    Cli.Result r = cli.runWithInput(lines(6000, 0).getBytes(StandardCharsets.UTF_8),
        "record", "--jsonl", "-", "--ledger", "l.ledger");
    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
    assertThat(r.err()).startsWith("ledger: ").contains("disk is full").doesNotContain("\tat ");
    long acknowledged = r.out().lines().count();
    assertThat(acknowledged).isPositive();
    assertThat(sh("mount", "-o", "remount,size=16m", mnt.toString())).isZero();
    Cli.Result v = cli.run("verify", "--trust-ledger-pub", "--ledger", "l.ledger", "--allow-uncovered", "--json");
    assertThat(v.code()).as(v.toString()).isZero();
    String export = cli.run("export", "--ledger", "l.ledger").out();
    for (String receipt : r.out().lines().toList()) {
      String[] p = receipt.split(" ");
      assertThat(export).contains("{\"seq\":" + p[0] + ",\"hash\":\"" + p[1].substring(7) + "\"");
    }
    Cli.Result more = cli.runWithInput(lines(3, 5000).getBytes(StandardCharsets.UTF_8),
        "record", "--jsonl", "-", "--ledger", "l.ledger");
    assertThat(more.code()).as(more.toString()).isZero();
    assertThat(cli.run("verify", "--trust-ledger-pub", "--ledger", "l.ledger").code()).isZero();
  }

  @Test
  void readOnlyDisk() throws Exception {
    assertThat(cli.run("init", "--ledger", "l.ledger").code()).isZero();
    assertThat(cli.runWithInput(lines(3, 0).getBytes(StandardCharsets.UTF_8),
        "record", "--jsonl", "-", "--ledger", "l.ledger").code()).isZero();
    assertThat(sh("mount", "-o", "remount,ro", mnt.toString())).isZero();
    Files.writeString(dir.resolve("d.json"), CliIT.DATASET);
    Cli.Result r = cli.run("record", "--json", dir.resolve("d.json").toString(), "--ledger", "l.ledger");
    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
    assertThat(r.err()).startsWith("ledger: ").contains("read-only").doesNotContain("\tat ");
    // Reading needs no write access: an archived ledger on a read-only mount is auditable.
    Cli.Result log = cli.run("log", "--ledger", "l.ledger");
    assertThat(log.code()).as(log.toString()).isZero();
    assertThat(log.out().lines()).hasSize(3);
    Cli.Result ro = cli.run("verify", "--trust-ledger-pub", "--ledger", "l.ledger", "--json");
    assertThat(ro.code()).as(ro.toString()).isZero();
    assertThat(ro.out()).contains("\"size\":3,");
    Cli.Result export = cli.run("export", "--ledger", "l.ledger");
    assertThat(export.code()).as(export.toString()).isZero();
    assertThat(export.out().lines()).hasSize(3);
    assertThat(cli.run("lineage", "0", "--ledger", "l.ledger").code()).isZero();
    assertThat(sh("mount", "-o", "remount,rw", mnt.toString())).isZero();
    Cli.Result v = cli.run("verify", "--trust-ledger-pub", "--ledger", "l.ledger", "--json");
    assertThat(v.code()).as(v.toString()).isZero();
    assertThat(v.out()).contains("\"size\":3,");
  }

  /** Nothing left to write to: init and key rotate are environment errors (3), not input (2). */
  @Test
  void fullDiskOnInitAndKeyRotate() throws Exception {
    assertThat(cli.run("init", "--ledger", "kept.ledger").code()).isZero();
    Path fill = mnt.resolve("fill");
    fillUp(fill);
    Cli.Result init = cli.run("init", "--ledger", "l.ledger");
    assertThat(init.code()).as(init.toString()).isEqualTo(3);
    assertThat(init.err().lines().toList()).as(init.toString()).hasSize(1);
    // Nothing half-made is left behind to block the next attempt.
    assertThat(mnt.resolve("l.ledger")).doesNotExist();
    assertThat(mnt.resolve("l.ledger.key")).doesNotExist();
    assertThat(mnt.resolve("l.ledger.pub")).doesNotExist();
    String before = cli.run("key", "verifier", "--ledger", "kept.ledger").out();
    Cli.Result rotate = cli.run("key", "rotate", "--ledger", "kept.ledger");
    assertThat(rotate.code()).as(rotate.toString()).isEqualTo(3);
    assertThat(rotate.err().lines().toList()).as(rotate.toString()).hasSize(1);
    Files.delete(fill);
    assertThat(cli.run("key", "verifier", "--ledger", "kept.ledger").out()).isEqualTo(before);
    assertThat(cli.run("init", "--ledger", "l.ledger").code()).isZero();
    Cli.Result again = cli.run("key", "rotate", "--ledger", "kept.ledger");
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(cli.run("verify", "--trust-ledger-pub", "--ledger", "kept.ledger").code()).isZero();
  }

  private static void fillUp(Path file) throws Exception {
    byte[] block = new byte[4096];
    try (java.io.OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (java.io.IOException full) {
      // the disk is full
    }
  }
}
