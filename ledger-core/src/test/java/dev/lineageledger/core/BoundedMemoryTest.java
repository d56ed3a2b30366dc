package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays bounded however long the ledger: a stream of {@value #DEFAULT_RECORDS} records
 * (datasets and transforms with references by name, seq and hash; {@link MemoryStreamChild}) is
 * appended in {@code appendAll} batches, checkpoint-only, OS_BUFFERED, by a JVM with a 64 MiB
 * heap, which then verifies the whole ledger, proves the first and the last record in the full
 * tree and walks lineage, all exactly checked. The child must exit 0: an {@link
 * OutOfMemoryError} anywhere (the writer thread included) ends it with a non-zero status.
 *
 * <p>{@code -Dledger.memtest.records=N} (a multiple of 4, at least 8 x (batch/4 + 3)) and {@code
 * -Dledger.memtest.batch=N} change the stream; {@code -Dledger.memtest.timeoutMinutes} the
 * bound on the child. The heap is for the JVM only: SQLite's page cache is native memory.
 */
@Tag("long") // minutes: not in mvn -B verify; mvn -B -Plong (parent POM), which .ci/run runs
class BoundedMemoryTest {
  static final long DEFAULT_RECORDS = 1_000_000;
  static final long RECORDS = Long.getLong("ledger.memtest.records", DEFAULT_RECORDS);
  static final int BATCH = Integer.getInteger("ledger.memtest.batch", 1024);
  static final long TIMEOUT_MINUTES = Long.getLong("ledger.memtest.timeoutMinutes", 40);

  @TempDir Path dir;

  @AfterEach
  void killLeftoverChildren() {
    ProcessTest.killLeftovers();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void longStreamAppendsVerifiesAndProvesIn64MegabytesOfHeap() throws Exception {
    Path ledger = dir.resolve("long.ledger");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
        "-cp", System.getProperty("java.class.path"), MemoryStreamChild.class.getName(),
        ledger.toString(), String.valueOf(RECORDS), String.valueOf(BATCH))
        .redirectErrorStream(true).start();
    ProcessTest.LIVE.add(p);
    long started = System.nanoTime();
    List<String> output = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          System.out.println("memtest: " + line);
          synchronized (output) {
            output.add(line);
          }
        }
      } catch (java.io.IOException e) {
        // the child was killed: its exit status says so
      }
    });
    reader.start();
    boolean exited = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
    if (!exited) {
      p.destroyForcibly();
    }
    reader.join(10_000);
    double seconds = (System.nanoTime() - started) / 1e9;
    String all;
    synchronized (output) {
      all = String.join("\n", output);
    }
    assertThat(exited).as("the child finished within %d minutes; output:%n%s", TIMEOUT_MINUTES, all)
        .isTrue();
    assertThat(p.exitValue()).as("exit status of the 64 MiB child; output:%n%s", all).isZero();
    assertThat(output).as(all).last().asString()
        .startsWith("OK records=" + RECORDS + " batch=" + BATCH + " ");
    System.out.printf("memtest: %d records in a 64 MiB heap: appended, verified, proved and walked"
        + " in %.1f s (child JVM wall time)%n", RECORDS, seconds);
  }
}
