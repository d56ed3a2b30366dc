package dev.lineageledger.core;

/** The ledger's storage failed: I/O error, locked or read-only database, corrupt or foreign file. */
public class LedgerStorageException extends LedgerException {
  private static final long serialVersionUID = 1L;

  public LedgerStorageException(String message) {
    super(message);
  }

  public LedgerStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
