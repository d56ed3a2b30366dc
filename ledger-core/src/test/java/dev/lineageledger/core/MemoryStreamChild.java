package dev.lineageledger.core;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The child JVM of {@link BoundedMemoryTest}, run with a small heap ({@code -Xmx64m}): creates
 * a checkpoint-only ledger, appends {@code n} records in {@code appendAll} batches, then, in the
 * same JVM, verifies the whole ledger, proves the first and the last record against the latest
 * checkpoint and walks lineage. Exits 0 and prints {@code OK ...} only when every check passed;
 * any failure (an {@link OutOfMemoryError} included) is a non-zero exit.
 *
 * <p>The stream is groups of four records, group {@code g} at seqs {@code 4g..4g+3}: three
 * datasets and a transform reading {@code 4g} (by {@code dataset:name@version}, resolved from
 * the same batch) and {@code 4g+1} (by sequence number) and, once there is one, {@code
 * 4(g-lag)+1} (by {@code sha256:HASH}, always from an earlier batch), writing {@code 4g+2} (by
 * {@code dataset:name@version}). Only datasets {@code 4g+1} are read twice and outputs are never
 * read, so every lineage closure is small and known exactly, however long the ledger.
 *
 * <p>Args: ledger path, record count, batch size.
 */
public final class MemoryStreamChild {
  private MemoryStreamChild() {}

  static String name(long seq) {
    return "events-" + (seq / 4 % 512);
  }

  static String version(long seq) {
    return (seq / 4) + "." + (seq % 4);
  }

  static RecordDraft dataset(long seq) throws InvalidRecordException {
    return RecordDraft.builder(RecordKind.DATASET, "ingest@pipeline")
        .put("name", name(seq)).put("version", version(seq))
        .put("uri", "s3://lake/" + name(seq) + "/" + version(seq))
        .put("digest", "sha256:" + String.format(Locale.ROOT, "%064x", seq))
        .put("rowCount", 1000 + seq % 1000).build();
  }

  static RecordDraft transform(long seq, long lagGroups, Hash[] ring) throws InvalidRecordException {
    long g = seq / 4;
    List<Object> inputs = new ArrayList<>();
    inputs.add("dataset:" + name(4 * g) + "@" + version(4 * g));
    inputs.add(4 * g + 1);
    if (g >= lagGroups) {
      long old = 4 * (g - lagGroups) + 1;
      inputs.add("sha256:" + ring[(int) (old % ring.length)].hex());
    }
    return RecordDraft.builder(RecordKind.TRANSFORM, "featurize@airflow")
        .put("name", "job-" + (g % 512)).put("type", "feature-engineering")
        .put("inputs", inputs)
        .put("outputs", List.of("dataset:" + name(4 * g + 2) + "@" + version(4 * g + 2)))
        .put("codeVersion", "git:4f2a9c1").put("runId", "run-" + g)
        .put("parameters", Map.of("window", "30d")).build();
  }

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    long n = Long.parseLong(args[1]);
    int batch = Integer.parseInt(args[2]);
    if (n < 8 || n % 4 != 0 || batch < 1) {
      throw new IllegalArgumentException("need a record count >= 8 divisible by 4 and a batch >= 1");
    }
    // The sha256: reference always points into an earlier batch, whose receipts are known.
    long lagGroups = batch / 4 + 2;
    if (n / 8 < lagGroups || n / 8 + lagGroups >= n / 4) {
      throw new IllegalArgumentException("need at least " + 8 * (lagGroups + 1)
          + " records for the lineage checks with batches of " + batch);
    }
    Hash[] ring = new Hash[(int) (4 * lagGroups + 8)];
    Ed25519Signer key = Ed25519Signer.generate(TestLedgers.ORIGIN);
    LedgerOptions options = LedgerOptions.builder().checkpointSigner(key)
        .durability(Durability.OS_BUFFERED).build();
    Hash first = null;
    Hash last = null;
    long t0 = System.nanoTime();
    try (Ledger l = Ledger.create(path, TestLedgers.ORIGIN, SigningMode.CHECKPOINT_ONLY, options)) {
      long nextReport = 100_000;
      for (long start = 0; start < n; start += batch) {
        int m = (int) Math.min(batch, n - start);
        List<RecordDraft> drafts = new ArrayList<>(m);
        for (long seq = start; seq < start + m; seq++) {
          drafts.add(seq % 4 == 3 ? transform(seq, lagGroups, ring) : dataset(seq));
        }
        List<Receipt> receipts = l.appendAll(drafts);
        check(receipts.size() == m, "batch at " + start + " returned " + receipts.size() + " receipts");
        for (int k = 0; k < m; k++) {
          Receipt r = receipts.get(k);
          check(r.seq() == start + k, "record " + (start + k) + " got seq " + r.seq());
          ring[(int) (r.seq() % ring.length)] = r.leafHash();
        }
        if (start == 0) {
          first = receipts.get(0).leafHash();
        }
        last = receipts.get(m - 1).leafHash();
        if (start + m >= nextReport) {
          System.out.printf(Locale.ROOT, "appended %d records in %.1f s, live heap after GC"
              + " at most %d MiB%n", start + m, seconds(t0), liveAfterGcMiB());
          System.out.flush();
          nextReport += 100_000;
        }
      }
    }
    double appendSeconds = seconds(t0);

