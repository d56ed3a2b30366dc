package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ledger-core's BoundedMemoryTest through the packaged CLI: {@code ledger record --jsonl -} reads
 * a stream of 1,000,000 records (override: {@code -Dledger.memtest.records=N}, a multiple of 4)
 * from a pipe in a JVM with a 64 MiB heap, printing a receipt per line; then {@code ledger
 * verify}, {@code prove} (record 0 and the last record, checked with {@code verify-proof}) and
 * {@code lineage}, each in a 64 MiB heap too. Groups of four records: datasets {@code 4g},
 * {@code 4g+1}, {@code 4g+2} and a transform reading {@code 4g} by name, {@code 4g+1} by seq and
 * {@code 4(g-LAG)+1} by {@code sha256:} (the feeder waits for that receipt, so the hash is the
 * one the CLI printed), writing {@code 4g+2}; lineage closures are known exactly.
 */
@Tag("long") // minutes: not in mvn -B verify; mvn -B -Plong (parent POM), which .ci/run runs
class JsonlStreamMemoryIT {
  static final long RECORDS = Long.getLong("ledger.memtest.records", 1_000_000);
  static final long TIMEOUT_MINUTES = Long.getLong("ledger.memtest.timeoutMinutes", 40);
  /** Groups back to the transform's sha256: input: well behind what the CLI has in flight. */
  static final int LAG = 600;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static String name(long seq) {
    return "events-" + (seq / 4 % 512);
  }

  static String version(long seq) {
    return (seq / 4) + "." + (seq % 4);
  }

  static String line(long seq, String lagHash) {
    if (seq % 4 != 3) {
      return String.format(Locale.ROOT, "{\"kind\":\"dataset\",\"actor\":\"ingest@pipeline\","
          + "\"body\":{\"name\":\"%s\",\"version\":\"%s\",\"uri\":\"s3://lake/%s/%s\","
          + "\"digest\":\"sha256:%064x\",\"rowCount\":%d}}", name(seq), version(seq), name(seq),
          version(seq), seq, 1000 + seq % 1000);
    }
    long g = seq / 4;
    String inputs = "\"dataset:" + name(4 * g) + "@" + version(4 * g) + "\"," + (4 * g + 1)
        + (lagHash == null ? "" : ",\"sha256:" + lagHash + "\"");
    return "{\"kind\":\"transform\",\"actor\":\"featurize@airflow\",\"body\":{\"name\":\"job-"
        + (g % 512) + "\",\"type\":\"feature-engineering\",\"inputs\":[" + inputs + "],"
        + "\"outputs\":[\"dataset:" + name(4 * g + 2) + "@" + version(4 * g + 2) + "\"],"
        + "\"codeVersion\":\"git:4f2a9c1\",\"runId\":\"run-" + g + "\"}}";
  }

  /** Receipts as the CLI prints them, read as they come. */
  static final class Receipts {
    final String[] ring = new String[4 * LAG + 16];
    long count;
    String first;
    String last;
    String problem;
    boolean ended;

    synchronized void add(String line) {
      String[] p = line.split(" ");
      if (problem == null && (p.length != 2 || !p[0].equals(String.valueOf(count))
          || !p[1].matches("sha256:[0-9a-f]{64}"))) {
        problem = "receipt " + count + " is '" + line + "'";
      }
      String hex = p.length == 2 ? p[1].substring("sha256:".length()) : "";
      ring[(int) (count % ring.length)] = hex;
      if (count == 0) {
        first = hex;
      }
      last = hex;
      count++;
      notifyAll();
    }

    synchronized long count() {
      return count;
    }

    synchronized String awaitHash(long seq) throws InterruptedException {
      while (count <= seq && !ended) {
        wait(1000);
      }
      return count > seq ? ring[(int) (seq % ring.length)] : null;
    }

