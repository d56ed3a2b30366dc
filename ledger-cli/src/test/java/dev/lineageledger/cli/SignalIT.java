package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SIGINT in the middle of a long record stream: exits, loses nothing acknowledged, verifies. */
class SignalIT {
  @TempDir Path dir;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void sigintDuringALongStream() throws Exception {
    Cli cli = new Cli(dir);
    assertThat(cli.run("init", "--ledger", "s.ledger").code()).isZero();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Cli.jar(), "record", "--jsonl", "-", "--ledger", "s.ledger")
        .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      sigintAfterThirtyReceipts(cli, p);
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * Waits on events, not on the clock: the writer streams lines until the process stops
   * reading, the reader counts receipts, and SIGINT is sent once 30 have arrived however long
   * that takes on a loaded machine (the test's timeout bounds it).
   */
  private void sigintAfterThirtyReceipts(Cli cli, Process p) throws Exception {
    List<String> receipts = new CopyOnWriteArrayList<>();
    CountDownLatch thirty = new CountDownLatch(30);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          receipts.add(line);
          thirty.countDown();
        }
      } catch (Exception ignored) {
        // process ended
      }
    });
    reader.start();
    Thread writer = new Thread(() -> {
      try (OutputStream in = p.getOutputStream()) {
        for (int sent = 0; ; sent++) {
          String line = CliIT.DATASET.replace("\"version\":\"1\"", "\"version\":\"" + sent + "\"") + "\n";
          in.write(line.getBytes(StandardCharsets.UTF_8));
          in.flush();
        }
      } catch (Exception ignored) {
        // the process stopped reading: it was interrupted
      }
    });
    writer.setDaemon(true);
    writer.start();
    while (!thirty.await(100, TimeUnit.MILLISECONDS)) {
      assertThat(p.isAlive()).as("the CLI died before acknowledging 30 records").isTrue();
    }
    new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
    assertThat(p.waitFor()).isEqualTo(130);
    reader.join();
    Cli.Result v = cli.run("verify", "--trust-ledger-pub", "--ledger", "s.ledger", "--json");
    assertThat(v.code()).as(v.toString()).isZero();
    String export = cli.run("export", "--ledger", "s.ledger").out();
    for (String r : receipts) {
      String[] parts = r.split(" ");
      assertThat(export).contains("{\"seq\":" + parts[0] + ",\"hash\":\""
          + parts[1].substring("sha256:".length()) + "\"");
    }
    assertThat(receipts).hasSizeGreaterThanOrEqualTo(30);
  }
}
