package dev.lineageledger.core.internal;

import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerStorageException;
import dev.lineageledger.core.SignedNote;
import dev.lineageledger.core.StoredCheckpoint;
import dev.lineageledger.core.internal.LedgerStore.CheckpointRow;
import dev.lineageledger.core.internal.LedgerStore.LogRow;
import dev.lineageledger.core.internal.LedgerStore.RowVisitor;
import dev.lineageledger.core.internal.LedgerStore.Strays;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reads both stores answer with the same SQL, over one snapshot: SQLite's and PostgreSQL's
 * readers differ only in how they prepare a statement, how they describe a failure, how they
 * aggregate a checkpoint's signature lines, and in the queries written for each engine (name
 * lookups, queries, lineage links, structure checks), which they implement themselves.
 */
abstract class JdbcReader implements LedgerStore.Reader {
  /** The log columns every row read returns, in {@link #toRow} order. */
  static final String ROW = "seq, leaf_hash, body, sig, nodes, kind, name, version, actor,"
      + " time, signer";

  private final UnindexedTail tail;
  /** A checkpoint's signature lines, newline-joined in insertion order, as this engine writes it. */
  private final String signatureLines;
  private long n = -1;
  private long w = -1;
  private boolean covered;

  JdbcReader(UnindexedTail tail, String signatureLines) {
    this.tail = tail;
    this.signatureLines = signatureLines;
  }

  /** A statement on this reader's connection (cached there). */
  abstract PreparedStatement ps(String sql) throws SQLException;

  /** A failure to read, described for the user. */
  abstract LedgerStorageException readFailure(String action, SQLException e);

  /** The seq of the first record named {@code kind:name@version} (latest without version), or -1. */
  protected abstract long nameSeq(String kind, String name, String version) throws LedgerException;

  /** Visits the rows matching {@code where} (two seq parameters), in seq order. */
  protected abstract void scanWhere(String where, long from, long to, RowVisitor v)
      throws LedgerException;

  static LogRow toRow(ResultSet r) throws SQLException {
    return new LogRow(r.getLong(1), r.getBytes(2), r.getBytes(3), r.getBytes(4), r.getBytes(5),
        r.getString(6), r.getString(7), r.getString(8), r.getString(9), r.getString(10),
        r.getString(11));
  }

