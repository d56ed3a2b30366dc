package dev.lineageledger.core;

import java.util.List;

/**
 * A {@code key} record (docs/FORMAT.md §4.1) with its per-record signature and its RFC 9162
 * inclusion proof in a tree of some size: what lets a verifier holding only a key pinned long
 * ago follow rotations offline (docs/FORMAT.md §6, {@code keyRecords} of a proof file).
 */
public record KeyRecordProof(long seq, byte[] record, byte[] signature, List<Hash> inclusion) {
  public KeyRecordProof {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0");
    }
    record = record.clone();
    signature = signature == null ? null : signature.clone();
    inclusion = List.copyOf(inclusion);
  }

  @Override
  public byte[] record() {
    return record.clone();
  }

  @Override
  public byte[] signature() {
    return signature == null ? null : signature.clone();
  }
}
