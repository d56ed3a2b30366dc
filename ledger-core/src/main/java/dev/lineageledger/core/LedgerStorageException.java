package dev.lineageledger.core;

/** The ledger's storage failed: I/O error, locked or read-only database, corrupt or foreign file. */
public class LedgerStorageException extends LedgerException {
  private static final long serialVersionUID = 1L;

  /** What kind of storage problem, so that callers (the CLI) can choose an exit code. */
  public enum Reason {
    /** No ledger at the given path. */
    NOT_FOUND,
    /** The file exists but is not a ledger this build can open (foreign file, newer schema). */
    NOT_A_LEDGER,
    /** The database file is damaged. */
    CORRUPT,
    /** Another writer holds the lock for longer than the busy timeout. */
    LOCKED,
    /** The file or its directory cannot be written. */
    READ_ONLY,
    /** Any other I/O failure (disk full, device error). */
    IO
  }

  private final Reason reason;

  public LedgerStorageException(String message) {
    this(Reason.IO, message, null);
  }

  public LedgerStorageException(String message, Throwable cause) {
    this(Reason.IO, message, cause);
  }

  public LedgerStorageException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
