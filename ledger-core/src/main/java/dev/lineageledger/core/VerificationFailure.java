package dev.lineageledger.core;

import java.util.Objects;

/**
 * One integrity failure: the sequence number where it was found ({@code -1} when it concerns
 * the ledger as a whole), a stable reason (docs/FORMAT.md §9) and a human-readable explanation.
 */
public record VerificationFailure(long seq, FailureReason reason, String message) {
  public VerificationFailure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return (seq >= 0 ? "record " + seq + ": " : "") + reason.code() + ": " + message;
  }
}
