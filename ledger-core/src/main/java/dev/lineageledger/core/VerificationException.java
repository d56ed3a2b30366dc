package dev.lineageledger.core;

/** A signature, proof or note did not verify. The message says which check failed. */
public class VerificationException extends LedgerException {
  private static final long serialVersionUID = 1L;

  public VerificationException(String message) {
    super(message);
  }

  public VerificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