    long t1 = System.nanoTime();
    try (Ledger l = Ledger.open(path, LedgerOptions.readOnly())) {
      check(l.size() == n, "size " + l.size() + ", expected " + n);
      VerificationReport rep = l.verify(VerifyOptions.builder()
          .trustedKeys(List.of(key.verifierKey())).build());
      check(rep.size() == n && rep.coveredSize() == n, "verify covered " + rep.coveredSize()
          + " of " + rep.size() + " records, expected " + n);
      double verifySeconds = seconds(t1);

      StoredCheckpoint cp = l.latestCheckpoint().orElseThrow();
      check(cp.size() == n, "latest checkpoint has size " + cp.size());
      check(cp.root().equals(l.root(n)), "the stored tree's root differs from the checkpoint's");
      l.proveInclusion(0, n).verify(first, cp.root());
      l.proveInclusion(n - 1, n).verify(last, cp.root());
      check(l.record(0).orElseThrow().leafHash().equals(first), "record 0's hash changed");
      check(l.record(n - 1).orElseThrow().leafHash().equals(last), "the last record's hash changed");

      // Lineage, exactly: a transform in the middle reads three datasets (the third by hash from
      // lagGroups groups back) and writes one; dataset 4g+1 is read by two transforms.
      long g = n / 8;
      long t = 4 * g + 3;
      LineageGraph up = l.lineage(t, LineageDirection.UPSTREAM, 0);
      check(up.nodes().keySet().equals(Set.of(t, 4 * g, 4 * g + 1, 4 * (g - lagGroups) + 1)),
          "upstream of " + t + ": " + new TreeSet<>(up.nodes().keySet()));
      check(Set.copyOf(up.links()).equals(Set.of(new LineageGraph.Link(4 * g, t, "inputs"),
          new LineageGraph.Link(4 * g + 1, t, "inputs"),
          new LineageGraph.Link(4 * (g - lagGroups) + 1, t, "inputs"))), "upstream links " + up.links());
      long d = 4 * g + 1;
      long later = 4 * (g + lagGroups) + 3;
      LineageGraph down = l.lineage(d, LineageDirection.DOWNSTREAM, 0);
      check(down.nodes().keySet().equals(Set.of(d, t, t - 1, later, later - 1)),
          "downstream of " + d + ": " + new TreeSet<>(down.nodes().keySet()));
      check(Set.copyOf(down.links()).equals(Set.of(new LineageGraph.Link(d, t, "inputs"),
          new LineageGraph.Link(t, t - 1, "outputs"), new LineageGraph.Link(d, later, "inputs"),
          new LineageGraph.Link(later, later - 1, "outputs"))), "downstream links " + down.links());
      check(l.resolve("dataset:" + name(d) + "@" + version(d)).seq() == d, "dataset:name@version of " + d);
      check(l.resolve("transform:job-" + (g % 512) + "@run-" + g).seq() == t, "transform:name@runId of " + t);
      check(l.resolve("sha256:" + last.hex()).seq() == n - 1, "sha256: of the last record");
      System.out.printf(Locale.ROOT, "OK records=%d batch=%d append=%.1fs verify=%.1fs"
          + " liveHeapAfterGc<=%dMiB maxHeap=%dMiB%n", n, batch, appendSeconds, verifySeconds,
          liveAfterGcMiB(), Runtime.getRuntime().maxMemory() >> 20);
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static long liveAfterGcMax;

  /**
   * The heap in use after the most recent collection, summed over the heap's pools (what was
   * still reachable, unlike the peak, which only says how full the heap got between
   * collections); the largest such value seen at any report.
   */
  private static long liveAfterGcMiB() {
    long live = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null) {
        live += p.getCollectionUsage().getUsed();
      }
    }
    liveAfterGcMax = Math.max(liveAfterGcMax, live);
    return liveAfterGcMax >> 20;
  }
}
