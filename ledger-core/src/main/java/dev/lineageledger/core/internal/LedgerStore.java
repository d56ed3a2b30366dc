package dev.lineageledger.core.internal;

import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.SignedNote;
import dev.lineageledger.core.StoredCheckpoint;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a ledger lives: the one interface between the ledger's logic (writer, verifier,
 * queries) and its storage. Every SQL statement of the core is inside an implementation.
 *
 * <p>Layout (docs/FORMAT.md §7): the <em>log</em> — one row per record in sequence order with
 * its canonical bytes, signature, completed tree nodes and columns derived from the bytes — is
 * what a commit writes, in append order, and all the signed formats need. The secondary
 * lookups (hash → seq, kind:name@version → seq, time, lineage edges) are an <em>index</em>
 * derived from the log and maintained behind it in large batches up to {@link
 * Reader#indexedSize()}; the records after it are served from memory ({@link UnindexedTail}),
 * so every committed record is visible to lookups at once. The index is rebuilt from the log
 * after a crash, and verification checks it against the log.
 */
public interface LedgerStore extends AutoCloseable {
  /**
   * Records the index catches up per transaction. Large, so that one index page written
   * carries many entries; the writer lets the lag reach {@link #INDEX_LAG} first.
   */
  int INDEX_BATCH = 65_536;
  /** The unindexed tail the writer allows before it catches the index up (memory: ~200 B each). */
  int INDEX_LAG = 16_384;

  /** How the store names itself in messages (a path, a PostgreSQL location without password). */
  String location();

  boolean isReadOnly();

  /**
   * A consistent snapshot of the ledger for reads; several may be open at once, on any threads.
   * Close it to release the snapshot.
   */
  Reader read() throws LedgerException;

  /**
   * Starts an append transaction holding the store's write lock (the one place sequence
   * numbers are assigned). Only one thread of a process appends at a time: the writer's.
   */
  Appender beginAppend() throws LedgerException;

  /**
   * Moves up to {@code maxRecords} records from the unindexed tail into the index, in a
   * transaction of its own. Returns the number indexed (0 when the index is complete). With
   * {@code wait} false it gives up at once when another writer holds the write lock (the index
   * is derived data: catching up can always wait for a better moment; an append cannot).
   */
  long catchUpIndex(long maxRecords, boolean wait) throws LedgerException;

  /**
   * Sets sync-state value {@code name} to {@code value} if it is {@code expected} (null:
   * absent), durably; false (and nothing changed) when another writer changed it first.
   */
  boolean compareAndSetSyncState(String name, String expected, String value) throws LedgerException;

  @Override
  void close();

  /** One stored log row; {@code sig}, {@code name}, {@code version}, {@code signer} may be null. */
  record LogRow(long seq, byte[] leafHash, byte[] body, byte[] sig, byte[] nodes, String kind,
      String name, String version, String actor, String time, String signer) {}

  /** A record the writer built: its log row plus the lineage edges its references declare. */
  record LogEntry(long seq, Hash leaf, byte[] body, byte[] sig, byte[] nodes, String kind,
      String name, String version, String actor, String time, String signer, List<Edge> edges) {}

  /** A stored checkpoint as its rows hold it: size, root column, body, note text. */
  record CheckpointRow(long size, byte[] root, String body, String noteText) {}

  /** Receives log rows in sequence order; throws {@link StopScan#STOP} to end the scan early. */
  @FunctionalInterface
  interface RowVisitor {
    void visit(LogRow row) throws LedgerException;
  }

  /**
   * Thrown by a visitor to end a scan early: the scan returns normally. Control flow, so it
   * carries no stack trace; the visitor's own state says why it stopped.
   */
  final class StopScan extends LedgerException {
    private static final long serialVersionUID = 1L;
    public static final StopScan STOP = new StopScan();

    private StopScan() {
      super("scan stopped");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** Filters for {@link Reader#query}; null fields match everything. */
  record Query(String kind, String name, String since, long fromSeq, int limit) {}

  /** A lineage link found by {@link Reader#links}: the edge and the record at its far end. */
  record Link(long src, long dst, String role, long other, String kind, String name,
      String version, Hash otherHash) {}

  /** Structural counts for verification: rows no record or checkpoint can own. */
  record Strays(long negativeSeqRecords, long edgesOutOfRange, long negativeCheckpointRows,
      long orphanSignatures) {}

  /** A read snapshot. */
  interface Reader extends SubtreeSource, AutoCloseable {
    /** The rows of ledger_meta (unsigned: see docs/FORMAT.md §7.1). */
    Map<String, String> meta() throws LedgerException;

    /** The number of records in the log: the tree size. */
    long size() throws LedgerException;

    /** Records before this size are in the index; the rest are served from memory. */
    long indexedSize() throws LedgerException;

    /** The size of the largest stored checkpoint, 0 without one. */
    long checkpointedSize() throws LedgerException;

    /** The log row of {@code seq}, or null. */
    LogRow row(long seq) throws LedgerException;

    /** The rows with {@code from <= seq < to}, in sequence order, in constant memory. */
    void scan(long from, long to, RowVisitor v) throws LedgerException;

    /**
     * The rows before {@code to} from {@code from} whose bytes may be key records (a superset:
     * callers decide from the bytes, docs/FORMAT.md §4.1), in sequence order.
     */
    void scanKeyCandidates(long from, long to, RowVisitor v) throws LedgerException;

    /** The signer column of the first record that has one, or null. */
    String firstSigner() throws LedgerException;

    /** Records matching {@code q}, in sequence order, at most {@code q.limit()}. */
    List<LogRow> query(Query q) throws LedgerException;

    // ------------------------------------------------------------ lookups (index + tail)

    RefResolver.Target bySeq(long seq) throws LedgerException;

    /** The record with leaf hash {@code h}, or null. */
    RefResolver.Target byHash(Hash h) throws LedgerException;

    /** The first record named {@code name@version}, or with a null version the latest named {@code name}. */
    RefResolver.Target byName(String kind, String name, String version) throws LedgerException;

    /** The first record holding identity kind:name@version (docs/FORMAT.md §3.5), or null. */
    RefResolver.Existing identity(String kind, String name, String version) throws LedgerException;

    /**
     * A hint before a group of {@link #identity} calls for {@code ids} (each kind, name,
     * version): a store whose every lookup is a round trip to a server may look them all up at
     * once and answer the calls from what it found. The answers must be those {@link #identity}
     * gives without the hint. Default: nothing (an embedded store's lookups are cheap).
     */
    default void prefetchIdentities(List<String[]> ids) throws LedgerException {}

    /** Whether {@link #prefetchIdentities} does anything: callers skip collecting the hint. */
    default boolean prefetchesIdentities() {
      return false;
    }

    /** Where data flows from {@code node} through edges of records before {@code before}. */
    List<Long> downstream(long node, long before) throws LedgerException;

    /**
     * The edges touching {@code nodes} (as destination when {@code upstream}, else as source),
     * each with the record at its other end.
     */
    List<Link> links(List<Long> nodes, boolean upstream) throws LedgerException;

    // ------------------------------------------------------------ checkpoints, state

    List<CheckpointRow> checkpointRows() throws LedgerException;

    /** The smallest stored checkpoint, or null: O(1). */
    CheckpointRow firstCheckpoint() throws LedgerException;

    StoredCheckpoint checkpoint(long size) throws LedgerException;

    StoredCheckpoint latestCheckpoint() throws LedgerException;

    List<StoredCheckpoint> checkpoints() throws LedgerException;

    Optional<String> syncState(String name) throws LedgerException;

    // ------------------------------------------------------------ verification

    /** The store's own structural check (SQLite: quick_check; PostgreSQL: none); throws when it fails. */
    void checkStructure() throws LedgerException;

    Strays strays() throws LedgerException;

    /**
     * The stored edges declared by records {@code from <= record_seq < to} (the indexed part of
     * the log), ordered by record_seq.
     */
    void scanEdges(long from, long to, EdgeVisitor v) throws LedgerException;

    /**
     * Cross-checks the index below {@link #indexedSize()} against the log: every record in
     * [0, indexedSize) has exactly its index rows and no other row exists. Returns problems as
     * (seq, message) — empty when the index is exact. {@code from}: records before it were
     * checked by an earlier verification and are skipped where the store can.
     */
    List<Map.Entry<Long, String>> indexProblems(long from) throws LedgerException;

    /**
     * Identities (kind, name, version joined by NUL) held by more than one record in the index:
     * only those need their bodies compared in a full verification.
     */
    java.util.Set<String> sharedIdentities() throws LedgerException;

    @Override
    void close();
  }

  /** Receives stored edges; may throw to stop. */
  @FunctionalInterface
  interface EdgeVisitor {
    void visit(Edge e) throws LedgerException;
  }

  /** An append transaction: reads see its own writes; nothing is visible before commit. */
  interface Appender extends Reader {
    /** Appends log rows, in sequence order, continuing the log. */
    void insert(List<LogEntry> entries) throws LedgerException;

    StoredCheckpoint insertCheckpoint(Checkpoint c, SignedNote note) throws LedgerException;

    /** Commits durably; then the entries are in the store's unindexed tail. */
    void commit() throws LedgerException;

    /** Rolls back (idempotent, never throws); also what close does without commit. */
    void rollback();

    @Override
    default void close() {
      rollback();
    }
  }
}