    synchronized void end() {
      ended = true;
      notifyAll();
    }
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void recordJsonlFromAPipeIn64MegabytesOfHeap() throws Exception {
    long n = RECORDS;
    assertThat(n % 4 == 0 && n / 8 > LAG && n / 8 + LAG < n / 4)
        .as("records must be a multiple of 4 above %d", 8 * (LAG + 1)).isTrue();
    Cli small = new Cli(dir, Map.of(), List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"));
    Cli.Result init = small.run("init", "--ledger", "m.ledger", "--origin", "ci.example/m",
        "--signing", "checkpoint-only");
    assertThat(init.code()).as(init.toString()).isZero();
    String vk = small.run("key", "verifier", "--ledger", "m.ledger").out().strip();

    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
        "-XX:+ExitOnOutOfMemoryError", "-jar", Cli.jar(), "record", "--jsonl", "-",
        "--ledger", "m.ledger", "--durability", "OS_BUFFERED"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectError(dir.resolve("record.err").toFile());
    pb.environment().remove("LEDGER_PATH");
    pb.environment().put("LEDGER_ACTOR", "tester@ci");
    long started = System.nanoTime();
    Process p = pb.start();
    Receipts receipts = new Receipts();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          receipts.add(line);
        }
      } catch (java.io.IOException e) {
        // the process died: its exit status and the count say so
      } finally {
        receipts.end();
      }
    });
    reader.start();
    try (OutputStream in = new BufferedOutputStream(p.getOutputStream(), 1 << 16)) {
      for (long seq = 0; seq < n; seq++) {
        String lagHash = null;
        if (seq % 4 == 3 && seq / 4 >= LAG) {
          long old = 4 * (seq / 4 - LAG) + 1;
          if (receipts.count() <= old) {
            in.flush(); // the CLI commits what it has once the pipe runs dry
          }
          lagHash = receipts.awaitHash(old);
          if (lagHash == null) {
            break; // the CLI ended early: reported below
          }
        }
        in.write((line(seq, lagHash) + "\n").getBytes(StandardCharsets.UTF_8));
        if (seq % 100_000 == 99_999) {
          System.out.printf("jsonl memtest: %d lines written, %d receipts, %.1f s%n", seq + 1,
              receipts.count(), (System.nanoTime() - started) / 1e9);
        }
      }
    } catch (java.io.IOException e) {
      // the CLI stopped reading: its exit status and stderr say why
    }
    boolean exited = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
    if (!exited) {
      p.destroyForcibly();
    }
    reader.join(30_000);
    double recordSeconds = (System.nanoTime() - started) / 1e9;
    String err = Files.readString(dir.resolve("record.err"));
    assertThat(exited).as("record --jsonl finished within %d minutes", TIMEOUT_MINUTES).isTrue();
    assertThat(p.exitValue()).as("record --jsonl in 64 MiB; stderr:%n%s", err).isZero();
    assertThat(receipts.problem).isNull();
    assertThat(receipts.count).isEqualTo(n);

    long t1 = System.nanoTime();
    Cli.Result verify = small.run("verify", "--ledger", "m.ledger", "--key", vk);
    double verifySeconds = (System.nanoTime() - t1) / 1e9;
    assertThat(verify.code()).as(verify.toString()).isZero();
    assertThat(verify.out()).as(verify.toString())
        .contains("OK: " + n + " records verified").contains("covered up to size " + n + ".");

    for (long seq : List.of(0L, n - 1)) {
      String file = "proof-" + seq + ".json";
      Cli.Result prove = small.run("prove", String.valueOf(seq), "--ledger", "m.ledger", "-o", file);
      assertThat(prove.code()).as(prove.toString()).isZero();
      JsonNode proof = JSON.readTree(dir.resolve(file).toFile());
      assertThat(proof.get("index").asLong()).isEqualTo(seq);
      assertThat(proof.get("size").asLong()).isEqualTo(n);
      assertThat(HexFormat.of().formatHex(Base64.getDecoder().decode(proof.get("leafHash").asText())))
          .as("record %d's proven leaf hash", seq).isEqualTo(seq == 0 ? receipts.first : receipts.last);
      Cli.Result check = small.run("verify-proof", file, "--key", vk);
      assertThat(check.code()).as(check.toString()).isZero();
    }

    long g = n / 8;
    long t = 4 * g + 3;
    Cli.Result up = small.run("lineage", "transform:job-" + (g % 512) + "@run-" + g,
        "--ledger", "m.ledger", "--format", "json");
    assertThat(up.code()).as(up.toString()).isZero();
    assertThat(seqs(JSON.readTree(up.out()).get("nodes")))
        .isEqualTo(new TreeSet<>(Set.of(t, 4 * g, 4 * g + 1, 4 * (g - LAG) + 1)));
    long d = 4 * g + 1;
    Cli.Result down = small.run("lineage", "dataset:" + name(d) + "@" + version(d), "--downstream",
        "--ledger", "m.ledger", "--format", "json");
    assertThat(down.code()).as(down.toString()).isZero();
    long later = 4 * (g + LAG) + 3;
    assertThat(seqs(JSON.readTree(down.out()).get("nodes")))
        .isEqualTo(new TreeSet<>(Set.of(d, t, t - 1, later, later - 1)));
    System.out.printf(Locale.ROOT, "jsonl memtest: %d records through 'ledger record --jsonl -' in"
        + " 64 MiB: %.1f s; verify %.1f s%n", n, recordSeconds, verifySeconds);
  }

  private static TreeSet<Long> seqs(JsonNode nodes) {
    TreeSet<Long> s = new TreeSet<>();
    nodes.forEach(x -> s.add(x.get("seq").asLong()));
    return s;
  }
}
