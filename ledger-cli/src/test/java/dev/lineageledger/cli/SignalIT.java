package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGINT in the middle of a long record stream: exits, loses nothing acknowledged, verifies. */
class SignalIT {
  @TempDir Path dir;

  @Test
  void sigintDuringALongStream() throws Exception {
    Cli cli = new Cli(dir);
    assertThat(cli.run("init", "--ledger", "s.ledger").code()).isZero();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Cli.jar(), "record", "--jsonl", "-", "--ledger", "s.ledger")
        .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<String> receipts = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (receipts) {
            receipts.add(line);
          }
        }
      } catch (Exception ignored) {
        // process ended
      }
    });
    reader.start();
    OutputStream in = p.getOutputStream();
    int sent = 0;
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      String line = CliIT.DATASET.replace("\"version\":\"1\"", "\"version\":\"" + sent + "\"") + "\n";
      in.write(line.getBytes(StandardCharsets.UTF_8));
      in.flush();
      sent++;
      synchronized (receipts) {
        if (receipts.size() >= 30) {
          break;
        }
      }
      Thread.sleep(2);
    }
    new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    reader.join(10_000);
    assertThat(p.exitValue()).isEqualTo(130);
    Cli.Result v = cli.run("verify", "--ledger", "s.ledger", "--json");
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
