package dev.lineageledger.core.internal;

import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerStorageException;
import dev.lineageledger.core.SignedNote;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies a ledger's log and checkpoints from one store to another, byte for byte: the same
 * canonical record bytes, signatures and tree nodes in the same order, and every stored
 * checkpoint's signed note, committed in the batch holding its last record, so that the copy
 * is at every commit a valid prefix of the source. The index of the copy is derived from its
 * log as on any store (docs/FORMAT.md §7). The caller verifies the source snapshot before and
 * the copy after: this class checks only that the rows it reads are contiguous and that every
 * checkpoint lands on a record it copied.
 */
public final class StoreCopy {
  /** Records per copy transaction: bounds memory and the size of each commit. */
  static final int BATCH = 4096;

  private StoreCopy() {}

  /**
   * Copies records {@code [0, size)} of {@code src} (one snapshot) and the stored checkpoints of
   * sizes up to {@code size} into {@code dst}, which must be an empty ledger created with the
   * source's {@code ledger_meta}. Returns the number of checkpoints copied.
   */
  public static int copy(LedgerStore.Reader src, long size, LedgerStore dst,
      dev.lineageledger.core.VerifyOptions.ProgressListener progress)
      throws LedgerException {
    List<LedgerStore.CheckpointRow> cps = new ArrayList<>();
    for (LedgerStore.CheckpointRow r : src.checkpointRows()) {
      if (r.size() <= size) {
        cps.add(r);
      }
    }
    try (LedgerStore.Reader d = dst.read()) {
      if (d.size() != 0 || !d.checkpointRows().isEmpty()) {
        throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT,
            dst.location() + " is not empty: a copy goes into a new ledger", null);
      }
    }
    int[] cpAt = {0};
    // A checkpoint of size 0 (an empty ledger's) precedes every record.
    cpAt[0] = commit(dst, List.of(), cps, cpAt[0], 0);
    List<LedgerStore.LogEntry> batch = new ArrayList<>(BATCH);
    long[] next = {0};
    src.scan(0, size, row -> {
      if (row.seq() != next[0]) {
        throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, "record "
            + next[0] + " is missing from the source; nothing after it was copied", null);
      }
      batch.add(entry(row));
      next[0]++;
      // A batch ends at a checkpoint's size, so that the checkpoint commits with its records.
      boolean atCheckpoint = cpAt[0] < cps.size() && cps.get(cpAt[0]).size() == next[0];
      if (batch.size() >= BATCH || atCheckpoint) {
        cpAt[0] = commit(dst, batch, cps, cpAt[0], next[0]);
        batch.clear();
        if (progress != null) {
          progress.progress(next[0], size);
        }
      }
    });
    if (!batch.isEmpty()) {
      cpAt[0] = commit(dst, batch, cps, cpAt[0], next[0]);
    }
    if (next[0] != size) {
      throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, "the source holds "
          + next[0] + " records, not " + size + "; the copy stopped there", null);
    }
    if (cpAt[0] != cps.size()) {
      throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, "a stored checkpoint"
          + " of size " + cps.get(cpAt[0]).size() + " does not end on a record", null);
    }
    while (dst.catchUpIndex(1 << 16, true) > 0) {
      // the copy's index, derived from its log
    }
    if (progress != null) {
      progress.progress(size, size);
    }
    return cps.size();
  }

  /**
   * Inserts {@code entries} (ending at record {@code end - 1}) and the checkpoints of size
   * {@code end} in one transaction; returns the index of the next checkpoint to copy.
   */
  private static int commit(LedgerStore dst, List<LedgerStore.LogEntry> entries,
      List<LedgerStore.CheckpointRow> cps, int cpAt, long end) throws LedgerException {
    boolean hasCheckpoint = cpAt < cps.size() && cps.get(cpAt).size() == end;
    if (entries.isEmpty() && !hasCheckpoint) {
      return cpAt;
    }
    try (LedgerStore.Appender tx = dst.beginAppend()) {
      if (tx.size() != end - entries.size()) {
        throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, dst.location()
            + " changed during the copy (another writer?): it holds " + tx.size() + " records", null);
      }
      tx.insert(entries);
      while (cpAt < cps.size() && cps.get(cpAt).size() == end) {
        LedgerStore.CheckpointRow r = cps.get(cpAt++);
        SignedNote note = SignedNote.parse(r.noteText());
        tx.insertCheckpoint(Checkpoint.parse(note.body()), note);
      }
      tx.commit();
    }
    // The copied records join the copy's unindexed tail; keep it short.
    dst.catchUpIndex(1 << 16, true);
    return cpAt;
  }

  private static LedgerStore.LogEntry entry(LedgerStore.LogRow r) throws LedgerException {
    if (r.body() == null || r.leafHash() == null || r.leafHash().length != Hash.SIZE) {
      throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, "record " + r.seq()
          + " has no stored bytes or leaf hash; nothing after it was copied", null);
    }
    return new LedgerStore.LogEntry(r.seq(), Hash.of(r.leafHash()), r.body(), r.sig(), r.nodes(),
        r.kind(), r.name(), r.version(), r.actor(), r.time(), r.signer(),
        UnindexedTail.edgesOf(r));
  }
}
