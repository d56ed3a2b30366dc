package dev.lineageledger.core;

/**
 * A checkpoint as stored in the ledger: the C2SP tlog-checkpoint and its signed note (with every
 * cosignature collected so far), and when it was first stored.
 */
public record StoredCheckpoint(Checkpoint checkpoint, SignedNote note, String created) {
  public long size() {
    return checkpoint.size();
  }

  public Hash root() {
    return checkpoint.root();
  }

  /** The signed note text exactly as stored. */
  public String noteText() {
    return note.text();
  }
}
