package dev.lineageledger.core;

/** Base of every checked exception the ledger throws; callers can catch this one type. */
public class LedgerException extends Exception {
  private static final long serialVersionUID = 1L;

  public LedgerException(String message) {
    super(message);
  }

  public LedgerException(String message, Throwable cause) {
    super(message, cause);
  }
}
