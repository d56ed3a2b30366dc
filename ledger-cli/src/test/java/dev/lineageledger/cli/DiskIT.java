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
    Cli.Result v = cli.run("verify", "--ledger", "l.ledger", "--allow-uncovered", "--json");
    assertThat(v.code()).as(v.toString()).isZero();
    String export = cli.run("export", "--ledger", "l.ledger").out();
    for (String receipt : r.out().lines().toList()) {
      String[] p = receipt.split(" ");
      assertThat(export).contains("{\"seq\":" + p[0] + ",\"hash\":\"" + p[1].substring(7) + "\"");
    }
    Cli.Result more = cli.runWithInput(lines(3, 5000).getBytes(StandardCharsets.UTF_8),
        "record", "--jsonl", "-", "--ledger", "l.ledger");
    assertThat(more.code()).as(more.toString()).isZero();
    assertThat(cli.run("verify", "--ledger", "l.ledger").code()).isZero();
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
    assertThat(r.err()).startsWith("ledger: ").containsAnyOf("read-only", "cannot open")
        .doesNotContain("\tat ");
    assertThat(sh("mount", "-o", "remount,rw", mnt.toString())).isZero();
    Cli.Result v = cli.run("verify", "--ledger", "l.ledger", "--json");
    assertThat(v.code()).as(v.toString()).isZero();
    assertThat(v.out()).contains("\"size\":3,");
  }
}
