package dev.lineageledger.core;

/** Input in one of the ledger's exchange formats (note, checkpoint, proof, key) could not be parsed. */
public class FormatException extends LedgerException {
  private static final long serialVersionUID = 1L;

  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
