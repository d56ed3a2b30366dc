package dev.lineageledger.core;

/**
 * One integrity failure: the sequence number where it was found ({@code -1} when it concerns
 * the ledger as a whole), a stable reason code (docs/FORMAT.md "Verification") and a
 * human-readable explanation.
 */
public record VerificationFailure(long seq, String reason, String message) {
  @Override
  public String toString() {
    return (seq >= 0 ? "record " + seq + ": " : "") + reason + ": " + message;
  }
}
