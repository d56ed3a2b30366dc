package dev.lineageledger.server;

/** What an authenticated caller may do. A writer may also read. */
public enum Role {
  /** Reads records, lineage and entry bundles. */
  READER,
  /** Appends records (native or OpenLineage), and reads. */
  WRITER;

  public boolean permits(Role needed) {
    return this == WRITER || needed == READER;
  }
}
