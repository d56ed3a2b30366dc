package dev.lineageledger.core;

/**
 * When an {@code append} is acknowledged. See docs/FORMAT.md "Durability" for what survives a
 * process crash and what survives power loss.
 */
public enum Durability {
  /**
   * Each commit group is fsync'd before its receipts are returned (SQLite WAL, {@code
   * synchronous=FULL}; PostgreSQL {@code synchronous_commit=on}): acknowledged records survive
   * a process crash and power loss.
   */
  FSYNC,
  /**
   * Commits reach the operating system but are not fsync'd ({@code synchronous=NORMAL}):
   * acknowledged records survive a crash of this process; the last commits before a power loss
   * or kernel crash may be lost (never half-written: the ledger stays a consistent prefix). On
   * PostgreSQL ({@code synchronous_commit=off}) the commit is acknowledged before the server
   * flushes its WAL: a crash of this process loses nothing, a crash of the database server or
   * its machine may lose the last commits (at most about three {@code wal_writer_delay}s, 0.6 s
   * by default), again only as a consistent prefix.
   */
  OS_BUFFERED
}
