package dev.lineageledger.cli;

/** The exit codes of every {@code ledger} command: a contract for scripts. */
public final class ExitCodes {
  /** Success; for verification: the ledger is intact. */
  public static final int OK = 0;
  /** Integrity failure: tampering, bad signature, truncation, equivocation, failed proof. */
  public static final int INTEGRITY = 1;
  /** Usage or input error: bad arguments, malformed JSON, invalid record, wrong key. */
  public static final int USAGE = 2;
  /** I/O or environment error: locked or read-only database, disk full, unreachable server. */
  public static final int IO = 3;
  /**
   * Verification only: every signed record and checkpoint checks out, but the last records are
   * not yet covered by a signed checkpoint (a crash or a full disk before the writer signed
   * one). Not evidence of tampering; the next writer that opens the ledger with its key covers
   * them.
   */
  public static final int UNCOVERED = 4;

  private ExitCodes() {}
}
