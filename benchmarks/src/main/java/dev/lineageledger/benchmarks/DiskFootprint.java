package dev.lineageledger.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.SigningMode;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figure 8: bytes on disk per record. Builds a checkpoint-only ledger of N sample records (the
 * records of figures 2 and 4) in {@value #BATCH}-record {@code appendAll} batches, the
 * ledger's default commit group, so one commit and one checkpoint per {@value #BATCH} records
 * as under figure 2's load; closes it; and divides every byte SQLite left (the file, and any
 * write-ahead log or shared-memory index) by N. Set beside the size of a stored row ({@link
 * StoredSample}, what the SQLite ceilings insert): the difference is B-tree page overhead, the
 * secondary indexes and the checkpoints. Not a JMH benchmark: there is nothing to time, and one build
 * is deterministic. run.sh runs it as a group of its own and hands the JSON it writes to
 * Report.
 *
 * <p>Usage: {@code DiskFootprint N OUT.json}, with {@code -Dbench.dataDir} for the scratch
 * ledger.
 */
public final class DiskFootprint {
  static final int BATCH = 1024;

  private DiskFootprint() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: DiskFootprint N OUT.json");
      System.exit(2);
    }
    int n = Integer.parseInt(args[0]);
    StoredSample sample = StoredSample.measure();
    ObjectNode out = new ObjectMapper().createObjectNode();
    out.put("kind", "disk-footprint");
    out.put("records", n);
    out.put("storedRowBytes", sample.storedRowBytes());
    out.put("sampleCanonicalBytes", sample.averageCanonicalBytes());
    try (ScratchDir dir = ScratchDir.create("footprint")) {
      Path file = dir.resolve("footprint.ledger");
      long start = System.nanoTime();
      AtomicLong canonical = new AtomicLong();
      try (Ledger l = Ledger.create(file, SampleRecords.ORIGIN, SigningMode.CHECKPOINT_ONLY,
          ScratchLedger.options().durability(Durability.OS_BUFFERED).build())) {
        // The bytes on disk do not depend on durability; OS_BUFFERED only builds it faster.
        for (int i = 0; i < n; i += BATCH) {
          l.appendAll(SampleRecords.datasets(i, Math.min(BATCH, n - i)));
        }
        // While open, the WAL still holds pages not yet checkpointed into the file.
        out.set("open", files(file));
        l.forEach(0, r -> canonical.addAndGet(r.canonicalBytes().length));
      }
      out.put("buildSeconds", (System.nanoTime() - start) / 1e9);
      // Closing the last connection checkpoints the WAL into the file and deletes it.
      out.set("closed", files(file));
      out.put("canonicalBytes", (double) canonical.get() / n);
    } catch (LedgerException e) {
      throw SampleRecords.fail(e);
    }
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(Paths.get(args[1]).toFile(),
        out);
    long closed = out.get("closed").get("total").asLong();
    System.err.printf(Locale.ROOT, "DiskFootprint: %,d records, %,d bytes on disk after close:"
        + " %.0f B/record beside a %d-byte stored row%n", n, closed, (double) closed / n,
        sample.storedRowBytes());
  }

  private static ObjectNode files(Path ledger) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    long total = 0;
    for (String suffix : FileBytes.SUFFIXES) {
      long b = FileBytes.of(ledger, suffix);
      o.put(suffix.isEmpty() ? "file" : suffix.substring(1), b);
      total += b;
    }
    o.put("total", total);
    return o;
  }
}
