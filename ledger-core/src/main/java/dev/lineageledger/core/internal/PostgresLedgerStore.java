package dev.lineageledger.core.internal;

import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerStorageException;
import dev.lineageledger.core.SignedNote;
import dev.lineageledger.core.StoredCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The ledger in one schema of a PostgreSQL database, for many writers on many machines: the
 * only class of the core that speaks PostgreSQL's SQL. Layout: {@link LedgerStore} and {@code
 * migrations/postgresql/*.sql}, docs/FORMAT.md §7.3.
 *
 * <p>Sequencing: an append transaction (READ COMMITTED) first locks the one row of {@code
 * write_lock} ({@code SELECT ... FOR UPDATE}, waiting at most the lock timeout); every
 * statement after it sees everything the previous holder committed, so the tail it reads is
 * authoritative and sequence numbers are never reused. Reads are REPEATABLE READ READ ONLY
 * snapshots, which take no row locks: readers never block writers. The index catch-up
 * serialises on the row of {@code index_state} instead, so it never holds up appends.
 *
 * <p>Connections: a small pool for readers, one write connection used by the ledger's writer
 * (and its committer), one for sync state; each caches its prepared statements. A connection
 * that failed is dropped and a new one opened, asking the password supplier again (an Entra ID
 * token provider hands out a fresh token). When the first statement of a transaction finds its
 * connection dead (the server restarted, a proxy dropped it while idle), the transaction starts
 * again once on a new connection: nothing was done on the old one. A failure later in a
 * transaction fails it whole (nothing of it is committed) with one clear line.
 */
public final class PostgresLedgerStore implements LedgerStore {
  private static final String[] MIGRATIONS = {"001-log-first.sql"};
  public static final int SCHEMA_VERSION = MIGRATIONS.length;
  private static final int IDLE_READERS = 4;
  /** Rows a scan fetches per round trip (pgjdbc reads a whole result set into memory without). */
  private static final int FETCH = 1024;

  /** Rows that may be key records (docs/FORMAT.md §4.1), as {@link KeyHistory#KEY_CANDIDATES}. */
  private static final String KEY_CANDIDATES =
      "position(convert_to('\"kind\":\"key\"', 'UTF8') in body) > 0";
  /** A checkpoint's signature lines, newline-joined in insertion order: its note's tail. */
  private static final String SIGNATURE_LINES = "(SELECT string_agg(line, E'\\n' ORDER BY id)"
      + " FROM checkpoint_signatures s WHERE s.size = c.size)";

  private final PostgresLocation location;
  private final Durability durability;
  private final int lockTimeoutMillis;
  private final boolean readOnly;
  private final Supplier<char[]> password;
  private final UnindexedTail tail = new UnindexedTail();
  private final ArrayDeque<Conn> idle = new ArrayDeque<>();
  private final Object writeLock = new Object();
  private final Object syncLock = new Object();
  private Conn write;
  private Conn sync;
  private boolean closed;

  /** A connection and its prepared statements; {@code broken} once it failed at the transport. */
  private static final class Conn {
    final Connection c;
    final Map<String, PreparedStatement> stmts = new HashMap<>();
    boolean broken;

    Conn(Connection c) {
      this.c = c;
    }

    PreparedStatement ps(String sql) throws SQLException {
      PreparedStatement p = stmts.get(sql);
      if (p == null) {
        p = c.prepareStatement(sql);
        stmts.put(sql, p);
      }
      return p;
    }

    void close() {
      for (PreparedStatement p : stmts.values()) {
        try {
          p.close();
        } catch (SQLException ignored) {
          // closing a statement cannot lose data
        }
      }
      try {
        c.close();
      } catch (SQLException ignored) {
        // nothing more to do
      }
    }
  }

  private PostgresLedgerStore(PostgresLocation location, Durability durability,
      int lockTimeoutMillis, boolean readOnly, Supplier<char[]> password) {
    this.location = location;
    this.durability = durability;
    this.lockTimeoutMillis = lockTimeoutMillis;
    this.readOnly = readOnly;
    this.password = password;
  }

  /**
   * Creates the ledger's schema with the given ledger_meta rows, in one transaction: either the
   * whole ledger exists afterwards or nothing does. Refuses a schema that already exists.
   */
  public static PostgresLedgerStore create(PostgresLocation location, Durability durability,
      int lockTimeoutMillis, Supplier<char[]> password, List<String[]> meta)
      throws LedgerException {
    PostgresLedgerStore s = new PostgresLedgerStore(location, durability, lockTimeoutMillis, false,
        password);
    Conn c = s.connect(false);
    try {
      PreparedStatement exists = c.ps("SELECT 1 FROM pg_namespace WHERE nspname = ?");
      exists.setString(1, location.schema());
      try (ResultSet r = exists.executeQuery()) {
        if (r.next()) {
          throw new LedgerStorageException(LedgerStorageException.Reason.IO, "schema "
              + location.schema() + " already exists at " + location + " (one ledger per schema;"
              + " choose another with ?schema=NAME)", null);
        }
      }
      try (Statement st = c.c.createStatement()) {
        // Unquoted: PostgresLocation admits lower-case identifiers only.
        st.execute("CREATE SCHEMA " + location.schema());
        // The connection's search_path names the schema, which exists from here on.
        for (int v = 0; v < MIGRATIONS.length; v++) {
          st.execute(resource("migrations/postgresql/" + MIGRATIONS[v]));
        }
        st.execute("INSERT INTO schema_version(id, version) VALUES (0, " + SCHEMA_VERSION + ")");
      }
      PreparedStatement ps = c.ps("INSERT INTO ledger_meta(key, value) VALUES (?, ?)");
      for (String[] kv : meta) {
        ps.setString(1, kv[0]);
        ps.setString(2, kv[1]);
        ps.addBatch();
      }
      ps.executeBatch();
      c.c.commit();
    } catch (SQLException e) {
      throw describe(location, "cannot create ledger", e);
    } finally {
      c.close();
    }
    return open(location, durability, lockTimeoutMillis, password, false);
  }