  private long longQuery(String sql) throws SQLException {
    try (ResultSet r = ps(sql).executeQuery()) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  @Override
  public Map<String, String> meta() throws LedgerException {
    Map<String, String> m = new HashMap<>();
    try (ResultSet r = ps("SELECT key, value FROM ledger_meta").executeQuery()) {
      while (r.next()) {
        m.put(r.getString(1), r.getString(2));
      }
    } catch (SQLException e) {
      throw readFailure("cannot read", e);
    }
    return m;
  }

  @Override
  public long size() throws LedgerException {
    if (n < 0) {
      try {
        n = longQuery("SELECT coalesce(max(seq), -1) + 1 FROM records");
      } catch (SQLException e) {
        throw readFailure("cannot read", e);
      }
    }
    return n;
  }

  @Override
  public long indexedSize() throws LedgerException {
    if (w < 0) {
      try {
        // Clamped into [0, size]: a stored value outside it is reported by verification.
        w = Math.max(0, Math.min(size(),
            longQuery("SELECT coalesce(max(indexed_size), 0) FROM index_state WHERE id = 0")));
      } catch (SQLException e) {
        throw readFailure("cannot read", e);
      }
    }
    return w;
  }

  /** The unindexed tail of this snapshot, loaded from the log as far as it is not held. */
  protected final UnindexedTail tail() throws LedgerException {
    if (!covered) {
      tail.cover(indexedSize(), size(), this::scan);
      covered = true;
    }
    return tail;
  }

  @Override
  public long checkpointedSize() throws LedgerException {
    try {
      return longQuery("SELECT coalesce(max(size), 0) FROM checkpoints");
    } catch (SQLException e) {
      throw readFailure("cannot read", e);
    }
  }

  @Override
  public LogRow row(long seq) throws LedgerException {
    try {
      PreparedStatement ps = ps("SELECT " + ROW + " FROM records WHERE seq = ?");
      ps.setLong(1, seq);
      try (ResultSet r = ps.executeQuery()) {
        return r.next() ? toRow(r) : null;
      }
    } catch (SQLException e) {
      throw readFailure("cannot read", e);
    }
  }

  @Override
  public void scan(long from, long to, RowVisitor v) throws LedgerException {
    scanWhere("seq >= ? AND seq < ?", from, to, v);
  }

  @Override
  public String firstSigner() throws LedgerException {
    try (ResultSet r = ps("SELECT signer FROM records WHERE signer IS NOT NULL ORDER BY seq"
        + " LIMIT 1").executeQuery()) {
      return r.next() ? r.getString(1) : null;
    } catch (SQLException e) {
      throw readFailure("cannot read", e);
    }
  }

  // ---------------------------------------------------------------- lookups

  @Override
  public RefResolver.Target bySeq(long seq) throws LedgerException {
    if (seq < 0 || seq >= size()) {
      return null;
    }
    if (seq >= indexedSize()) {
      UnindexedTail.Entry e = tail().bySeq(seq, indexedSize(), size());
      if (e != null) {
        return new RefResolver.Target(e.seq(), e.leaf(), e.kind());
      }
    }
    try {
      PreparedStatement ps = ps("SELECT seq, leaf_hash, kind FROM records WHERE seq = ?");
      ps.setLong(1, seq);
      try (ResultSet r = ps.executeQuery()) {
        return r.next() ? target(r) : null;
      }
    } catch (SQLException e) {
      throw readFailure("cannot read", e);
    }
  }

  private RefResolver.Target target(ResultSet r) throws SQLException, LedgerException {
    byte[] h = r.getBytes(2);
    if (h == null || h.length != Hash.SIZE) {
      throw new FormatException("stored leaf hash of record " + r.getLong(1) + " is malformed");
    }
    return new RefResolver.Target(r.getLong(1), Hash.of(h), r.getString(3));
  }

  @Override
  public RefResolver.Target byHash(Hash h) throws LedgerException {
    try {
      PreparedStatement ps = ps("SELECT r.seq, r.leaf_hash, r.kind FROM hash_index h"
          + " JOIN records r ON r.seq = h.seq WHERE h.leaf_hash = ? AND h.seq >= 0 AND h.seq < ?");
      ps.setBytes(1, h.bytes());
      ps.setLong(2, indexedSize());
      try (ResultSet r = ps.executeQuery()) {
        if (r.next()) {
          return target(r);
        }
      }
    } catch (SQLException e) {
      throw readFailure("cannot read", e);
    }
    UnindexedTail.Entry e = tail().byHash(h, indexedSize(), size());
    return e == null ? null : new RefResolver.Target(e.seq(), e.leaf(), e.kind());
  }

  @Override
  public RefResolver.Target byName(String kind, String name, String version) throws LedgerException {
    long s = nameSeq(kind, name, version);
    return s < 0 ? null : bySeq(s);
  }

  @Override
  public RefResolver.Existing identity(String kind, String name, String version)
      throws LedgerException {
    long s = nameSeq(kind, name, version);
    if (s < 0) {
      return null;
    }
    LogRow r = row(s);
    if (r == null || r.leafHash() == null || r.leafHash().length != Hash.SIZE) {
      return null;
    }
    return new RefResolver.Existing(s, Hash.of(r.leafHash()), RefResolver.bodyOf(r.body()));
  }

  @Override
  public List<Long> downstream(long node, long before) throws LedgerException {
    List<Long> out = new ArrayList<>();
    long idx = indexedSize();
    try {
      PreparedStatement ps = ps("SELECT dst FROM edges WHERE src = ? AND record_seq >= 0"
          + " AND record_seq < ? AND src >= 0 AND dst >= 0");
      ps.setLong(1, node);
      ps.setLong(2, Math.min(idx, before));
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          out.add(r.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw readFailure("cannot read", e);
    }
    if (before > idx) {
      for (Edge e : tail().edges(node, false, idx, size(), before)) {
        out.add(e.dst());
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- subtrees

  @Override
  public Hash subtree(int level, long index) throws LedgerException {
    long rowSeq = NodeBlob.rowOf(level, index);
    String sql = level == 0
        ? "SELECT leaf_hash FROM records WHERE seq = ?"
        : "SELECT substr(nodes, " + ((level - 1) * Hash.SIZE + 1) + ", " + Hash.SIZE
            + ") FROM records WHERE seq = ?";
    try {
      PreparedStatement ps = ps(sql);
      ps.setLong(1, rowSeq);
      try (ResultSet r = ps.executeQuery()) {
        if (!r.next()) {
          throw new FormatException("record " + rowSeq + " is missing (needed for tree node "
              + level + "/" + index + ")");
        }
        byte[] h = r.getBytes(1);
        if (h == null || h.length != Hash.SIZE) {
          throw new FormatException("stored tree node " + level + "/" + index + " in record "
              + rowSeq + " is malformed");
        }
        return Hash.of(h);
      }
    } catch (SQLException e) {
      throw readFailure("cannot read", e);
    }
  }

  // ---------------------------------------------------------------- checkpoints

  @Override
  public List<CheckpointRow> checkpointRows() throws LedgerException {
    return cpRows("");
  }

  @Override
  public CheckpointRow firstCheckpoint() throws LedgerException {
    List<CheckpointRow> l = cpRows(" LIMIT 1");
    return l.isEmpty() ? null : l.get(0);
  }

  private List<CheckpointRow> cpRows(String limit) throws LedgerException {
    List<CheckpointRow> out = new ArrayList<>();
    try (ResultSet r = ps("SELECT c.size, c.root, c.body, " + signatureLines
        + " FROM checkpoints c WHERE c.size >= 0 ORDER BY c.size" + limit).executeQuery()) {
      while (r.next()) {
        String body = r.getString(3);
        String lines = r.getString(4);
        String text = body + "\n" + (lines == null ? "" : lines + "\n");
        out.add(new CheckpointRow(r.getLong(1), r.getBytes(2), body, text));
      }
    } catch (SQLException e) {
      throw readFailure("cannot read", e);
    }
    return out;
  }

  @Override
  public StoredCheckpoint checkpoint(long size) throws LedgerException {
    List<StoredCheckpoint> l = cpQuery("WHERE size = ?", size);
    return l.isEmpty() ? null : l.get(0);
  }

  @Override
  public StoredCheckpoint latestCheckpoint() throws LedgerException {
    List<StoredCheckpoint> l = cpQuery("WHERE size = (SELECT max(size) FROM checkpoints)");
    return l.isEmpty() ? null : l.get(0);
  }

  @Override
  public List<StoredCheckpoint> checkpoints() throws LedgerException {
    return cpQuery("");
  }

  private List<StoredCheckpoint> cpQuery(String where, Object... args) throws LedgerException {
    List<StoredCheckpoint> out = new ArrayList<>();
    try {
      PreparedStatement ps = ps("SELECT c.size, c.body, c.created, " + signatureLines
          + " FROM checkpoints c " + where + " ORDER BY c.size");
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          String body = r.getString(2);
          String lines = r.getString(4);
          if (lines == null) {
            throw new FormatException("checkpoint " + r.getLong(1) + " has no signature");
          }
          SignedNote note = SignedNote.parse(body + "\n" + lines + "\n");
          out.add(new StoredCheckpoint(Checkpoint.parse(body), note, r.getString(3)));
        }
      }
    } catch (SQLException e) {
      throw readFailure("cannot read", e);
    }
    return out;
  }

  // ---------------------------------------------------------------- sync state and verification

  @Override
  public Optional<String> syncState(String name) throws LedgerException {
    try {
      PreparedStatement ps = ps("SELECT value FROM sync_state WHERE name = ?");
      ps.setString(1, name);
      try (ResultSet r = ps.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw readFailure("cannot read", e);
    }
  }

  @Override
  public Strays strays() throws LedgerException {
    try {
      long size = size();
      return new Strays(
          longQuery("SELECT count(*) FROM records WHERE seq < 0"),
          longQuery("SELECT count(*) FROM edges WHERE record_seq < 0 OR src < 0 OR dst < 0"
              + " OR record_seq >= " + size + " OR src >= " + size + " OR dst >= " + size),
          longQuery("SELECT (SELECT count(*) FROM checkpoints WHERE size < 0)"
              + " + (SELECT count(*) FROM checkpoint_signatures WHERE size < 0)"),
          longQuery("SELECT count(*) FROM checkpoint_signatures"
              + " WHERE size NOT IN (SELECT size FROM checkpoints)"));
    } catch (SQLException e) {
      throw readFailure("cannot verify", e);
    }
  }

  protected final void firstProblem(PreparedStatement ps, List<Map.Entry<Long, String>> out, String what)
      throws SQLException {
    try (ResultSet r = ps.executeQuery()) {
      if (r.next()) {
        long s = r.getLong(1);
        if (!r.wasNull()) {
          out.add(Map.entry(s, "record " + s + ": " + what));
        }
      }
    }
  }

  @Override
  public Set<String> sharedIdentities() throws LedgerException {
    Set<String> shared = new HashSet<>();
    long idx = indexedSize();
    try {
      PreparedStatement ps = ps("SELECT kind, name, version FROM record_index WHERE name IS NOT"
          + " NULL AND version IS NOT NULL AND seq < ? GROUP BY kind, name, version"
          + " HAVING count(*) > 1");
      ps.setLong(1, idx);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          shared.add(r.getString(1) + '\0' + r.getString(2) + '\0' + r.getString(3));
        }
      }
      // The unindexed tail: an identity it repeats, or one the index already holds.
      Set<String> seen = new HashSet<>();
      PreparedStatement exists = ps("SELECT 1 FROM record_index WHERE kind = ? AND name = ?"
          + " AND version = ? AND seq < ? LIMIT 1");
      for (UnindexedTail.Entry e : tail().scan(idx, idx, size(), Integer.MAX_VALUE,
          e -> e.name() != null && e.version() != null)) {
        String key = e.kind() + '\0' + e.name() + '\0' + e.version();
        if (!seen.add(key)) {
          shared.add(key);
          continue;
        }
        exists.setString(1, e.kind());
        exists.setString(2, e.name());
        exists.setString(3, e.version());
        exists.setLong(4, idx);
        try (ResultSet r = exists.executeQuery()) {
          if (r.next()) {
            shared.add(key);
          }
        }
      }
    } catch (SQLException e) {
      throw readFailure("cannot verify", e);
    }
    return shared;
  }
}
