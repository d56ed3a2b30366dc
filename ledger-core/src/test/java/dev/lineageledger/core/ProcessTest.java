package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Writers in separate JVMs: killed with SIGKILL mid-append, and two appending at once. */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessTest {
  @TempDir Path dir;

  /** Children still running when a test ends (it failed or timed out) are killed, not leaked. */
  static final java.util.Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  @AfterEach
  void killLeftoverChildren() {
    killLeftovers();
  }

  static void killLeftovers() {
    for (Process p : LIVE) {
      p.destroyForcibly();
    }
    LIVE.clear();
  }

  /** A child JVM running {@link ChildWriter}, with its acknowledged receipts collected. */
  static final class Child {
    final Process process;
    final Map<Long, String> acks = new ConcurrentHashMap<>();
    volatile VerifierKey key;
    volatile boolean done;
    final Thread reader;

    Child(Path ledger, SigningMode mode, Durability d, long count, String prefix) throws Exception {
      this(ledger, mode, d, count, prefix, Path.of(ledger + ".key"));
    }

    Child(Path ledger, SigningMode mode, Durability d, long count, String prefix, Path keyFile)
        throws Exception {
      this(ledger.toString(), mode, d, count, prefix, keyFile);
    }

    Child(String location, SigningMode mode, Durability d, long count, String prefix, Path keyFile)
        throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      process = childJvm(location, java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
          "-cp", System.getProperty("java.class.path"),
          ChildWriter.class.getName(), location, mode.id(), d.name(),
          String.valueOf(count), prefix, keyFile.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      LIVE.add(process);
      reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            String[] p = line.split(" ");
            switch (p[0]) {
              case "KEY" -> key = VerifierKey.parse(p[1]);
              case "ACK" -> acks.put(Long.parseLong(p[1]), p[2]);
              case "DONE" -> done = true;
              default -> { }
            }
            signal();
          }
        } catch (Exception e) {
          // the process was killed mid-line: the partial line was never an acknowledgement
        } finally {
          ended = true;
          signal();
        }
      });
      reader.start();
    }

    private volatile boolean ended;

    private synchronized void signal() {
      notifyAll();
    }

    /**
     * Waits, on the child's own output rather than by polling, until it has acknowledged
     * {@code n} records, its output ended, or the timeout passed.
     */
    synchronized void awaitAcks(int n, long timeoutMs) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      long left;
      while (acks.size() < n && !ended && (left = end - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    /** The child's verifier key, once it printed it; fails if the child died first. */
    synchronized VerifierKey awaitKey(long timeoutMs) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      long left;
      while (key == null && !ended && (left = end - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      if (key == null) {
        throw new AssertionError("child writer printed no key" + (ended ? " before it exited" : " in time"));
      }
      return key;
    }

    void kill() throws Exception {
      // SIGKILL on Linux. Through the handle: Process.destroyForcibly() also closes the parent's
      // end of the pipe, and the receipts the child printed last would never be read.
      process.toHandle().destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      reader.join(10_000);
    }
  }

  /**
   * A child JVM's command; for a PostgreSQL ledger with the test server's password in {@code
   * PGPASSWORD}, where the child's default password supplier reads it.
   */
  static ProcessBuilder childJvm(String location, String... command) {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (dev.lineageledger.core.internal.PostgresLocation.isPostgres(location)) {
      pb.environment().put("PGPASSWORD",
          dev.lineageledger.core.testing.PostgresServer.shared().password());
    }
    return pb;
  }

  /** Kills per signing-mode/durability configuration; 4 configurations give 100 per run. */
  static final int ROUNDS = Integer.getInteger("ledger.crash.rounds", 25);

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"PER_RECORD, FSYNC", "PER_RECORD, OS_BUFFERED", "CHECKPOINT_ONLY, FSYNC",
      "CHECKPOINT_ONLY, OS_BUFFERED"})
  void sigkillMidAppendLosesNothingAcknowledged(SigningMode mode, Durability durability) throws Exception {
    killRounds(dir.resolve("crash.ledger").toString(), mode, durability, ROUNDS);
  }

  /** The same on a PostgreSQL ledger, the writers killed while the server goes on. */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"PER_RECORD, FSYNC", "CHECKPOINT_ONLY, OS_BUFFERED"})
  void sigkillMidAppendToPostgresLosesNothingAcknowledged(SigningMode mode, Durability durability)
      throws Exception {
    killRounds(TestLedgers.postgresLocation(), mode, durability,
        Integer.getInteger("ledger.crash.pgRounds", 3));
  }

  private void killRounds(String ledger, SigningMode mode, Durability durability, int rounds)
      throws Exception {
    TestLedgers t = TestLedgers.keys();
    t.create(ledger, mode).close();
    Path keyFile = dir.resolve("crash-" + mode.id() + "-" + durability + ".key");
    KeyFiles.writePrivateKey(keyFile, t.key, null);
    List<VerifierKey> keys = new ArrayList<>(List.of(t.key.verifierKey()));
    Map<Long, String> allAcks = new HashMap<>();
    Random rnd = new Random(7 + mode.ordinal() * 31 + durability.ordinal());
    int kills = 0;
    for (int round = 0; round < rounds; round++) {
      Child c = new Child(ledger, mode, durability, -1, "crash" + round, keyFile);
      // Returns as soon as that many acknowledgements arrived; the bound only ends a stuck child
      // (a child starting slowly on a loaded machine must not be killed before its first ack).
      c.awaitAcks(1 + rnd.nextInt(150), 120_000);
      Thread.sleep(rnd.nextInt(20));
      c.kill();
      kills++;
      keys.add(c.key);
      allAcks.putAll(c.acks);
      try (Ledger l = Ledger.open(ledger, TestLedgers.readOnly())) {
        VerificationReport rep = l.verify(VerifyOptions.builder().trustedKeys(keys)
            .allowUncoveredTail(true).build());
        // verify() throws unless intact: check that it covered every record that is there.
        assertThat(rep.size()).isEqualTo(l.size());
        for (Map.Entry<Long, String> a : allAcks.entrySet()) {
          assertThat(l.record(a.getKey())).as("acknowledged record %d", a.getKey())
              .hasValueSatisfying(r -> assertThat(r.leafHash().hex()).isEqualTo(a.getValue()));
        }
      }
    }
    assertThat(allAcks).as("acknowledged records across %d kills", kills).hasSizeGreaterThan(rounds);
    System.out.printf("crash %s %s %s: %d kills, %d acknowledged records, all present%n",
        ledger.startsWith("postgresql:") ? "postgresql" : "sqlite", mode, durability, kills,
        allAcks.size());
    // Appending resumes on the same chain after the crashes.
    try (Ledger l = Ledger.open(ledger, t.options().build())) {
      long before = l.size();
      assertThat(l.append(TestLedgers.dataset("after", "1", 1)).seq()).isEqualTo(before);
      l.checkpoint();
      assertThat(l.verify(VerifyOptions.builder().trustedKeys(keys).build()).coveredSize())
          .isEqualTo(before + 1);
    }
  }

  /**
   * Three writer processes ({@link StreamWriter}, started at the same moment) append streams of
   * batches of 1 to 1024 records, two units at once now and then, all reading the same earlier
   * datasets by name, hash and seq: together they give exactly the seqs 0..n-1, each appendAll
   * unit one contiguous run, every receipt is there with its hash, references and edges, and
   * strict verification passes with the ledger's key alone.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"CHECKPOINT_ONLY, FSYNC", "PER_RECORD, OS_BUFFERED"})
  void threeProcessesAppendingLargeBatchesStayContiguous(SigningMode mode, Durability durability)
      throws Throwable {
    threeWriters(null, mode, durability, Long.getLong("ledger.processes.records", 2500));
  }

  /** The same on one PostgreSQL ledger (the writers could as well be on three machines). */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"CHECKPOINT_ONLY, FSYNC"})
  void threeProcessesAppendingToPostgresStayContiguous(SigningMode mode, Durability durability)
      throws Throwable {
    threeWriters(TestLedgers.postgresLocation(), mode, durability,
        Long.getLong("ledger.processes.pgRecords", 300));
  }

  /** Three writer processes on {@code location} (null: a new file). */
  private void threeWriters(String location, SigningMode mode, Durability durability, long each)
      throws Throwable {
    SeededTrials.run(mode + " " + durability, 1, g -> {
      Path work = java.nio.file.Files.createTempDirectory(dir, "three");
      String ledger = location != null ? location : work.resolve("three.ledger").toString();
      Path keyFile = work.resolve("three.key");
      TestLedgers t = TestLedgers.keys();
      CrashRecoveryTest.Acked acked = new CrashRecoveryTest.Acked();
      List<String> prior = new ArrayList<>();
      try (Ledger l = t.create(ledger, mode)) {
        List<RecordDraft> shared = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          shared.add(StreamWriter.dataset("shared-t" + i % 5, "v" + i));
        }
        List<Receipt> rs = l.appendAll(shared);
        for (int i = 0; i < rs.size(); i++) {
          String id = "dataset:shared-t" + i % 5 + "@v" + i;
          acked.add(new CrashRecoveryTest.Ack(rs.get(i).seq(), rs.get(i).leafHash().hex(), id,
              List.of(), List.of()));
          prior.add(rs.get(i).seq() + " " + rs.get(i).leafHash().hex() + " " + id);
        }
      }
      KeyFiles.writePrivateKey(keyFile, t.key, null);
      Path priorFile = work.resolve("prior.txt");
      java.nio.file.Files.write(priorFile, prior);
      List<CrashRecoveryTest.Writer> writers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        writers.add(new CrashRecoveryTest.Writer(ledger, keyFile, durability, g.nextLong(), "p" + w,
            priorFile, "mixed", -1, work.resolve("p" + w + ".err"), each));
      }
      for (CrashRecoveryTest.Writer w : writers) {
        w.await(() -> w.ready, "the ledger was open");
      }
      for (CrashRecoveryTest.Writer w : writers) {
        w.go();
      }
      Map<Long, Integer> writerOf = new HashMap<>();
      for (int w = 0; w < 3; w++) {
        CrashRecoveryTest.Writer x = writers.get(w);
        assertThat(x.process.waitFor(180, TimeUnit.SECONDS)).as("writer p%d finished", w).isTrue();
        x.reader.join(10_000);
        assertThat(x.process.exitValue()).as("writer p%d: %s", w, CrashRecoveryTest.tail(x.stderr))
            .isZero();
        assertThat(x.done).as("writer p%d finished its stream", w).isTrue();
        assertThat(x.problems).as("writer p%d output", w).isEmpty();
        assertThat((long) x.acks.size()).as("writer p%d acknowledged", w).isGreaterThanOrEqualTo(each);
        for (CrashRecoveryTest.Ack a : x.acks) {
          acked.add(a); // fails on a seq or an identity acknowledged twice
          writerOf.put(a.seq(), w);
        }
      }
      long n = acked.bySeq.size();
      // Contiguous: n distinct acknowledged seqs, the smallest 0 and the largest n-1.
      assertThat(acked.bySeq.firstKey()).isZero();
      assertThat(acked.bySeq.lastKey()).isEqualTo(n - 1);
      int switches = 0;
      for (long s = 41; s < n; s++) {
        if (!writerOf.get(s).equals(writerOf.get(s - 1))) {
          switches++;
        }
      }
      // Evidence that the writers did run at the same time (or this would prove little): one
      // after the other would hand over exactly twice.
      assertThat(switches).as("times the next seq went to another process").isGreaterThan(2);
      try (Ledger l = Ledger.open(ledger, TestLedgers.readOnly())) {
        assertThat(l.size()).isEqualTo(n);
        CrashRecoveryTest.checkEveryAcknowledged(l, acked, "three writers");
        VerificationReport rep = l.verify(VerifyOptions.builder()
            .trustedKeys(List.of(t.key.verifierKey())).build());
        assertThat(rep.size()).isEqualTo(n);
        assertThat(rep.coveredSize()).isEqualTo(n);
      }
      System.out.printf("three processes on %s, %s %s: %d records, seqs 0..%d contiguous, %d hand-overs"
          + " between processes, every receipt, reference and edge present%n",
          location == null ? "a file" : "postgresql", mode, durability,
          n, n - 1, switches);
    });
  }

  @Test
  void twoProcessesAppendingToOneFileNeverFork() throws Exception {
    Path ledger = dir.resolve("two.ledger");
    TestLedgers t = TestLedgers.keys();
    t.create(ledger, SigningMode.CHECKPOINT_ONLY).close();
    KeyFiles.writePrivateKey(Path.of(ledger + ".key"), t.key, null);
    Child a = new Child(ledger, SigningMode.CHECKPOINT_ONLY, Durability.FSYNC, 200, "a");
    Child b = new Child(ledger, SigningMode.CHECKPOINT_ONLY, Durability.FSYNC, 200, "b");
    assertThat(a.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(b.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    a.reader.join(10_000);
    b.reader.join(10_000);
    assertThat(a.done && b.done).isTrue();
    assertThat(a.acks).hasSize(200);
    assertThat(b.acks).hasSize(200);
    assertThat(a.acks.keySet()).doesNotContainAnyElementsOf(b.acks.keySet());
    try (Ledger l = Ledger.open(ledger, LedgerOptions.readOnly())) {
      assertThat(l.size()).isEqualTo(400);
      VerificationReport rep = l.verify(VerifyOptions.builder()
          .trustedKeys(List.of(a.key, b.key, t.key.verifierKey())).build());
      assertThat(rep.size()).isEqualTo(400);
      Map<Long, String> all = new HashMap<>(a.acks);
      all.putAll(b.acks);
      for (Map.Entry<Long, String> e : all.entrySet()) {
        assertThat(l.record(e.getKey()).orElseThrow().leafHash().hex()).isEqualTo(e.getValue());
      }
    }
  }
}
