package dev.lineageledger.core;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link Ledger#verify}. {@code size} records were checked ({@code fromSize} ..
 * {@code size - 1} in incremental mode); {@code failures} lists the first failures in sequence
 * order (at most the configured number), {@code failureCount} counts them all.
 */
public record VerificationReport(
    long fromSize,
    long size,
    int checkpointsChecked,
    long coveredSize,
    StoredCheckpoint latestCheckpoint,
    ConsistencyProof consistencyFromTrusted,
    List<VerificationFailure> failures,
    long failureCount) {

  public VerificationReport {
    failures = List.copyOf(failures);
  }

  public boolean ok() {
    return failureCount == 0;
  }

  public Optional<VerificationFailure> firstFailure() {
    return failures.isEmpty() ? Optional.empty() : Optional.of(failures.get(0));
  }
}
