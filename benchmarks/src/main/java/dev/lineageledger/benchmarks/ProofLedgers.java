package dev.lineageledger.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lineageledger.core.Durability;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.SigningMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ledgers figure 5 proves against, built as fast as the public API allows: proof cost
 * depends on the tree, not on what the records say, and at 10M records the build is most of
 * the figure's run time. So: the smallest record the schema accepts (a custom kind with an
 * empty body: ~170 canonical bytes instead of the sample's ~500), checkpoint-only, OS_BUFFERED,
 * {@value #BATCH}-record {@code appendAll} batches (one commit and one checkpoint each) from
 * {@value #CALLERS} concurrent callers, so that one validates its next batch while the writer
 * commits the other's.
 *
 * <p>Measured with {@link #main} on the shared 2-core machine (idle otherwise): 1M records in
 * 31-40 s whatever the batch (8k-64k) and callers (1-2); 3M in 106 s, each million a little
 * slower (32, 36, 37 s) as the leaf-hash index outgrows SQLite's page cache. The old path
 * (sample records, one caller, 1024-record batches) took ~90 s for 1M. The writer thread is
 * the bottleneck either way; a second caller only keeps its queue full.
 *
 * <p>Each size is built once per run under {@code -Dbench.dataDir} and reused by every later
 * fork and trial of that run (run.sh deletes the directory at its end). {@code main} times a
 * build on its own: {@code java -cp benchmarks.jar dev.lineageledger.benchmarks.ProofLedgers
 * 100000}.
 */
public final class ProofLedgers {
  static final int CALLERS = 2;
  static final int BATCH = 32_768;
  /** The shortest namespaced custom kind; custom kinds have no required fields. */
  private static final String KIND = "x.y/z";

  private ProofLedgers() {}

  /** The ledger of {@code size} records, built unless this run already did. */
  static Path buildOnce(long size) {
    Path dir = ScratchDir.root().resolve("proofs-" + size);
    Path file = dir.resolve("proofs.ledger");
    Path done = dir.resolve("complete");
    if (Files.exists(done)) {
      return file;
    }
    ScratchDir.delete(dir);
    try {
      Files.createDirectories(dir);
      double seconds = build(file, size);
      // run.sh copies this line into the machine notes before it deletes the data directory.
      Files.writeString(done, String.format(Locale.ROOT, "%,d records in %.0f s (%,.0f/s)%n",
          size, seconds, size / seconds));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Builds a ledger of {@code size} minimal records at {@code file}; returns the seconds. */
  static double build(Path file, long size) {
    RecordDraft draft;
    try {
      draft = RecordDraft.of(RecordKind.of(KIND), "b", JsonNodeFactory.instance.objectNode());
    } catch (InvalidRecordException e) {
      throw new IllegalStateException(e);
    }
    long start = System.nanoTime();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    try (Ledger l = Ledger.create(file, SampleRecords.ORIGIN, SigningMode.CHECKPOINT_ONLY,
        ScratchLedger.options().durability(Durability.OS_BUFFERED).maxBatchRecords(BATCH)
            .build())) {
      // A record without name or version has no identity, so the same draft appends anew each
      // time (its seq and prev differ); no caller builds a fresh body per record.
      AtomicLong left = new AtomicLong(size);
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CALLERS; c++) {
        running.add(callers.submit(() -> {
          long n;
          while ((n = take(left)) > 0) {
            l.appendAll(Collections.nCopies((int) n, draft));
            progress(size, size - left.get(), n, start);
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
      if (l.size() != size) {
        throw new IllegalStateException(file + " has " + l.size() + " records, not " + size);
      }
    } catch (LedgerException e) {
      throw SampleRecords.fail(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("building " + file + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      callers.shutdownNow();
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** A line per million records: a 10M build takes minutes, and JMH shows nothing meanwhile. */
  private static void progress(long size, long taken, long n, long start) {
    if (size >= 2_000_000 && taken % 1_000_000 < n) {
      System.err.printf(Locale.ROOT, "proofs: %,d of %,d records taken, %.0f s%n", taken, size,
          (System.nanoTime() - start) / 1e9);
    }
  }

  private static long take(AtomicLong left) {
    while (true) {
      long l = left.get();
      long n = Math.min(l, BATCH);
      if (n == 0 || left.compareAndSet(l, l - n)) {
        return n;
      }
    }
  }

  /** Times a build of {@code args[0]} records in a scratch directory, then deletes it. */
  public static void main(String[] args) {
    long size = Long.parseLong(args[0]);
    try (ScratchDir dir = ScratchDir.create("proofs-timing")) {
      Path file = dir.resolve("proofs.ledger");
      double s = build(file, size);
      long bytes = FileBytes.total(file);
      System.out.printf(Locale.ROOT, "built %,d records in %.1f s (%,.0f records/s), %,d bytes"
          + " on disk (%.0f B/record)%n", size, s, size / s, bytes, (double) bytes / size);
    }
  }
}
