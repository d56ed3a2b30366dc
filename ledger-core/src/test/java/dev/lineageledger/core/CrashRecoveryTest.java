package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import dev.lineageledger.core.internal.LedgerStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Writers killed with SIGKILL in the middle of long streams ({@link StreamWriter}: batches of 1 to
 * 1024 datasets and transforms that reference earlier records by {@code kind:name@version},
 * {@code sha256:HASH}, bare hex and sequence number), at seeded moments: after some records,
 * while a large batch is in flight, and right after a burst of thousands of records (when an
 * index maintained behind the log has the most to catch up on). After every kill, on the file as
 * the crash left it, through the public API only:
 *
 * <ul>
 *   <li>an {@code appendAll} in flight is all there or not there at all, and the ledger holds
 *       exactly the acknowledged records plus whole submitted units, in order from the size the
 *       round started at;
 *   <li>every record acknowledged in any round so far is found by seq (same hash and identity),
 *       by leaf hash, by {@code sha256:HASH}, by {@code kind:name@version}, and by {@code
 *       records(Query)} on its kind and name; {@code kind:name} resolves to the latest version;
 *   <li>{@code lineage} of every acknowledged transform is exactly its inputs upstream and its
 *       output downstream, and every acknowledged dataset shows its acknowledged readers and
 *       writer;
 *   <li>{@code verify} with only the ledger's key passes (checkpoint-only: strictly, since each
 *       batch commits with its checkpoint; per-record: at most an uncovered tail);
 *   <li>a writer re-submitting every acknowledged record verbatim (a re-run of the interrupted
 *       stream) gets its first receipts back and appends nothing, and then appends at exactly the
 *       recovered size; the next writer's references to records of earlier rounds resolve.
 * </ul>
 *
 * <p>The seed fixes the children's streams and the kill plan; where exactly a kill lands depends
 * on timing. {@code -Dledger.crash.streamRounds=N} kills more often per configuration.
 *
 * <p>The last round of each trial kills the writer during the index catch-up: a stream of more
 * than {@link LedgerStore#INDEX_LAG} records, watched through a read-only connection of
 * this JVM until a committed snapshot shows that lag unindexed (the writer has committed the
 * batch that crosses it and is catching the index up, before it hands out that batch's
 * receipts), then killed within a few milliseconds. The file it leaves must still hold that whole
 * lag unindexed ({@code index_state.indexed_size} read after the kill), so the reopened ledger
 * serves more than a catch-up's worth of records from the log, and every acknowledged record is
 * found by hash and by name. The earlier rounds kill below the lag, with the index of the
 * earlier rounds filled (every round ends with a writer closing the ledger) and this round's
 * records unindexed. {@code -Dledger.crash.catchUpRounds=0} leaves the long round out.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrashRecoveryTest {
  @TempDir Path dir;

  static final int ROUNDS = Integer.getInteger("ledger.crash.streamRounds", 3);
  /** The most records a burst round acknowledges before its kill. */
  static final int BURST_MAX = Integer.getInteger("ledger.crash.burstMax", 4000);
  /** Rounds killed during the index catch-up, after the others (their streams are long). */
  static final int CATCH_UP_ROUNDS = Integer.getInteger("ledger.crash.catchUpRounds", 1);

  @AfterEach
  void killLeftoverChildren() {
    ProcessTest.killLeftovers();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"CHECKPOINT_ONLY, OS_BUFFERED", "CHECKPOINT_ONLY, FSYNC", "PER_RECORD, FSYNC",
      "PER_RECORD, OS_BUFFERED"})
  void sigkillDuringLongStreamsLosesNoRecordIndexOrEdge(SigningMode mode, Durability durability)
      throws Throwable {
    SeededTrials.run(mode + " " + durability, 1, g -> trial(mode, durability, g));
  }

  // ------------------------------------------------------------------ what was acknowledged

  /** An acknowledged record as its writer printed it. */
  record Ack(long seq, String hash, String identity, List<String> in, List<String> out) {
    boolean isTransform() {
      return identity.startsWith("transform:");
    }
  }

  /** A unit the writer said it was about to submit, and how many of its records it acknowledged. */
  static final class Unit {
    final int n;
    final String first;
    final String last;
    int acked;

    Unit(int n, String first, String last) {
      this.n = n;
      this.first = first;
      this.last = last;
    }
  }

  /** Everything acknowledged so far, over every round of a trial. */
  static final class Acked {
    final TreeMap<Long, Ack> bySeq = new TreeMap<>();
    final Map<String, Long> byIdentity = new HashMap<>();

    void add(Ack a) {
      Ack before = bySeq.putIfAbsent(a.seq, a);
      assertThat(before).as("seq %d acknowledged twice: %s and %s", a.seq, before, a).isNull();
      Long other = byIdentity.putIfAbsent(a.identity, a.seq);
      assertThat(other).as("%s acknowledged at %d and %d", a.identity, other, a.seq).isNull();
    }

    long seq(String identity) {
      Long s = byIdentity.get(identity);
      assertThat(s).as("%s is referenced but was never acknowledged", identity).isNotNull();
      return s;
    }
  }

  // ------------------------------------------------------------------ a child writer

  /** A {@link StreamWriter} JVM and what its output established, parsed as it arrives. */
  static final class Writer {
    final Process process;
    final Thread reader;
    final Path stderr;
    final List<Unit> units = new ArrayList<>();
    final List<Ack> acks = new ArrayList<>();
    final List<String> dups = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    /** The only writer: its records are contiguous from the size it started at. */
    final boolean exclusive;
    long nextSeq;
    int bigSubmits;
    boolean ready;
    boolean done;
    boolean ended;

    /** The only writer of the ledger, running until killed. */
    Writer(Path ledger, Path keyFile, Durability d, long seed, String prefix, Path prior,
        String profile, long startSize, Path stderr) throws Exception {
      this(ledger, keyFile, d, seed, prefix, prior, profile, startSize, stderr, -1);
    }

    /**
     * {@code startSize < 0}: one of several writers, which appends {@code limit} records once
     * {@link #go} is called; each of its units is contiguous and its units are in order.
     */
    Writer(Path ledger, Path keyFile, Durability d, long seed, String prefix, Path prior,
        String profile, long startSize, Path stderr, long limit) throws Exception {
      this(ledger.toString(), keyFile, d, seed, prefix, prior, profile, startSize, stderr, limit);
    }

    /** As above, on a ledger at a path or a PostgreSQL location. */
    Writer(String ledger, Path keyFile, Durability d, long seed, String prefix, Path prior,
        String profile, long startSize, Path stderr, long limit) throws Exception {
      this.exclusive = startSize >= 0;
      this.nextSeq = Math.max(0, startSize);
      this.stderr = stderr;
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      process = ProcessTest.childJvm(ledger, java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
          "-cp", System.getProperty("java.class.path"), StreamWriter.class.getName(),
          ledger, keyFile.toString(), d.name(), Long.toHexString(seed), prefix,
          prior == null ? "-" : prior.toString(), profile, String.valueOf(limit),
          exclusive ? "now" : "wait")
          .redirectError(stderr.toFile()).start();
      ProcessTest.LIVE.add(process);
      reader = new Thread(this::read, "stream-writer-output");
      reader.start();
    }

    private void read() {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (!line.endsWith(" $")) {
            continue; // cut short by the kill (only ever the last line): no statement
          }
          synchronized (this) {
            parse(line.substring(0, line.length() - 2).split(" "), line);
            notifyAll();
          }
        }
      } catch (Exception e) {
        synchronized (this) {
          problems.add("reading the writer's output: " + e);
        }
      } finally {
        synchronized (this) {
          ended = true;
          notifyAll();
        }
      }
    }

    private void parse(String[] p, String line) {
      switch (p[0]) {
        case "KEY" -> { }
        case "SUBMIT" -> {
          Unit u = new Unit(Integer.parseInt(p[1]), p[2], p[3]);
          units.add(u);
          if (u.n >= 200) {
            bigSubmits++;
          }
        }
        case "ACK" -> {
          Unit u = units.stream().filter(x -> x.acked < x.n).findFirst().orElse(null);
          if (u == null) {
            problems.add("acknowledged outside any submitted unit: " + line);
            return;
          }
          long seq = Long.parseLong(p[1]);
          boolean firstOfUnit = u.acked == 0;
          if (exclusive ? seq != nextSeq : firstOfUnit ? seq < nextSeq : seq != nextSeq) {
            problems.add(exclusive
                ? "expected seq " + nextSeq + " next (contiguous from the round's start), got " + line
                : "expected seq " + (firstOfUnit ? ">= " : "") + nextSeq + " next (a unit is"
                    + " contiguous, units in order), got " + line);
          }
          nextSeq = seq + 1;
          u.acked++;
          List<String> in = List.of();
          List<String> out = List.of();
          for (int i = 4; i < p.length; i++) {
            if (p[i].startsWith("I=")) {
              in = List.of(p[i].substring(2).split(","));
            } else if (p[i].startsWith("O=")) {
              out = List.of(p[i].substring(2).split(","));
            }
          }
          acks.add(new Ack(seq, p[2], p[3], in, out));
        }
        case "DUP" -> dups.add(p[1] + " " + p[2] + " " + p[3]);
        case "READY" -> ready = true;
        case "DONE" -> done = true;
        default -> problems.add("unexpected output: " + line);
      }
    }

    synchronized int ackCount() {
      return acks.size();
    }

    /** Waits until {@code condition} holds (evaluated under this lock) or the writer ended. */
    synchronized void await(BooleanSupplier condition, String what) throws Exception {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      long left;
      while (!condition.getAsBoolean() && !ended && (left = end - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      if (!condition.getAsBoolean()) {
        throw new AssertionError("the writer " + (ended ? "ended" : "did not get there in time")
            + " before " + what + "; " + acks.size() + " acknowledged; problems " + problems
            + "; stderr:\n" + tail(stderr));
      }
    }

    /** Lets a waiting writer start appending. */
    void go() throws java.io.IOException {
      process.getOutputStream().write('\n');
      process.getOutputStream().flush();
    }

    void kill() throws Exception {
      // SIGKILL on Linux. Through the handle, not Process.destroyForcibly(), which also closes
      // the parent's end of the pipe and so drops the receipts the child printed last.
      process.toHandle().destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed writer exited").isTrue();
      reader.join(10_000);
      ProcessTest.LIVE.remove(process);
    }
  }

  static String tail(Path file) {
    try {
      String s = Files.readString(file);
      return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
    } catch (java.io.IOException e) {
      return "(" + e + ")";
    }
  }

  // ------------------------------------------------------------------ the trial

  enum KillAt { AFTER_ACKS, IN_FLIGHT, AFTER_BURST, DURING_CATCH_UP }

  /** The stored size and {@code index_state.indexed_size}, read in one snapshot. */
  static long[] storedSizes(Connection c) throws java.sql.SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "SELECT (SELECT coalesce(max(seq), -1) + 1 FROM records),"
            + " (SELECT indexed_size FROM index_state WHERE id = 0)")) {
      r.next();
      return new long[] {r.getLong(1), r.getLong(2)};
    }
  }

  /** A read-only connection of this JVM: it neither writes nor checkpoints the file. */
  static Connection readOnly(Path ledger) throws java.sql.SQLException {
    org.sqlite.SQLiteConfig cfg = new org.sqlite.SQLiteConfig();
    cfg.setReadOnly(true);
    cfg.setBusyTimeout(10_000);
    return DriverManager.getConnection("jdbc:sqlite:" + ledger, cfg.toProperties());
  }

  static long[] storedSizes(Path ledger) throws java.sql.SQLException {
    try (Connection c = readOnly(ledger)) {
      return storedSizes(c);
    }
  }

  /**
   * Waits until a committed snapshot of the file shows at least {@code lag} records above the
   * indexed size: the writer has committed the batch that crossed it and catches up next.
   */
  static long[] awaitLag(Path ledger, Writer w, long lag) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    try (Connection c = readOnly(ledger)) {
      while (true) {
        long[] s = storedSizes(c);
        if (s[0] - s[1] >= lag) {
          return s;
        }
        synchronized (w) {
          if (w.ended || System.nanoTime() > end) {
            throw new AssertionError("the writer " + (w.ended ? "ended" : "did not get there in"
                + " time") + " before " + lag + " records were unindexed (stored size " + s[0]
                + ", indexed " + s[1] + "); " + w.acks.size() + " acknowledged; problems "
                + w.problems + "; stderr:\n" + tail(w.stderr));
          }
        }
        Thread.sleep(1);
      }
    }
  }

  private void trial(SigningMode mode, Durability durability, Gen g) throws Exception {
    Path ledger = Files.createTempDirectory(dir, "trial").resolve("stream.ledger");
    Path keyFile = Path.of(ledger + ".key");
    TestLedgers t = TestLedgers.keys();
    t.create(ledger, mode).close();
    KeyFiles.writePrivateKey(keyFile, t.key, null);
    List<VerifierKey> trusted = List.of(t.key.verifierKey());
    Acked acked = new Acked();
    long size = 0;
    int committedUnacked = 0;
    int lostInFlight = 0;
    int resubmittedByWriters = 0;
    List<KillAt> plan = new ArrayList<>(
        List.of(KillAt.AFTER_ACKS, KillAt.IN_FLIGHT, KillAt.AFTER_BURST));
    java.util.Collections.shuffle(plan, g);
    List<KillAt> kills = new ArrayList<>();
    List<String> indexAtReopen = new ArrayList<>();
    long started = System.nanoTime();
    for (int round = 0; round < ROUNDS + CATCH_UP_ROUNDS; round++) {
      // The long rounds last: every later round's checks would cover their many records again.
      KillAt at = round < ROUNDS ? plan.get(round % plan.size()) : KillAt.DURING_CATCH_UP;
      kills.add(at);
      long[] atStart = storedSizes(ledger);
      Path prior = ledger.resolveSibling("prior-" + round + ".txt");
      Files.write(prior, acked.bySeq.values().stream().filter(a -> !a.isTransform())
          .map(a -> a.seq + " " + a.hash + " " + a.identity).toList());
      Writer w = new Writer(ledger, keyFile, durability, g.nextLong(), "r" + round, prior,
          at == KillAt.AFTER_BURST || at == KillAt.DURING_CATCH_UP ? "burst" : "mixed", size,
          ledger.resolveSibling("writer-" + round + ".err"));
      switch (at) {
        case AFTER_ACKS -> {
          int n = g.intBetween(1, 1000);
          w.await(() -> w.acks.size() >= n, n + " acknowledgements");
          Thread.sleep(g.intBetween(0, 30));
        }
        case IN_FLIGHT -> {
          int n = g.intBetween(1, 600);
          w.await(() -> w.acks.size() >= n, n + " acknowledgements");
          int big;
          synchronized (w) {
            big = w.bigSubmits;
          }
          w.await(() -> w.bigSubmits > big, "a batch of 200+ records was submitted");
          Thread.sleep(g.intBetween(0, 25));
        }
        case AFTER_BURST -> {
          int n = g.intBetween(Math.min(1500, BURST_MAX), BURST_MAX);
          w.await(() -> w.acks.size() >= n, n + " acknowledgements");
          Thread.sleep(g.intBetween(0, 10));
        }
        case DURING_CATCH_UP -> {
          awaitLag(ledger, w, LedgerStore.INDEX_LAG);
          Thread.sleep(g.intBetween(0, 3));
        }
        default -> throw new IllegalStateException();
      }
      w.kill();
      String context = "round " + round + " (" + at + ", " + w.acks.size() + " acknowledged)";
      long[] afterKill = storedSizes(ledger);
      indexAtReopen.add(afterKill[1] + "/" + afterKill[0]);
      assertThat(afterKill[1]).as("%s: indexed size (stored size %d, at the round's start %s)",
          context, afterKill[0], java.util.Arrays.toString(atStart))
          .isBetween(atStart[1], afterKill[0]);
      if (at == KillAt.DURING_CATCH_UP) {
        // Evidence that the kill landed where it was meant to: the catch-up never committed, so
        // the reopened ledger serves at least INDEX_LAG records from the log alone.
        assertThat(afterKill[0] - afterKill[1]).as("%s: records left unindexed by the crash"
                + " (indexed %d of %d); a smaller lag means the catch-up committed before the"
                + " kill", context, afterKill[1], afterKill[0])
            .isGreaterThanOrEqualTo(LedgerStore.INDEX_LAG);
      } else {
        assertThat(afterKill[0] - afterKill[1]).as("%s: the lag stays below INDEX_LAG", context)
            .isLessThan(LedgerStore.INDEX_LAG);
      }
      assertThat(w.problems).as("writer output in %s; stderr:%n%s", context, tail(w.stderr)).isEmpty();
      assertThat(w.acks).as(context).isNotEmpty();
      for (Ack a : w.acks) {
        acked.add(a);
      }
      resubmittedByWriters += w.dups.size();
      for (String dup : w.dups) {
        String[] p = dup.split(" ");
        assertThat(acked.seq(p[2]) + " " + acked.bySeq.get(acked.seq(p[2])).hash)
            .as("re-submitted %s in %s", p[2], context).isEqualTo(p[0] + " " + p[1]);
      }

      long t0 = System.nanoTime();
      long recovered = checkRecovered(ledger, mode, trusted, acked, w, size, context);
      int ackedUnits = (int) w.units.stream().filter(u -> u.acked > 0).count();
      long sizeAfterAcked = size + w.units.stream().limit(ackedUnits).mapToLong(u -> u.n).sum();
      if (recovered > sizeAfterAcked) {
        committedUnacked++;
      } else if (w.units.size() > ackedUnits) {
        lostInFlight++;
      }
      long t1 = System.nanoTime();
      size = resubmitAndAppend(ledger, t, trusted, acked, recovered, round, context);
      System.out.printf("%s %s %s: checks %.1f s, re-run and append %.1f s%n", mode, durability,
          context, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
    }
    System.out.printf("crash streams %s %s: %d kills (%s), reopened with indexed/stored size"
            + " %s, %d records acknowledged, %d kills after a unit committed but before its"
            + " receipts were printed, %d with the submitted unit lost, %d datasets re-submitted"
            + " by writers after a crash; every acknowledged record, reference and edge recovered"
            + " (%.1f s)%n", mode, durability, kills.size(), kills, indexAtReopen,
        acked.bySeq.size(), committedUnacked, lostInFlight, resubmittedByWriters,
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * The checks on the file exactly as the crash left it, opened read-only (no writer has had the
   * chance to repair or re-index anything). Returns the recovered size.
   */
  private long checkRecovered(Path ledger, SigningMode mode, List<VerifierKey> trusted,
      Acked acked, Writer w, long startSize, String context) throws Exception {
    try (Ledger l = Ledger.open(ledger, LedgerOptions.readOnly())) {
      long size = l.size();

      // Whole units only: the size is the round's start plus a prefix of the submitted units
      // that includes every unit with an acknowledged record.
      List<Long> possible = new ArrayList<>();
      long s = startSize;
      int ackedUnits = (int) w.units.stream().filter(u -> u.acked > 0).count();
      for (int j = 0; j <= w.units.size(); j++) {
        if (j >= ackedUnits) {
          possible.add(s);
        }
        if (j < w.units.size()) {
          s += w.units.get(j).n;
        }
      }
      assertThat(size).as("%s: recovered size; units %s", context, w.units.stream()
          .map(u -> u.n + "/" + u.acked).toList()).isIn(possible);
      // Committed units whose receipts were not (all) printed: their first and last records
      // are where they belong, and found by identity too.
      long at = startSize;
      for (Unit u : w.units) {
        if (at + u.n > size) {
          break;
        }
        if (u.acked < u.n) {
          assertThat(identity(l.record(at).orElseThrow())).as(context).isEqualTo(u.first);
          assertThat(identity(l.record(at + u.n - 1).orElseThrow())).as(context).isEqualTo(u.last);
          assertThat(l.resolve(u.first).seq()).as("%s: %s", context, u.first).isEqualTo(at);
          assertThat(l.resolve(u.last).seq()).as("%s: %s", context, u.last).isEqualTo(at + u.n - 1);
        }
        at += u.n;
      }

      checkEveryAcknowledged(l, acked, context);

      // verify with nothing but the ledger's key.
      VerificationReport rep;
      try {
        rep = l.verify(VerifyOptions.builder().trustedKeys(trusted).build());
        assertThat(rep.coveredSize()).as(context).isEqualTo(size);
      } catch (LedgerVerificationException e) {
        // Checkpoint-only batches commit with their checkpoint: nothing may be uncovered there.
        assertThat(mode == SigningMode.PER_RECORD && e.report().onlyUncoveredTail())
            .as("%s: %s: %s", context, e.getMessage(), e.report().failures()).isTrue();
        rep = e.report();
      }
      assertThat(rep.size()).as(context).isEqualTo(size);
      return size;
    }
  }

  static void checkEveryAcknowledged(Ledger l, Acked acked, String context)
      throws LedgerException {
    // Expected edges, from what the writers said their records read and wrote.
    Map<Long, Set<LineageGraph.Link>> readers = new HashMap<>();
    Map<Long, Set<LineageGraph.Link>> writers = new HashMap<>();
    Map<String, Set<Long>> byKindAndName = new LinkedHashMap<>();
    for (Ack a : acked.bySeq.values()) {
      for (String in : a.in) {
        readers.computeIfAbsent(acked.seq(in), k -> new HashSet<>())
            .add(new LineageGraph.Link(acked.seq(in), a.seq, "inputs"));
      }
      for (String out : a.out) {
        writers.computeIfAbsent(acked.seq(out), k -> new HashSet<>())
            .add(new LineageGraph.Link(a.seq, acked.seq(out), "outputs"));
      }
      String[] id = StreamWriter.split(a.identity);
      byKindAndName.computeIfAbsent(id[0] + ":" + id[1], k -> new HashSet<>()).add(a.seq);
    }
    for (Ack a : acked.bySeq.values()) {
      String what = context + ": acknowledged " + a.seq + " " + a.identity;
      LedgerRecord r = l.record(a.seq).orElse(null);
      assertThat(r).as(what).isNotNull();
      assertThat(r.leafHash().hex()).as(what).isEqualTo(a.hash);
      assertThat(identity(r)).as(what).isEqualTo(a.identity);
      Hash h = Hash.fromHex(a.hash);
      assertThat(l.record(h).map(LedgerRecord::seq)).as(what + " by leaf hash").hasValue(a.seq);
      assertThat(l.resolve("sha256:" + a.hash).seq()).as(what + " by sha256:").isEqualTo(a.seq);
      assertThat(l.resolve(a.identity).seq()).as(what + " by identity").isEqualTo(a.seq);

      LineageGraph up = l.lineage(a.seq, LineageDirection.UPSTREAM, 1);
      LineageGraph down = l.lineage(a.seq, LineageDirection.DOWNSTREAM, 1);
      if (a.isTransform()) {
        // Nothing else points at a transform: its edges are exactly the ones it declared.
        assertThat(Set.copyOf(up.links())).as(what + " upstream").isEqualTo(a.in.stream()
            .map(i -> new LineageGraph.Link(acked.seq(i), a.seq, "inputs")).collect(Collectors.toSet()));
        assertThat(Set.copyOf(down.links())).as(what + " downstream").isEqualTo(a.out.stream()
            .map(o -> new LineageGraph.Link(a.seq, acked.seq(o), "outputs")).collect(Collectors.toSet()));
      } else {
        // Unacknowledged committed transforms may read it too; at most one transform writes it.
        assertThat(down.links()).as(what + " downstream")
            .containsAll(readers.getOrDefault(a.seq, Set.of()));
        assertThat(up.links()).as(what + " upstream").hasSizeLessThanOrEqualTo(1)
            .containsAll(writers.getOrDefault(a.seq, Set.of()));
      }
      for (LineageGraph g : List.of(up, down)) {
        for (LineageGraph.Node n : g.nodes().values()) {
          Ack other = acked.bySeq.get(n.seq());
          if (other != null) {
            assertThat(n.leafHash().hex()).as(what + " lineage node " + n.seq()).isEqualTo(other.hash);
          }
        }
      }
    }
    // kind + name: every version is listed; kind:name resolves to the latest (which may be a
    // committed record whose receipt was never printed, never an older one).
    for (Map.Entry<String, Set<Long>> e : byKindAndName.entrySet()) {
      String kind = e.getKey().substring(0, e.getKey().indexOf(':'));
      String name = e.getKey().substring(kind.length() + 1);
      List<LedgerRecord> listed = l.records(new Ledger.Query(kind, name, null, 0, Integer.MAX_VALUE));
      assertThat(listed).as("%s: records(%s)", context, e.getKey())
          .allSatisfy(r -> assertThat(identity(r)).startsWith(e.getKey() + "@"))
          .extracting(LedgerRecord::seq).isSorted().doesNotHaveDuplicates().containsAll(e.getValue());
      long latest = l.resolve(e.getKey()).seq();
      assertThat(latest).as("%s: %s (latest)", context, e.getKey())
          .isGreaterThanOrEqualTo(e.getValue().stream().mapToLong(Long::longValue).max().orElseThrow())
          .isEqualTo(listed.get(listed.size() - 1).seq());
    }
  }

  /**
   * A writer re-runs the whole acknowledged stream verbatim (references given by name this time):
   * every record is answered with its first receipt and nothing is appended; then one new record
   * lands at exactly the recovered size, and strict verification covers everything.
   */
  private static long resubmitAndAppend(Path ledger, TestLedgers t, List<VerifierKey> trusted,
      Acked acked, long recovered, int round, String context) throws Exception {
    long size;
    try (Ledger l = Ledger.open(ledger, t.options().busyTimeoutMillis(30_000).build())) {
      assertThat(l.size()).as(context).isEqualTo(recovered);
      List<RecordDraft> again = new ArrayList<>();
      List<Ack> order = new ArrayList<>(acked.bySeq.values());
      for (Ack a : order) {
        String[] id = StreamWriter.split(a.identity);
        again.add(a.isTransform()
            ? StreamWriter.transform(id[1], id[2], new ArrayList<>(a.in), new ArrayList<>(a.out))
            : StreamWriter.dataset(id[1], id[2]));
      }
      List<Receipt> receipts = l.appendAll(again);
      for (int i = 0; i < order.size(); i++) {
        Ack a = order.get(i);
        assertThat(receipts.get(i)).as("%s: %s submitted again", context, a.identity)
            .isEqualTo(new Receipt(a.seq, Hash.fromHex(a.hash)));
      }
      assertThat(l.size()).as(context + ": size after re-submitting everything").isEqualTo(recovered);

      String probe = "dataset:probe@r" + round;
      Receipt r = l.append(StreamWriter.dataset("probe", "r" + round));
      assertThat(r.seq()).as(context + ": the next append").isEqualTo(recovered);
      acked.add(new Ack(r.seq(), r.leafHash().hex(), probe, List.of(), List.of()));
      assertThat(l.checkpoint().size()).isEqualTo(recovered + 1);
      size = l.size();
    }
    try (Ledger l = Ledger.open(ledger, LedgerOptions.readOnly())) {
      VerificationReport rep = l.verify(VerifyOptions.builder().trustedKeys(trusted).build());
      assertThat(rep.size()).as(context).isEqualTo(size);
      assertThat(rep.coveredSize()).as(context).isEqualTo(size);
      assertThat(size).isEqualTo(recovered + 1);
    }
    return size;
  }

  /** {@code kind:name@version} as the writers name records (a transform's version is its runId). */
  static String identity(LedgerRecord r) {
    return r.kind() + ":" + r.text("name") + "@"
        + r.text(r.kind().equals("transform") ? "runId" : "version");
  }
}
