package dev.lineageledger.core;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link Ledger#verify}. {@code size} records were checked ({@code fromSize} ..
 * {@code size - 1} in incremental mode); {@code failures} lists the first failures in sequence
 * order (at most the configured number), {@code failureCount} counts them all. {@code
 * trustedKeys} are the keys verification started from (what the caller trusted); {@code
 * keysAtEnd} those trusted after the last record, once key rotations were followed.
 */
public record VerificationReport(
    long fromSize,
    long size,
    int checkpointsChecked,
    long coveredSize,
    StoredCheckpoint latestCheckpoint,
    ConsistencyProof consistencyFromTrusted,
    List<VerificationFailure> failures,
    long failureCount,
    List<VerifierKey> trustedKeys,
    List<VerifierKey> keysAtEnd,
    SigningMode signingMode) {

  public VerificationReport {
    failures = List.copyOf(failures);
    trustedKeys = List.copyOf(trustedKeys);
    keysAtEnd = List.copyOf(keysAtEnd);
  }

  public boolean ok() {
    return failureCount == 0;
  }

  /**
   * True when the only failure is an uncovered tail of a per-record ledger: every record
   * (including each tail record's own signature) and every checkpoint checks out, but the last
   * records are not yet covered by a checkpoint (a crash or a full disk before the writer signed
   * one). Not evidence of tampering; a writer holding the key covers the tail the next time it
   * opens the ledger. Never true in checkpoint-only mode: there a tail no checkpoint covers
   * carries no signature at all, so nothing tells it from an insertion (docs/FORMAT.md §9).
   */
  public boolean onlyUncoveredTail() {
    return signingMode == SigningMode.PER_RECORD && failureCount == 1 && failures.size() == 1
        && failures.get(0).reason() == FailureReason.UNCOVERED;
  }

  public Optional<VerificationFailure> firstFailure() {
    return failures.isEmpty() ? Optional.empty() : Optional.of(failures.get(0));
  }
}