  /** Opens an existing ledger: checks that the schema holds a ledger this build understands. */
  public static PostgresLedgerStore open(PostgresLocation location, Durability durability,
      int lockTimeoutMillis, Supplier<char[]> password, boolean readOnly) throws LedgerException {
    PostgresLedgerStore s = new PostgresLedgerStore(location, durability, lockTimeoutMillis,
        readOnly, password);
    Conn first = s.connect(true);
    try {
      s.checkSchema(first);
      first.c.rollback();
    } catch (SQLException e) {
      first.close();
      throw describe(location, "cannot open", e);
    } catch (LedgerException | RuntimeException e) {
      first.close();
      throw e;
    }
    s.idle.add(first);
    return s;
  }

  private void checkSchema(Conn c) throws SQLException, LedgerException {
    PreparedStatement ps = c.ps("SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = ?),"
        + " to_regclass(?) IS NOT NULL");
    ps.setString(1, location.schema());
    ps.setString(2, location.schema() + ".schema_version");
    boolean schema;
    boolean versioned;
    try (ResultSet r = ps.executeQuery()) {
      r.next();
      schema = r.getLong(1) > 0;
      versioned = r.getBoolean(2);
    }
    if (!schema) {
      throw new LedgerStorageException(LedgerStorageException.Reason.NOT_FOUND, "no ledger at "
          + location + " (create one with 'ledger init')", null);
    }
    if (!versioned) {
      throw new LedgerStorageException(LedgerStorageException.Reason.NOT_A_LEDGER, location
          + " is not a Lineage Ledger (schema " + location.schema() + " exists, but was not"
          + " created by 'ledger init')", null);
    }
    int version;
    try (ResultSet r = c.ps("SELECT max(version) FROM schema_version").executeQuery()) {
      version = r.next() ? r.getInt(1) : 0;
    }
    if (version > SCHEMA_VERSION) {
      throw new LedgerStorageException(LedgerStorageException.Reason.NOT_A_LEDGER, location
          + " has ledger schema version " + version + ", newer than this build supports ("
          + SCHEMA_VERSION + "); upgrade lineage-ledger", null);
    }
    if (version < 1) {
      throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, location
          + " has no ledger schema version", null);
    }
  }

  @Override
  public String location() {
    return location.toString();
  }

  @Override
  public boolean isReadOnly() {
    return readOnly;
  }

  // ---------------------------------------------------------------- connections

  /**
   * A new connection: READ COMMITTED for the writer, REPEATABLE READ READ ONLY for readers;
   * the durability mode as {@code synchronous_commit} (docs/FORMAT.md §8), the busy timeout as
   * {@code lock_timeout}.
   */
  private Conn connect(boolean reader) throws LedgerStorageException {
    Properties p = new Properties();
    p.setProperty("user", location.user());
    char[] pw;
    try {
      pw = password.get();
    } catch (RuntimeException e) {
      throw new LedgerStorageException("cannot connect to " + location + ": the password"
          + " supplier failed: " + e.getMessage(), e);
    }
    if (pw != null) {
      p.setProperty("password", new String(pw));
      Arrays.fill(pw, '\0');
    }
    p.setProperty("currentSchema", location.schema());
    p.setProperty("ApplicationName", "lineage-ledger");
    p.setProperty("connectTimeout", "10");
    p.setProperty("tcpKeepAlive", "true");
    // One INSERT of many rows per batch instead of one statement per row.
    p.setProperty("reWriteBatchedInserts", "true");
    // lock_timeout 0 would mean "wait forever"; a busy timeout of 0 means "do not wait".
    p.setProperty("options", "-c synchronous_commit=" + (durability == Durability.FSYNC ? "on" : "off")
        + " -c lock_timeout=" + Math.max(1, lockTimeoutMillis));
    location.params().forEach(p::setProperty);
    try {
      Connection c = DriverManager.getConnection(location.jdbcUrl(), p);
      try {
        c.setAutoCommit(false);
        if (reader || readOnly) {
          c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
          c.setReadOnly(true);
        } else {
          c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      return new Conn(c);
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("No suitable driver")) {
        throw new LedgerStorageException("cannot open " + location + ": PostgreSQL ledgers need"
            + " the PostgreSQL JDBC driver (org.postgresql:postgresql) on the class path", e);
      }
      throw describe(location, "cannot connect to", e, pw == null);
    }
  }

  private Conn borrow() throws LedgerException {
    synchronized (idle) {
      if (closed) {
        throw new LedgerException("the ledger is closed");
      }
      Conn c = idle.poll();
      if (c != null) {
        return c;
      }
    }
    return connect(true);
  }

  private void giveBack(Conn c) {
    synchronized (idle) {
      if (!closed && !c.broken && idle.size() < IDLE_READERS) {
        idle.push(c);
        return;
      }
    }
    c.close();
  }

  /** Runs a transaction's first statement on the write connection; see the class comment. */
  private <T> T firstStatement(String action, SqlStep<T> step) throws LedgerException {
    for (int attempt = 0; ; attempt++) {
      Conn c = writeConn();
      try {
        return step.run(c);
      } catch (SQLException e) {
        LedgerStorageException le = fail(c, action, e);
        rollbackQuietly(c);
        if (!c.broken || attempt > 0) {
          throw le;
        }
      } catch (LedgerException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    }
  }

  /** A statement on a connection. */
  @FunctionalInterface
  private interface SqlStep<T> {
    T run(Conn c) throws SQLException, LedgerException;
  }

  /** After a connection failed: the idle ones most likely failed with it (a restart). */
  private void discardIdle() {
    List<Conn> stale;
    synchronized (idle) {
      stale = new ArrayList<>(idle);
      idle.clear();
    }
    stale.forEach(Conn::close);
  }

  /** The writer's connection, reconnected when the last one failed. Writer thread only. */
  private Conn writeConn() throws LedgerException {
    if (readOnly) {
      throw new LedgerException("the ledger is open read-only");
    }
    synchronized (writeLock) {
      if (closed) {
        throw new LedgerException("the ledger is closed");
      }
      if (write != null && write.broken) {
        write.close();
        write = null;
      }
      if (write == null) {
        write = connect(false);
      }
      return write;
    }
  }

  /** One line for a failure; marks the connection broken when the failure was the transport. */
  private LedgerStorageException fail(Conn c, String action, SQLException e) {
    if (c != null && isConnectionFailure(e, c)) {
      c.broken = true;
    }
    return describe(location, action, e);
  }

  private static boolean isConnectionFailure(SQLException e, Conn c) {
    String state = e.getSQLState();
    boolean closed;
    try {
      closed = c.c.isClosed();
    } catch (SQLException x) {
      closed = true;
    }
    return closed || state == null || state.startsWith("08") || state.startsWith("57P");
  }

  @Override
  public Reader read() throws LedgerException {
    for (int attempt = 0; ; attempt++) {
      Conn c = borrow();
      PgReader r = new PgReader(c, true);
      try {
        r.size(); // the snapshot's first statement, which nearly every read needs anyway
        return r;
      } catch (LedgerException e) {
        r.close();
        if (!c.broken || attempt > 0) {
          throw e;
        }
        discardIdle();
      }
    }
  }

  @Override
  public Appender beginAppend() throws LedgerException {
    return firstStatement("cannot append to", c -> {
      try (ResultSet r = c.ps("SELECT id FROM write_lock WHERE id = 0 FOR UPDATE").executeQuery()) {
        if (!r.next()) {
          throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, "cannot append"
              + " to " + location + ": its write_lock row is missing", null);
        }
      }
      return new PgAppender(c);
    });
  }

  private static void rollbackQuietly(Conn c) {
    try {
      c.c.rollback();
    } catch (SQLException ignored) {
      // the connection is unusable; it was marked broken, or the next transaction reports it
      c.broken = true;
    }
  }

  // ---------------------------------------------------------------- index maintenance

  @Override
  public long catchUpIndex(long maxRecords, boolean wait) throws LedgerException {
    // Catch-ups serialise on index_state's row, not on write_lock: appends go on meanwhile.
    long w = firstStatement("cannot index", c -> {
      try (ResultSet r = c.ps("SELECT indexed_size FROM index_state WHERE id = 0 FOR UPDATE"
          + (wait ? "" : " NOWAIT")).executeQuery()) {
        if (!r.next()) {
          throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, "cannot index "
              + location + ": its index_state row is missing", null);
        }
        return r.getLong(1);
      }
    });
    Conn c = writeConn();
    try {
      long n = longQuery(c, "SELECT coalesce(max(seq), -1) + 1 FROM records");
      long k = Math.max(0, Math.min(maxRecords, n - w));
      if (k == 0) {
        c.c.rollback();
        return 0;
      }
      List<UnindexedTail.Entry> entries = new ArrayList<>(tail.slice(w, w + k));
      if (entries.size() < k) {
        // Not held (another process appended, or this one just opened): from the log.
        entries.clear();
        PreparedStatement ps = c.ps("SELECT " + JdbcReader.ROW + " FROM records WHERE seq >= ? AND seq < ?"
            + " ORDER BY seq");
        ps.setFetchSize(FETCH);
        ps.setLong(1, w);
        ps.setLong(2, w + k);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            entries.add(UnindexedTail.Entry.of(JdbcReader.toRow(r)));
          }
        }
      }
      PreparedStatement ri = c.ps("INSERT INTO record_index(seq, kind, name, version, time)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
      for (UnindexedTail.Entry e : entries) {
        ri.setLong(1, e.seq());
        ri.setString(2, e.kind() == null ? "" : e.kind());
        ri.setString(3, e.name());
        ri.setString(4, e.version());
        ri.setString(5, e.time() == null ? "" : e.time());
        ri.addBatch();
      }
      ri.executeBatch();
      // In key order, so that consecutive inserts land on the same B-tree pages.
      List<Map.Entry<byte[], Long>> byHash = new ArrayList<>(entries.size());
      for (UnindexedTail.Entry e : entries) {
        byHash.add(Map.entry(e.leaf().bytes(), e.seq()));
      }
      byHash.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
      PreparedStatement hi = c.ps("INSERT INTO hash_index(leaf_hash, seq) VALUES (?, ?)"
          + " ON CONFLICT DO NOTHING");
      for (Map.Entry<byte[], Long> e : byHash) {
        hi.setBytes(1, e.getKey());
        hi.setLong(2, e.getValue());
        hi.addBatch();
      }
      hi.executeBatch();
      PreparedStatement ei = c.ps("INSERT INTO edges(record_seq, src, dst, role) VALUES (?, ?, ?, ?)");
      boolean anyEdge = false;
      for (UnindexedTail.Entry e : entries) {
        for (Edge x : e.edges()) {
          ei.setLong(1, x.recordSeq());
          ei.setLong(2, x.src());
          ei.setLong(3, x.dst());
          ei.setString(4, x.role());
          ei.addBatch();
          anyEdge = true;
        }
      }
      if (anyEdge) {
        ei.executeBatch();
      }
      long upTo = entries.isEmpty() ? w : entries.get(entries.size() - 1).seq() + 1;
      PreparedStatement st = c.ps("UPDATE index_state SET indexed_size = ? WHERE id = 0");
      st.setLong(1, upTo);
      st.executeUpdate();
      c.c.commit();
      tail.dropBelow(upTo);
      return upTo - w;
    } catch (SQLException e) {
      LedgerStorageException le = fail(c, "cannot index", e);
      rollbackQuietly(c);
      throw le;
    } catch (RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    }
  }

  // ---------------------------------------------------------------- sync state

  @Override
  public boolean compareAndSetSyncState(String name, String expected, String value)
      throws LedgerException {
    if (readOnly) {
      throw new LedgerException("the ledger is open read-only");
    }
    synchronized (syncLock) {
      for (int attempt = 0; ; attempt++) {
        if (sync != null && sync.broken) {
          sync.close();
          sync = null;
        }
        if (sync == null) {
          sync = connect(false);
        }
        Conn c = sync;
        boolean sent = false;
        try {
          // One statement each, atomic at READ COMMITTED: an UPDATE re-checks its WHERE on the
          // row a concurrent writer committed, and an INSERT conflicts with the row it inserted.
          PreparedStatement ps;
          if (expected == null) {
            ps = c.ps("INSERT INTO sync_state(name, value) VALUES (?, ?) ON CONFLICT DO NOTHING");
            ps.setString(1, name);
            ps.setString(2, value);
          } else {
            ps = c.ps("UPDATE sync_state SET value = ? WHERE name = ? AND value = ?");
            ps.setString(1, value);
            ps.setString(2, name);
            ps.setString(3, expected);
          }
          boolean changed = ps.executeUpdate() == 1;
          sent = true;
          c.c.commit();
          return changed;
        } catch (SQLException e) {
          LedgerStorageException le = fail(c, "cannot write sync state to", e);
          rollbackQuietly(c);
          // A dead connection found by the statement (not by the commit): nothing was done.
          if (!c.broken || attempt > 0 || sent) {
            throw le;
          }
        }
      }
    }
  }

  @Override
  public void close() {
    List<Conn> toClose = new ArrayList<>();
    synchronized (idle) {
      closed = true;
      toClose.addAll(idle);
      idle.clear();
    }
    synchronized (writeLock) {
      if (write != null) {
        toClose.add(write);
        write = null;
      }
    }
    synchronized (syncLock) {
      if (sync != null) {
        toClose.add(sync);
        sync = null;
      }
    }
    toClose.forEach(Conn::close);
  }

  @Override
  public String toString() {
    return "PostgresLedgerStore[" + location + "]";
  }

  /**
   * The statements that let {@code role} append to the ledger in {@code schema} and nothing
   * more (docs/FORMAT.md §7.3): read everything; insert into the log, checkpoints and index;
   * update only the mutable rows (index_state, sync_state) and lock write_lock (a row lock
   * needs the UPDATE privilege; the trigger refuses an actual update). No DELETE, no TRUNCATE.
   * Run by the schema's owner.
   */
  public static List<String> writerGrants(String schema, String role) {
    if (!schema.matches("[a-z_][a-z0-9_]{0,62}") || !role.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("schema and role must be lower-case identifiers");
    }
    String s = schema + ".";
    return List.of(
        "GRANT USAGE ON SCHEMA " + schema + " TO " + role,
        "GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + role,
        "GRANT INSERT ON " + s + "records, " + s + "checkpoints, " + s + "checkpoint_signatures, "
            + s + "record_index, " + s + "hash_index, " + s + "edges, " + s + "sync_state TO " + role,
        "GRANT UPDATE ON " + s + "index_state, " + s + "sync_state, " + s + "write_lock TO " + role);
  }

  // ---------------------------------------------------------------- helpers

  private static long longQuery(Conn c, String sql) throws SQLException {
    try (ResultSet r = c.ps(sql).executeQuery()) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  private static String resource(String name) {
    try (InputStream in = PostgresLedgerStore.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + name, e);
    }
  }

  static LedgerStorageException describe(PostgresLocation location, String action,
      SQLException e) {
    return describe(location, action, e, false);
  }

  /**
   * One clear line for a PostgreSQL failure (by SQLSTATE); the cause is kept for --verbose.
   * Never a password: the location prints without one, and server messages carry none.
   */
  static LedgerStorageException describe(PostgresLocation location, String action,
      SQLException e, boolean noPassword) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    LedgerStorageException.Reason reason = LedgerStorageException.Reason.IO;
    String what;
    switch (state) {
      case "55P03" -> {
        what = "the ledger is locked by another writer (timed out waiting)";
        reason = LedgerStorageException.Reason.LOCKED;
      }
      case "28P01", "28000" -> what = "authentication failed for user " + location.user()
          + " (check the user and the password)";
      case "08004" -> what = noPassword
          ? "the server asks for a password and none was given (set PGPASSWORD)"
          : "the server refused the connection: " + firstLine(e);
      case "3D000" -> {
        what = "database " + location.database() + " does not exist";
        reason = LedgerStorageException.Reason.NOT_FOUND;
      }
      case "25006" -> {
        what = "the database is read-only";
        reason = LedgerStorageException.Reason.READ_ONLY;
      }
      case "42501" -> {
        what = "permission denied: " + firstLine(e);
        reason = LedgerStorageException.Reason.READ_ONLY;
      }
      case "53100" -> what = "the database server's disk is full";
      case "57P01", "57P02" -> what = "the server closed the connection (a shutdown, a restart"
          + " or an administrator's command)";
      case "57P03" -> what = "the server is starting up or shutting down";
      case "XX001", "XX002" -> {
        what = "the database reports corrupt data: " + firstLine(e);
        reason = LedgerStorageException.Reason.CORRUPT;
      }
      default -> what = state.startsWith("08")
          ? "the connection to the server failed: " + firstLine(e)
          : firstLine(e);
    }
    return new LedgerStorageException(reason, action + " " + location + ": " + what, e);
  }

  private static String firstLine(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return (nl >= 0 ? m.substring(0, nl) : m).strip();
  }

  // ---------------------------------------------------------------- reads

  /** A transaction on one connection: one consistent snapshot (REPEATABLE READ) for readers. */
  private class PgReader extends JdbcReader {
    final Conn c;
    private final boolean pooled;
    private boolean done;
    /**
     * Identities (kind NUL name NUL version) {@link #prefetchIdentities} found nowhere in the
     * index below {@link #indexedSize()} (cached per reader, so the answer stays valid): their
     * lookups skip the index query and ask only the unindexed tail.
     */
    private java.util.Set<String> notIndexed = java.util.Set.of();

    PgReader(Conn c, boolean pooled) {
      super(tail, SIGNATURE_LINES);
      this.c = c;
      this.pooled = pooled;
    }

    @Override
    PreparedStatement ps(String sql) throws SQLException {
      return c.ps(sql);
    }

    @Override
    LedgerStorageException readFailure(String action, SQLException e) {
      return PostgresLedgerStore.this.fail(c, action, e);
    }

    @Override
    public void close() {
      if (done) {
        return;
      }
      done = true;
      rollbackQuietly(c);
      if (pooled) {
        giveBack(c);
      }
    }

    @Override
    public void scanKeyCandidates(long from, long to, RowVisitor v) throws LedgerException {
      scanWhere(KEY_CANDIDATES + " AND seq >= ? AND seq < ?", from, to, v);
    }

    @Override
    protected void scanWhere(String where, long from, long to, RowVisitor v) throws LedgerException {
      // Its own statement, fetched in pages through a portal (constant memory); a visitor may
      // look other rows up on this connection meanwhile.
      try (PreparedStatement ps = c.c.prepareStatement("SELECT " + ROW + " FROM records WHERE "
          + where + " ORDER BY seq")) {
        ps.setFetchSize(FETCH);
        ps.setLong(1, Math.max(0, from));
        ps.setLong(2, to);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            v.visit(toRow(r));
          }
        }
      } catch (StopScan stop) {
        // the visitor has what it needs
      } catch (SQLException e) {
        throw readFailure("cannot read", e);
      }
    }

    @Override
    public List<LogRow> query(Query q) throws LedgerException {
      long size = size();
      long idx = indexedSize();
      List<LogRow> out = new ArrayList<>();
      try {
        if (q.kind() == null && q.name() == null && q.since() == null) {
          PreparedStatement ps = c.ps("SELECT " + ROW + " FROM records WHERE seq >= ? AND seq < ?"
              + " ORDER BY seq LIMIT ?");
          ps.setLong(1, Math.max(0, q.fromSeq()));
          ps.setLong(2, size);
          ps.setLong(3, q.limit());
          try (ResultSet r = ps.executeQuery()) {
            while (r.next()) {
              out.add(toRow(r));
            }
          }
          return out;
        }
        // §7: rows outside [0, size) are no records (verify reports them); never shown.
        StringBuilder sql = new StringBuilder("SELECT seq FROM record_index WHERE seq >= ? AND seq < ?");
        List<Object> args = new ArrayList<>(List.of(Math.max(0, q.fromSeq()), idx));
        if (q.kind() != null) {
          sql.append(" AND kind = ?");
          args.add(q.kind());
        }
        if (q.name() != null) {
          sql.append(" AND name = ?");
          args.add(q.name());
        }
        if (q.since() != null) {
          sql.append(" AND time >= ?");
          args.add(q.since());
        }
        sql.append(" ORDER BY seq LIMIT ?");
        args.add((long) q.limit());
        PreparedStatement ps = c.ps(sql.toString());
        for (int i = 0; i < args.size(); i++) {
          ps.setObject(i + 1, args.get(i));
        }
        List<Long> seqs = new ArrayList<>();
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            seqs.add(r.getLong(1));
          }
        }
        if (seqs.size() < q.limit()) {
          for (UnindexedTail.Entry e : tail().scan(q.fromSeq(), idx, size, q.limit() - seqs.size(),
              e -> (q.kind() == null || q.kind().equals(e.kind()))
                  && (q.name() == null || q.name().equals(e.name()))
                  && (q.since() == null || (e.time() != null && e.time().compareTo(q.since()) >= 0)))) {
            seqs.add(e.seq());
          }
        }
        for (long s : seqs) {
          LogRow r = row(s);
          if (r != null) {
            out.add(r);
          }
        }
        return out;
      } catch (SQLException e) {
        throw readFailure("cannot read", e);
      }
    }

    // -------------------------------------------------------------- lookups

    /** Up to this many identities per query. */
    private static final int PREFETCH_CHUNK = 1000;

    @Override
    public boolean prefetchesIdentities() {
      return true;
    }

    @Override
    public void prefetchIdentities(List<String[]> ids) throws LedgerException {
      long idx = indexedSize();
      java.util.Set<String> absent = new java.util.HashSet<>();
      for (String[] id : ids) {
        absent.add(id[0] + '\0' + id[1] + '\0' + id[2]);
      }
      try {
        // One index probe per identity (LATERAL ... LIMIT 1 keeps the planner from hashing the
        // whole index): the cost grows with the group, not with the ledger.
        PreparedStatement ps = c.ps("SELECT q.k, q.n, q.v FROM unnest(?::text[], ?::text[],"
            + " ?::text[]) AS q(k, n, v) CROSS JOIN LATERAL (SELECT 1 FROM record_index r"
            + " WHERE r.kind = q.k AND r.name = q.n AND r.version = q.v AND r.seq >= 0"
            + " AND r.seq < ? LIMIT 1) found");
        for (int from = 0; from < ids.size(); from += PREFETCH_CHUNK) {
          List<String[]> chunk = ids.subList(from, Math.min(ids.size(), from + PREFETCH_CHUNK));
          String[][] cols = new String[3][chunk.size()];
          for (int i = 0; i < chunk.size(); i++) {
            for (int k = 0; k < 3; k++) {
              cols[k][i] = chunk.get(i)[k];
            }
          }
          for (int k = 0; k < 3; k++) {
            ps.setArray(k + 1, c.c.createArrayOf("text", cols[k]));
          }
          ps.setLong(4, idx);
          try (ResultSet r = ps.executeQuery()) {
            while (r.next()) {
              absent.remove(r.getString(1) + '\0' + r.getString(2) + '\0' + r.getString(3));
            }
          }
        }
      } catch (SQLException e) {
        throw readFailure("cannot read", e);
      }
      notIndexed = absent;
    }

    /** The seq of the first (or latest) record with this name, or -1. */
    @Override
    protected long nameSeq(String kind, String name, String version) throws LedgerException {
      boolean latest = version == null;
      long idx = indexedSize();
      if (!latest && notIndexed.contains(kind + '\0' + name + '\0' + version)) {
        return tail().byName(kind + '\0' + name + '\0' + version, false, idx, size());
      }
      if (latest) {
        long t = tail().byName(kind + '\0' + name, true, idx, size());
        if (t >= 0) {
          return t;
        }
      }
      try {
        PreparedStatement ps = c.ps(latest
            ? "SELECT seq FROM record_index WHERE kind = ? AND name = ? AND seq >= 0 AND seq < ?"
                + " ORDER BY seq DESC LIMIT 1"
            : "SELECT seq FROM record_index WHERE kind = ? AND name = ? AND version = ?"
                + " AND seq >= 0 AND seq < ? ORDER BY seq LIMIT 1");
        ps.setString(1, kind);
        ps.setString(2, name);
        if (latest) {
          ps.setLong(3, idx);
        } else {
          ps.setString(3, version);
          ps.setLong(4, idx);
        }
        try (ResultSet r = ps.executeQuery()) {
          if (r.next()) {
            return r.getLong(1);
          }
        }
      } catch (SQLException e) {
        throw readFailure("cannot read", e);
      }
      return latest ? -1 : tail().byName(kind + '\0' + name + '\0' + version, false, idx, size());
    }

    @Override
    public List<Link> links(List<Long> nodes, boolean upstream) throws LedgerException {
      List<Link> out = new ArrayList<>();
      long idx = indexedSize();
      String from = upstream ? "dst" : "src";
      String other = upstream ? "src" : "dst";
      try {
        // One statement for any number of nodes: the frontier goes as one array parameter.
        PreparedStatement ps = c.ps("SELECT e.src, e.dst, e.role, r.seq, r.kind, r.name,"
            + " r.version, r.leaf_hash FROM edges e JOIN records r ON r.seq = e." + other
            + " WHERE e." + from + " = ANY (?) AND e.record_seq >= 0 AND e.record_seq < ?"
            + " AND e.src >= 0 AND e.dst >= 0 AND r.seq >= 0");
        Array arr = c.c.createArrayOf("bigint", nodes.toArray());
        try {
          ps.setArray(1, arr);
          ps.setLong(2, idx);
          try (ResultSet r = ps.executeQuery()) {
            while (r.next()) {
              out.add(new Link(r.getLong(1), r.getLong(2), r.getString(3), r.getLong(4),
                  r.getString(5), r.getString(6), r.getString(7), Hash.of(r.getBytes(8))));
            }
          }
        } finally {
          arr.free();
        }
      } catch (SQLException e) {
        throw readFailure("cannot read", e);
      }
      if (idx < size()) {
        UnindexedTail t = tail();
        for (long node : nodes) {
          for (Edge e : t.edges(node, upstream, idx, size(), Long.MAX_VALUE)) {
            long o = upstream ? e.src() : e.dst();
            UnindexedTail.Entry oe = t.bySeq(o, idx, size());
            if (oe != null) {
              out.add(new Link(e.src(), e.dst(), e.role(), o, oe.kind(), oe.name(), oe.version(),
                  oe.leaf()));
            } else {
              LogRow r = row(o);
              if (r != null && r.leafHash() != null && r.leafHash().length == Hash.SIZE) {
                out.add(new Link(e.src(), e.dst(), e.role(), o, r.kind(), r.name(), r.version(),
                    Hash.of(r.leafHash())));
              }
            }
          }
        }
      }
      return out;
    }

    // -------------------------------------------------------------- subtrees

    // -------------------------------------------------------------- checkpoints

    // -------------------------------------------------------------- verification

    /**
     * Nothing to do: PostgreSQL checks its own pages (data checksums, when the cluster has
     * them, fail the read that meets a damaged page: XX001 is reported as corrupt), and every
     * stored value is re-derived by verification.
     */
    @Override
    public void checkStructure() {
      // see above
    }

    @Override
    public void scanEdges(long from, long to, EdgeVisitor v) throws LedgerException {
      try (PreparedStatement ps = c.c.prepareStatement("SELECT record_seq, src, dst, role FROM edges"
          + " WHERE record_seq >= ? AND record_seq < ? ORDER BY record_seq")) {
        ps.setFetchSize(FETCH);
        ps.setLong(1, from);
        ps.setLong(2, to);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            v.visit(new Edge(r.getLong(1), r.getLong(2), r.getLong(3), r.getString(4)));
          }
        }
      } catch (SQLException e) {
        throw readFailure("cannot verify", e);
      }
    }

    @Override
    public List<Map.Entry<Long, String>> indexProblems(long from) throws LedgerException {
      List<Map.Entry<Long, String>> out = new ArrayList<>();
      try {
        long size = size();
        long stored = longQuery(c, "SELECT coalesce(max(indexed_size), -1) FROM index_state");
        long rows = longQuery(c, "SELECT count(*) FROM index_state");
        if (rows != 1 || stored < 0 || stored > size) {
          out.add(Map.entry(-1L, "index_state must be one row with an indexed size in 0.." + size
              + " (it has " + rows + " rows, indexed size " + stored + ")"));
        }
        long w = indexedSize();
        // Every record before w has its index rows, with the values of its log row ...
        PreparedStatement ps = c.ps("SELECT min(r.seq) FROM records r LEFT JOIN record_index i"
            + " ON i.seq = r.seq WHERE r.seq >= ? AND r.seq < ? AND (i.seq IS NULL"
            + " OR i.kind IS DISTINCT FROM r.kind OR i.name IS DISTINCT FROM r.name"
            + " OR i.version IS DISTINCT FROM r.version OR i.time IS DISTINCT FROM r.time)");
        ps.setLong(1, from);
        ps.setLong(2, w);
        firstProblem(ps, out, "its kind:name@version/time index row is missing or differs from"
            + " the record");
        ps = c.ps("SELECT min(r.seq) FROM records r LEFT JOIN hash_index h ON h.leaf_hash ="
            + " r.leaf_hash AND h.seq = r.seq WHERE r.seq >= ? AND r.seq < ? AND h.seq IS NULL");
        ps.setLong(1, from);
        ps.setLong(2, w);
        firstProblem(ps, out, "its hash index row is missing or names another record");
        // ... and no index row names anything else (a forged row would redirect a reference).
        ps = c.ps("SELECT min(seq) FROM record_index i WHERE seq < 0 OR seq >= ?");
        ps.setLong(1, w);
        firstProblem(ps, out, "an index row exists for a record the index does not cover");
        ps = c.ps("SELECT min(h.seq) FROM hash_index h LEFT JOIN records r ON r.seq = h.seq"
            + " WHERE h.seq < 0 OR h.seq >= ? OR r.seq IS NULL"
            + " OR r.leaf_hash IS DISTINCT FROM h.leaf_hash");
        ps.setLong(1, w);
        firstProblem(ps, out, "a hash index row names no record of that hash");
        ps = c.ps("SELECT min(record_seq) FROM edges WHERE record_seq >= ? AND record_seq < ?");
        ps.setLong(1, w);
        ps.setLong(2, size);
        firstProblem(ps, out, "lineage edges are stored for a record the index does not cover yet");
      } catch (SQLException e) {
        throw readFailure("cannot verify", e);
      }
      return out;
    }

  }

  // ---------------------------------------------------------------- appends

  /** The writer's transaction, holding write_lock's row lock until commit or rollback. */
  private final class PgAppender extends PgReader implements Appender {
    private final List<LogEntry> inserted = new ArrayList<>();
    private boolean finished;

    PgAppender(Conn c) {
      super(c, false);
    }

    @Override
    public void insert(List<LogEntry> entries) throws LedgerException {
      if (entries.isEmpty()) {
        return;
      }
      // Pin this transaction's view of the committed log before it grows: lookups must never
      // load uncommitted rows into the shared tail.
      size();
      indexedSize();
      try {
        PreparedStatement rec = c.ps("INSERT INTO records(" + JdbcReader.ROW + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (LogEntry b : entries) {
          rec.setLong(1, b.seq());
          rec.setBytes(2, b.leaf().bytes());
          rec.setBytes(3, b.body());
          rec.setBytes(4, b.sig());
          rec.setBytes(5, b.nodes());
          rec.setString(6, b.kind());
          rec.setString(7, b.name());
          rec.setString(8, b.version());
          rec.setString(9, b.actor());
          rec.setString(10, b.time());
          rec.setString(11, b.signer());
          rec.addBatch();
        }
        rec.executeBatch();
        inserted.addAll(entries);
      } catch (SQLException e) {
        throw readFailure("cannot append to", e);
      }
    }

    @Override
    public StoredCheckpoint insertCheckpoint(Checkpoint cp, SignedNote note) throws LedgerException {
      try {
        PreparedStatement ps = c.ps("INSERT INTO checkpoints(size, root, body, created)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
        ps.setLong(1, cp.size());
        ps.setBytes(2, cp.root().bytes());
        ps.setString(3, cp.body());
        ps.setString(4, Envelope.formatTime(Instant.now()));
        ps.executeUpdate();
        PreparedStatement sig = c.ps("INSERT INTO checkpoint_signatures(size, line)"
            + " VALUES (?, ?) ON CONFLICT DO NOTHING");
        for (String line : SqliteLedgerStore.signatureLines(note)) {
          sig.setLong(1, cp.size());
          sig.setString(2, line);
          sig.executeUpdate();
        }
      } catch (SQLException e) {
        throw readFailure("cannot append to", e);
      }
      return checkpoint(cp.size());
    }

    @Override
    public void commit() throws LedgerException {
      try {
        c.c.commit();
        finished = true;
      } catch (SQLException e) {
        LedgerStorageException le = readFailure("cannot append to", e);
        rollback();
        if (c.broken) {
          // The commit request may have reached the server: the batch is all there or not at
          // all, and no receipt was returned for it either way.
          throw new LedgerStorageException(le.reason(), le.getMessage() + "; the connection"
              + " failed during the commit, so this batch may or may not be stored (no receipt"
              + " was returned for it)", e);
        }
        throw le;
      }
      tail.appendCommitted(inserted);
    }

    @Override
    public void rollback() {
      if (finished) {
        return;
      }
      finished = true;
      rollbackQuietly(c);
    }

    @Override
    public void close() {
      rollback();
    }
  }
}
