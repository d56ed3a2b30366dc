package dev.lineageledger.core.internal;

import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerStorageException;
import dev.lineageledger.core.NoteSignature;
import dev.lineageledger.core.SignedNote;
import dev.lineageledger.core.StoredCheckpoint;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger in one SQLite file (WAL mode): the only class of the core that speaks SQL. Schema
 * and migrations: {@link SqliteStore} and {@code migrations/*.sql}; layout: {@link LedgerStore}.
 *
 * <p>Connections: a small pool of read connections (WAL readers never block the writer or
 * each other), one write connection used by the ledger's writer thread, and one for sync state.
 * Every connection caches its prepared statements.
 */
public final class SqliteLedgerStore implements LedgerStore {
  private static final int IDLE_READERS = 4;


  private final Path path;
  private final SqliteStore.ConnectionSpec spec;
  private final UnindexedTail tail = new UnindexedTail();
  private final ArrayDeque<Conn> idle = new ArrayDeque<>();
  private final Object writeLock = new Object();
  private Conn write;
  private Conn sync;
  private boolean closed;
  /** A version-1 file opened read-only: its index is read through views (see {@link #conn}). */
  private boolean legacy;

  /** A connection and its prepared statements. */
  private static final class Conn {
    final Connection c;
    final Map<String, PreparedStatement> stmts = new HashMap<>();

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

    void exec(String sql) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      }
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

  private SqliteLedgerStore(Path path, SqliteStore.ConnectionSpec spec) {
    this.path = path;
    this.spec = spec;
  }

  /** Creates a new ledger file with the given ledger_meta rows. */
  public static SqliteLedgerStore create(Path path, Durability durability, int busyTimeoutMillis,
      List<String[]> meta) throws LedgerException {
    SqliteStore.ConnectionSpec spec =
        new SqliteStore.ConnectionSpec(path, durability, busyTimeoutMillis, false);
    Connection c = SqliteStore.connect(spec, false, true);
    try {
      SqliteStore.initialize(c, path, meta);
    } finally {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the schema is committed
      }
    }
    return open(path, durability, busyTimeoutMillis, false);
  }

  /** Opens an existing ledger file, migrating it when writable. */
  public static SqliteLedgerStore open(Path path, Durability durability, int busyTimeoutMillis,
      boolean readOnly) throws LedgerException {
    SqliteLedgerStore s = new SqliteLedgerStore(path,
        new SqliteStore.ConnectionSpec(path, durability, busyTimeoutMillis, readOnly));
    Conn first = new Conn(SqliteStore.connect(s.spec, false, false));
    try {
      s.legacy = SqliteStore.checkAndMigrate(first.c, path, !readOnly) == 1;
      s.prepare(first);
    } catch (LedgerException | RuntimeException e) {
      first.close();
      throw e;
    }
    s.idle.add(first);
    return s;
  }

  public Path path() {
    return path;
  }

  @Override
  public String location() {
    return path.toString();
  }

  @Override
  public boolean isReadOnly() {
    return spec.readOnly();
  }

  private LedgerStorageException describe(String action, SQLException e) {
    return SqliteStore.describe(path, action, e);
  }

  // ---------------------------------------------------------------- connections

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
    Conn c = new Conn(SqliteStore.connect(spec, false, false));
    try {
      prepare(c);
    } catch (LedgerException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /**
   * A version-1 file read without migrating it (an auditor's read-only copy): its records table
   * still carries the version-1 indexes, so connection-private views give the version-2 names
   * the same lookups, and the whole log counts as indexed.
   */
  private void prepare(Conn c) throws LedgerException {
    if (!legacy) {
      return;
    }
    try {
      c.exec("CREATE TEMP VIEW record_index AS SELECT seq, kind, name, version, time FROM main.records");
      c.exec("CREATE TEMP VIEW hash_index AS SELECT leaf_hash, seq FROM main.records");
      c.exec("CREATE TEMP VIEW index_state AS SELECT 0 AS id,"
          + " (SELECT coalesce(max(seq), -1) + 1 FROM main.records) AS indexed_size");
    } catch (SQLException e) {
      throw describe("cannot open", e);
    }
  }

  private void giveBack(Conn c) {
    synchronized (idle) {
      if (!closed && idle.size() < IDLE_READERS) {
        idle.push(c);
        return;
      }
    }
    c.close();
  }

  private Conn writeConn() throws LedgerException {
    if (spec.readOnly()) {
      throw new LedgerException("the ledger is open read-only");
    }
    synchronized (writeLock) {
      if (write == null) {
        write = new Conn(SqliteStore.connect(spec, true, false));
        try {
          // The index catch-up touches index pages all over the file: keep them cached.
          write.exec("PRAGMA cache_size=-32768");
        } catch (SQLException e) {
          throw describe("cannot open", e);
        }
      }
      return write;
    }
  }

  @Override
  public Reader read() throws LedgerException {
    Conn c = borrow();
    try {
      c.exec("BEGIN");
    } catch (SQLException e) {
      giveBack(c);
      throw describe("cannot read", e);
    }
    return new SqliteReader(c, true);
  }

  @Override
  public Appender beginAppend() throws LedgerException {
    Conn c = writeConn();
    try {
      c.exec("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      throw describe("cannot append to", e);
    }
    return new SqliteAppender(c);
  }

  // ---------------------------------------------------------------- index maintenance

  @Override
  public long catchUpIndex(long maxRecords, boolean wait) throws LedgerException {
    Conn c = writeConn();
    boolean began = false;
    try {
      if (!wait) {
        c.exec("PRAGMA busy_timeout=0");
      }
      try {
        c.exec("BEGIN IMMEDIATE");
      } finally {
        if (!wait) {
          c.exec("PRAGMA busy_timeout=" + spec.busyTimeoutMillis());
        }
      }
      began = true;
      long w = longQuery(c, "SELECT indexed_size FROM index_state WHERE id = 0");
      long n = longQuery(c, "SELECT coalesce(max(seq), -1) + 1 FROM records");
      long k = Math.max(0, Math.min(maxRecords, n - w));
      if (k == 0) {
        c.exec("ROLLBACK");
        return 0;
      }
      List<UnindexedTail.Entry> entries = new ArrayList<>(tail.slice(w, w + k));
      if (entries.size() < k) {
        // Not held (another process appended, or this one just opened): from the log.
        entries.clear();
        PreparedStatement ps = c.ps("SELECT " + JdbcReader.ROW + " FROM records WHERE seq >= ? AND seq < ?"
            + " ORDER BY seq");
        ps.setLong(1, w);
        ps.setLong(2, w + k);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            entries.add(UnindexedTail.Entry.of(JdbcReader.toRow(r)));
          }
        }
      }
      PreparedStatement ri = c.ps("INSERT OR IGNORE INTO record_index(seq, kind, name, version,"
          + " time) VALUES (?, ?, ?, ?, ?)");
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
      PreparedStatement hi = c.ps("INSERT OR IGNORE INTO hash_index(leaf_hash, seq) VALUES (?, ?)");
      for (Map.Entry<byte[], Long> e : byHash) {
        hi.setBytes(1, e.getKey());
        hi.setLong(2, e.getValue());
        hi.addBatch();
      }
      hi.executeBatch();
      PreparedStatement ei = c.ps("INSERT INTO edges(record_seq, src, dst, role) VALUES (?, ?, ?, ?)");
      for (UnindexedTail.Entry e : entries) {
        for (Edge x : e.edges()) {
          ei.setLong(1, x.recordSeq());
          ei.setLong(2, x.src());
          ei.setLong(3, x.dst());
          ei.setString(4, x.role());
          ei.addBatch();
        }
      }
      ei.executeBatch();
      long upTo = entries.isEmpty() ? w : entries.get(entries.size() - 1).seq() + 1;
      PreparedStatement st = c.ps("UPDATE index_state SET indexed_size = ? WHERE id = 0");
      st.setLong(1, upTo);
      st.executeUpdate();
      c.exec("COMMIT");
      began = false;
      tail.dropBelow(upTo);
      return upTo - w;
    } catch (SQLException e) {
      throw describe("cannot index", e);
    } finally {
      if (began) {
        try {
          c.exec("ROLLBACK");
        } catch (SQLException ignored) {
          // the connection is unusable; the next transaction reports it
        }
      }
    }
  }

  // ---------------------------------------------------------------- sync state

  @Override
  public boolean compareAndSetSyncState(String name, String expected, String value)
      throws LedgerException {
    if (spec.readOnly()) {
      throw new LedgerException("the ledger is open read-only");
    }
    synchronized (writeLock) {
      try {
        // Its own connection: the writer thread owns the write connection's transactions.
        if (sync == null) {
          sync = new Conn(SqliteStore.connect(spec, true, false));
        }
        Conn c = sync;
        c.exec("BEGIN IMMEDIATE");
        try {
          String current = null;
          PreparedStatement ps = c.ps("SELECT value FROM sync_state WHERE name = ?");
          ps.setString(1, name);
          try (ResultSet r = ps.executeQuery()) {
            if (r.next()) {
              current = r.getString(1);
            }
          }
          if (!java.util.Objects.equals(current, expected)) {
            c.exec("ROLLBACK");
            return false;
          }
          PreparedStatement up = c.ps("INSERT INTO sync_state(name, value) VALUES (?, ?)"
              + " ON CONFLICT(name) DO UPDATE SET value = excluded.value");
          up.setString(1, name);
          up.setString(2, value);
          up.executeUpdate();
          c.exec("COMMIT");
          return true;
        } catch (SQLException e) {
          try {
            c.exec("ROLLBACK");
          } catch (SQLException ignored) {
            // reported below
          }
          throw e;
        }
      } catch (SQLException e) {
        throw describe("cannot write sync state to", e);
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
      if (sync != null) {
        toClose.add(sync);
        sync = null;
      }
    }
    toClose.forEach(Conn::close);
  }

  @Override
  public String toString() {
    return "SqliteLedgerStore[" + path + "]";
  }

  // ---------------------------------------------------------------- helpers

  private static long longQuery(Conn c, String sql) throws SQLException {
    try (ResultSet r = c.ps(sql).executeQuery()) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  /** The signature lines of a note, without their trailing newlines. */
  static List<String> signatureLines(SignedNote note) {
    List<String> out = new ArrayList<>();
    for (NoteSignature sig : note.signatures()) {
      String l = sig.line();
      out.add(l.endsWith("\n") ? l.substring(0, l.length() - 1) : l);
    }
    return out;
  }

  /** A checkpoint's signature lines, newline-joined in insertion order: its note's tail. */
  private static final String SIGNATURE_LINES = "(SELECT group_concat(line, char(10)) FROM"
      + " (SELECT line FROM checkpoint_signatures s WHERE s.size = c.size ORDER BY id))";

  // ---------------------------------------------------------------- reads

  /** A read transaction on one connection: one consistent snapshot. */
  private class SqliteReader extends JdbcReader {
    final Conn c;
    private final boolean pooled;
    private boolean done;

    SqliteReader(Conn c, boolean pooled) {
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
      return describe(action, e);
    }

    @Override
    public void close() {
      if (done) {
        return;
      }
      done = true;
      try {
        c.exec("ROLLBACK");
      } catch (SQLException ignored) {
        // a read transaction holds nothing to undo
      }
      if (pooled) {
        giveBack(c);
      }
    }

    @Override
    public void scanKeyCandidates(long from, long to, RowVisitor v) throws LedgerException {
      scanWhere(KeyHistory.KEY_CANDIDATES + " AND seq >= ? AND seq < ?", from, to, v);
    }

    @Override
    protected void scanWhere(String where, long from, long to, RowVisitor v) throws LedgerException {
      // Its own statement: a visitor may look other rows up on this connection meanwhile.
      try (PreparedStatement ps = c.c.prepareStatement("SELECT " + ROW + " FROM records WHERE "
          + where + " ORDER BY seq")) {
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
        throw describe("cannot read", e);
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
        args.add(q.limit());
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
        throw describe("cannot read", e);
      }
    }

    // -------------------------------------------------------------- lookups

    /** The seq of the first (or latest) record with this name, or -1. */
    @Override
    protected long nameSeq(String kind, String name, String version) throws LedgerException {
      boolean latest = version == null;
      long idx = indexedSize();
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
        throw describe("cannot read", e);
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
        for (int i = 0; i < nodes.size(); i += 500) {
          List<Long> chunk = nodes.subList(i, Math.min(nodes.size(), i + 500));
          // One statement per chunk size, cached: preparing per level dominated deep closures.
          PreparedStatement ps = c.ps("SELECT e.src, e.dst, e.role, r.seq, r.kind, r.name,"
              + " r.version, r.leaf_hash FROM edges e JOIN records r ON r.seq = e." + other
              + " WHERE e." + from + " IN (" + String.join(",", Collections.nCopies(chunk.size(), "?"))
              + ") AND e.record_seq >= 0 AND e.record_seq < ? AND e.src >= 0 AND e.dst >= 0"
              + " AND r.seq >= 0");
          int j = 1;
          for (long s : chunk) {
            ps.setLong(j++, s);
          }
          ps.setLong(j, idx);
          try (ResultSet r = ps.executeQuery()) {
            while (r.next()) {
              out.add(new Link(r.getLong(1), r.getLong(2), r.getString(3), r.getLong(4),
                  r.getString(5), r.getString(6), r.getString(7), Hash.of(r.getBytes(8))));
            }
          }
        }
      } catch (SQLException e) {
        throw describe("cannot read", e);
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

    @Override
    public void checkStructure() throws LedgerException {
      SqliteStore.quickCheck(c.c, path);
    }

    @Override
    public void scanEdges(long from, long to, EdgeVisitor v) throws LedgerException {
      try (PreparedStatement ps = c.c.prepareStatement("SELECT record_seq, src, dst, role FROM edges"
          + " WHERE record_seq >= ? AND record_seq < ? ORDER BY record_seq")) {
        ps.setLong(1, from);
        ps.setLong(2, to);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            v.visit(new Edge(r.getLong(1), r.getLong(2), r.getLong(3), r.getString(4)));
          }
        }
      } catch (SQLException e) {
        throw describe("cannot verify", e);
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
            + " OR i.kind IS NOT r.kind OR i.name IS NOT r.name OR i.version IS NOT r.version"
            + " OR i.time IS NOT r.time)");
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
            + " WHERE h.seq < 0 OR h.seq >= ? OR r.seq IS NULL OR r.leaf_hash IS NOT h.leaf_hash");
        ps.setLong(1, w);
        firstProblem(ps, out, "a hash index row names no record of that hash");
        ps = c.ps("SELECT min(record_seq) FROM edges WHERE record_seq >= ? AND record_seq < ?");
        ps.setLong(1, w);
        ps.setLong(2, size);
        firstProblem(ps, out, "lineage edges are stored for a record the index does not cover yet");
      } catch (SQLException e) {
        throw describe("cannot verify", e);
      }
      return out;
    }

  }

  // ---------------------------------------------------------------- appends

  /** The writer's transaction (BEGIN IMMEDIATE: the file's write lock). */
  private final class SqliteAppender extends SqliteReader implements Appender {
    private final List<LogEntry> inserted = new ArrayList<>();
    private boolean finished;

    SqliteAppender(Conn c) {
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
        throw describe("cannot append to", e);
      }
    }

    @Override
    public StoredCheckpoint insertCheckpoint(Checkpoint cp, SignedNote note) throws LedgerException {
      try {
        PreparedStatement ps = c.ps("INSERT OR IGNORE INTO checkpoints(size, root, body, created)"
            + " VALUES (?, ?, ?, ?)");
        ps.setLong(1, cp.size());
        ps.setBytes(2, cp.root().bytes());
        ps.setString(3, cp.body());
        ps.setString(4, Envelope.formatTime(Instant.now()));
        ps.executeUpdate();
        PreparedStatement sig = c.ps("INSERT OR IGNORE INTO checkpoint_signatures(size, line)"
            + " VALUES (?, ?)");
        for (String line : signatureLines(note)) {
          sig.setLong(1, cp.size());
          sig.setString(2, line);
          sig.executeUpdate();
        }
      } catch (SQLException e) {
        throw describe("cannot append to", e);
      }
      return checkpoint(cp.size());
    }

    @Override
    public void commit() throws LedgerException {
      try {
        c.exec("COMMIT");
        finished = true;
      } catch (SQLException e) {
        throw describe("cannot append to", e);
      }
      tail.appendCommitted(inserted);
    }

    @Override
    public void rollback() {
      if (finished) {
        return;
      }
      finished = true;
      try {
        c.exec("ROLLBACK");
      } catch (SQLException ignored) {
        // The connection is unusable; the next transaction will report it.
      }
    }

    @Override
    public void close() {
      rollback();
    }
  }
}
