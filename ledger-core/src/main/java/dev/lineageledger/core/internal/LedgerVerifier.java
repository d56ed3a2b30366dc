package dev.lineageledger.core.internal;

import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.CompactRange;
import dev.lineageledger.core.ConsistencyProof;
import dev.lineageledger.core.FailureReason;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.InclusionProof;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.MerkleTree;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.core.StoredCheckpoint;
import dev.lineageledger.core.VerificationException;
import dev.lineageledger.core.VerificationFailure;
import dev.lineageledger.core.VerificationReport;
import dev.lineageledger.core.VerifyOptions;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Full and incremental verification of an SQLite ledger (docs/FORMAT.md §9): streams records,
 * edges and checkpoints in sequence order on one read snapshot and feeds the signed data to the
 * {@link SignedLogVerifier}, which owns every rule about it. What this class adds is the
 * store's side: SQL, checking per-record signatures in parallel, and cross-checking every
 * stored derived value (leaf hash, columns, edges, tree nodes, checkpoint rows) against what
 * the signed bytes say. Memory is constant in the ledger size.
 */
public final class LedgerVerifier {
  private static final int SIG_BATCH = 1024;

  private final Connection conn;
  private final Path path;
  private final String origin;
  private final SigningMode mode;
  private final VerifyOptions opts;
  private final List<VerificationFailure> failures = new ArrayList<>();
  private long failureCount;
  private boolean checkpointFailed;
  private SignedLogVerifier log;
  private final List<SignedLogVerifier.PendingSignature> pendingSigs = new ArrayList<>();
  private Parallel parallel;
  // The block of signatures being checked on the pool while the next block's records are read.
  private Parallel.Job sigJob;
  private SignedLogVerifier.Failure[] sigJobErrors;
  private List<SignedLogVerifier.PendingSignature> sigJobSigs;

  public LedgerVerifier(Connection conn, Path path, String origin, SigningMode mode, VerifyOptions opts) {
    this.conn = conn;
    this.path = path;
    this.origin = origin;
    this.mode = mode;
    this.opts = opts;
  }

  private void fail(long seq, FailureReason reason, String message) {
    failureCount++;
    checkpointFailed |= reason.isCheckpointFailure();
    if (failures.size() < opts.maxReportedFailures()) {
      failures.add(new VerificationFailure(seq, reason, message));
    }
  }

  private void fail(long seq, SignedLogVerifier.Failure f) {
    fail(seq, f.reason(), f.getMessage());
  }

  public VerificationReport run() throws LedgerException {
    try (Parallel parallel = new Parallel(opts.threads(), "ledger-verifier")) {
      conn.setAutoCommit(false); // one read transaction = one consistent snapshot
      try {
        this.parallel = parallel;
        return verify();
      } finally {
        conn.rollback();
      }
    } catch (SQLException e) {
      throw SqliteStore.describe(path, "cannot verify", e);
    }
  }

  private VerificationReport verify() throws SQLException, LedgerException {
    SqliteStore.quickCheck(conn, path);
    if (opts.trustedKeys().isEmpty()) {
      fail(-1, FailureReason.NO_TRUSTED_KEYS, "no trusted keys were given, so no signature can be checked");
    }
    try {
      SignedLogVerifier.checkMeta(meta(), opts.trustedKeys());
    } catch (SignedLogVerifier.Failure f) {
      fail(-1, f);
    }
    List<CheckpointTable.Row> cps = CheckpointTable.rows(conn);
    long dbSize = scalar("SELECT coalesce(max(seq), -1) + 1 FROM records");
    long orphans = scalar("SELECT count(*) FROM checkpoint_signatures"
        + " WHERE size NOT IN (SELECT size FROM checkpoints)");
    if (orphans > 0) {
      fail(-1, FailureReason.CHECKPOINT_MALFORMED, orphans + " checkpoint signature rows belong to no checkpoint");
    }
    // docs/FORMAT.md §7: every sequence number and size lies in [0, size]; rows outside it are
    // read by nothing below, so they are reported here (readers bound their queries too).
    long outside = scalar("SELECT count(*) FROM records WHERE seq < 0");
    if (outside > 0) {
      fail(-1, FailureReason.MISSING_RECORD, outside + " record rows have a negative sequence number");
    }
    long badEdges = scalar("SELECT count(*) FROM edges WHERE record_seq < 0 OR src < 0 OR dst < 0"
        + " OR record_seq >= " + dbSize + " OR src >= " + dbSize + " OR dst >= " + dbSize);
    if (badEdges > 0) {
      fail(-1, FailureReason.EDGE_MISMATCH, badEdges + " edge rows name sequence numbers outside 0.."
          + (dbSize - 1));
    }
    long badCps = scalar("SELECT (SELECT count(*) FROM checkpoints WHERE size < 0)"
        + " + (SELECT count(*) FROM checkpoint_signatures WHERE size < 0)");
    if (badCps > 0) {
      fail(-1, FailureReason.CHECKPOINT_MALFORMED, badCps + " checkpoint rows have a negative size");
    }
    KeyHistory keys = new KeyHistory(opts.trustedKeys());
    long from = 0;
    long coveredSize = 0;
    int checkpointsChecked = 0;
    log = new SignedLogVerifier(origin, mode, keys, CompactRange.of(0, List.of()), Envelope.GENESIS_PREV);

    if (opts.trustedCheckpoint().isPresent()) {
      // The auditor's checkpoint is input: a bad one is an error, not a ledger failure.
      Checkpoint tc;
      try {
        tc = openTrusted(opts.trustedCheckpoint().get(), dbSize);
      } catch (AlteredBefore a) {
        fail(a.seq, FailureReason.LEAF_HASH_MISMATCH, "the stored bytes of record " + a.seq
            + " do not hash to its leaf; an altered key record would change whom the trusted"
            + " checkpoint is checked with, so it cannot be opened (the ledger was changed)");
        return report(0, dbSize, 0, 0, null);
      }
      long m = tc.size();
      if (dbSize < m) {
        fail(dbSize, FailureReason.TRUNCATED, "the ledger has " + dbSize + " records but the trusted"
            + " checkpoint covers " + m + ": records " + dbSize + ".." + (m - 1) + " were removed");
        return report(m, dbSize, 0, 0, null);
      }
      StoredSubtrees stored = new StoredSubtrees(conn, path);
      CompactRange range;
      Hash rootAtM;
      try {
        List<Hash> roots = new ArrayList<>();
        for (CompactRange.PerfectSubtree ps : CompactRange.decomposition(m)) {
          roots.add(stored.subtree(ps.level(), ps.index()));
        }
        range = CompactRange.of(m, roots);
        rootAtM = range.root();
      } catch (FormatException e) {
        range = null;
        rootAtM = null;
      }
      if (rootAtM == null || !rootAtM.equals(tc.root())) {
        boolean equivocation = cps.stream().anyMatch(r -> r.size() == m && validNote(r)
            && !Arrays.equals(r.root(), tc.root().bytes()));
        fail(m - 1, equivocation ? FailureReason.EQUIVOCATION : FailureReason.INCONSISTENT_WITH_TRUSTED_CHECKPOINT,
            (equivocation ? "the ledger holds a validly signed checkpoint of size " + m
                + " with a different root than the trusted one"
                : "the first " + m + " records no longer hash to the trusted checkpoint's root")
            + "; run a full verification to locate the change");
        return report(m, dbSize, 0, 0, null);
      }
      Hash head = Envelope.GENESIS_PREV;
      if (m > 0) {
        head = stored.subtree(0, m - 1);
        try {
          new ProofBuilder(stored).inclusion(m - 1, m).verify(head, tc.root());
        } catch (VerificationException e) {
          fail(m - 1, FailureReason.LEAF_HASH_MISMATCH, "record " + (m - 1) + " is not the one the trusted checkpoint commits to");
          return report(m, dbSize, 0, 0, null);
        }
      }
      // The trust set after each key record before m: an older stored checkpoint is checked
      // with the keys trusted at its own size, not at m.
      List<Map.Entry<Long, List<dev.lineageledger.core.VerifierKey>>> trustAt =
          replayKeyRecords(m, tc, stored, keys);
      log = new SignedLogVerifier(origin, mode, keys, range, head);
      // Older stored checkpoints must be consistent with the trusted one (no equivocation).
      for (CheckpointTable.Row r : cps) {
        if (r.size() > m) {
          break;
        }
        List<dev.lineageledger.core.VerifierKey> keysThen = opts.trustedKeys();
        for (Map.Entry<Long, List<dev.lineageledger.core.VerifierKey>> t : trustAt) {
          if (t.getKey() < r.size()) {
            keysThen = t.getValue();
          }
        }
        SignedLogVerifier atSize = log;
        log = new SignedLogVerifier(origin, mode, new KeyHistory(keysThen),
            CompactRange.of(0, List.of()), Envelope.GENESIS_PREV);
        Checkpoint c = checkpoint(r, null);
        log = atSize;
        if (c == null) {
          continue;
        }
        try {
          new ProofBuilder(stored).consistency(r.size(), m).verify(c.root(), tc.root());
          checkpointsChecked++;
        } catch (VerificationException e) {
          fail(r.size() - 1, FailureReason.EQUIVOCATION, "stored checkpoint of size " + r.size()
              + " is validly signed but inconsistent with the trusted checkpoint: " + e.getMessage());
        }
      }
      from = m;
      coveredSize = m;
    }

    int cpIndex = 0;
    while (cpIndex < cps.size() && cps.get(cpIndex).size() <= from) {
      if (from == 0 && cps.get(cpIndex).size() == 0 && checkpoint(cps.get(cpIndex), log.range().root()) != null) {
        checkpointsChecked++;
      }
      cpIndex++;
    }

    long expected = from;
    try (PreparedStatement rs = conn.prepareStatement("SELECT seq, leaf_hash, body, sig, nodes,"
            + " kind, name, version, actor, time, signer FROM records WHERE seq >= ? ORDER BY seq");
        PreparedStatement es = conn.prepareStatement("SELECT record_seq, src, dst, role FROM edges"
            + " WHERE record_seq >= ? ORDER BY record_seq");
        StoreLookup lookup = new StoreLookup(from)) {
      rs.setLong(1, from);
      es.setLong(1, from);
      try (ResultSet r = rs.executeQuery(); ResultSet e = es.executeQuery()) {
        EdgeCursor edges = new EdgeCursor(e);
        while (r.next()) {
          long seq = r.getLong(1);
          if (seq != expected) {
            fail(expected, FailureReason.MISSING_RECORD, seq > expected
                ? "records " + expected + ".." + (seq - 1) + " are missing"
                : "record " + seq + " is out of order");
          }
          byte[] body = r.getBytes(3);
          record(seq, body == null ? new byte[0] : body, r, edges.take(seq), lookup);
          expected = log.range().size();
          while (cpIndex < cps.size() && cps.get(cpIndex).size() <= expected) {
            CheckpointTable.Row row = cps.get(cpIndex++);
            if (row.size() < expected) {
              continue; // only reachable after an out-of-order row, already reported
            }
            flushSigs();
            if (checkpoint(row, log.range().root()) != null) {
              checkpointsChecked++;
              coveredSize = Math.max(coveredSize, row.size());
            }
          }
          if (pendingSigs.size() >= SIG_BATCH) {
            flushSigs();
          }
          if (opts.progress().isPresent() && (expected & 4095) == 0) {
            opts.progress().get().progress(expected - from, dbSize - from);
          }
        }
        flushSigs();
        awaitSigs();
        edges.drainRest();
      }
    }
    long size = expected;
    for (; cpIndex < cps.size(); cpIndex++) {
      fail(size, FailureReason.TRUNCATED, "a checkpoint covers " + cps.get(cpIndex).size()
          + " records but the ledger has only " + size + ": records were removed (truncation)");
    }
    // A checkpoint that failed already explains why records are uncovered.
    if (coveredSize < size && !opts.allowUncoveredTail() && !checkpointFailed) {
      fail(coveredSize, FailureReason.UNCOVERED, "records " + coveredSize + ".." + (size - 1)
          + " are not covered by a valid signed checkpoint" + (mode == SigningMode.PER_RECORD
              ? " (sign one with 'ledger checkpoint --new')"
              : "; in a checkpoint-only ledger they carry no signature, so nothing tells them from"
                  + " an insertion: review them, then 'ledger checkpoint --new --accept-tail'"));
    }
    if (opts.progress().isPresent()) {
      opts.progress().get().progress(size - from, size - from);
    }
    return report(from, size, checkpointsChecked, coveredSize, cps.isEmpty() ? null : latestStored());
  }

  /** The signed rules, then the cross-checks of everything the store derived from the bytes. */
  private void record(long seq, byte[] body, ResultSet r, List<Edge> storedEdges,
      StoreLookup lookup) throws SQLException, LedgerException {
    Hash leaf = MerkleTree.leafHash(body);
    byte[] storedLeaf = r.getBytes(2);
    if (storedLeaf == null || !leaf.equals(storedLeaf.length == Hash.SIZE ? Hash.of(storedLeaf) : null)) {
      fail(seq, FailureReason.LEAF_HASH_MISMATCH, "the stored leaf hash is not SHA-256(0x00 || record bytes)");
    }
    SignedLogVerifier.Checked c = null;
    try {
      c = log.record(seq, body, lookup);
    } catch (SignedLogVerifier.Failure f) {
      fail(seq, f);
    }
    byte[] nodes = r.getBytes(5);
    if (!Arrays.equals(NodeBlob.encode(log.completed()), nodes == null ? new byte[0] : nodes)) {
      fail(seq, FailureReason.TREE_NODE_MISMATCH, "the stored Merkle tree nodes of this record differ"
          + " from those computed from the records");
    }
    if (c == null) {
      return;
    }
    Envelope.Parsed p = c.envelope();
    String[] nv = RecordSchema.nameAndVersion(p.kind(), p.body());
    column(seq, "kind", r.getString(6), p.kind());
    column(seq, "name", r.getString(7), nv[0]);
    column(seq, "version", r.getString(8), nv[1]);
    column(seq, "actor", r.getString(9), p.actor());
    column(seq, "time", r.getString(10), p.time());
    column(seq, "signer", r.getString(11), p.signer());
    List<Edge> expectedEdges = new ArrayList<>(c.edges());
    expectedEdges.sort(Edge.ORDER);
    if (!expectedEdges.equals(storedEdges)) {
      fail(seq, FailureReason.EDGE_MISMATCH, "the stored lineage edges " + describe(storedEdges)
          + " differ from the record's references " + describe(expectedEdges));
    }
    try {
      if (RecordKindNames.KEY.equals(p.kind())) {
        // A key record changes whom later records and checkpoints may be signed by: every
        // signature queued before it is checked first.
        flushSigs();
        awaitSigs();
      }
      SignedLogVerifier.PendingSignature s = log.signature(seq, c, r.getBytes(4));
      if (s != null) {
        pendingSigs.add(s);
      }
    } catch (SignedLogVerifier.Failure f) {
      fail(seq, f);
    }
  }

  /** Record kind names used here without parsing a RecordKind. */
  private static final class RecordKindNames {
    static final String KEY = "key";
  }

  /** Checks a stored checkpoint and its root column; null after reporting a failure. */
  private Checkpoint checkpoint(CheckpointTable.Row row, Hash computedRoot) {
    Checkpoint c;
    try {
      c = log.checkpoint(row.noteText(), row.size(), computedRoot);
    } catch (SignedLogVerifier.Failure f) {
      fail(row.size() - 1, f);
      return null;
    }
    if (!Arrays.equals(c.root().bytes(), row.root())) {
      fail(row.size() - 1, FailureReason.DERIVED_COLUMN_MISMATCH, "checkpoint row of size "
          + row.size() + " has a root column that differs from its signed body");
      return null;
    }
    return c;
  }

  private boolean validNote(CheckpointTable.Row row) {
    try {
      new SignedLogVerifier(origin, mode, new KeyHistory(opts.trustedKeys()), CompactRange.of(0, List.of()),
          Envelope.GENESIS_PREV).checkpoint(row.noteText(), row.size(), null);
      return true;
    } catch (SignedLogVerifier.Failure f) {
      return false;
    }
  }

  /**
   * The auditor's checkpoint, opened with the keys they pinned following the rotations the
   * ledger records before it (docs/FORMAT.md §4.1), so that a checkpoint kept after a rotation
   * still works with the key pinned before it. When the ledger is shorter than the checkpoint,
   * no inclusion proof can be built: only the pinned keys can open it (truncation is reported).
   */
  private Checkpoint openTrusted(String note, long dbSize) throws SQLException, LedgerException {
    Checkpoint unverified = Checkpoint.parse(dev.lineageledger.core.SignedNote.parse(note).body());
    if (unverified.size() > dbSize) {
      return Checkpoint.open(note, opts.trustedKeys(), origin);
    }
    List<dev.lineageledger.core.KeyRecordProof> evidence = new ArrayList<>();
    ProofBuilder proofs = new ProofBuilder(new StoredSubtrees(conn, path));
    try (PreparedStatement ks = conn.prepareStatement("SELECT seq, body, sig FROM records WHERE "
        + KeyHistory.KEY_CANDIDATES + " AND seq >= 0 AND seq < ? ORDER BY seq")) {
      ks.setLong(1, unverified.size());
      try (ResultSet r = ks.executeQuery()) {
        while (r.next()) {
          byte[] body = r.getBytes(2);
          if (!KeyHistory.isKeyRecord(body)) {
            continue; // the bytes decide, never the kind column (§4.1)
          }
          evidence.add(new dev.lineageledger.core.KeyRecordProof(r.getLong(1),
              body == null ? new byte[0] : body, r.getBytes(3),
              proofs.inclusion(r.getLong(1), unverified.size()).path()));
        }
      }
    }
    try {
      return KeyHistory.openFollowingRotations(note, opts.trustedKeys(), origin, evidence);
    } catch (VerificationException e) {
      // Stored bytes that no longer hash to their leaf can hide a key record: that is the
      // ledger's failure, not the auditor's checkpoint's.
      long altered = firstAlteredBody(unverified.size());
      if (altered >= 0) {
        throw new AlteredBefore(altered);
      }
      throw e;
    }
  }

  /** openTrusted found stored bytes that do not hash to their leaf: a ledger failure. */
  private static final class AlteredBefore extends RuntimeException {
    final long seq;

    AlteredBefore(long seq) {
      super(null, null, false, false);
      this.seq = seq;
    }
  }

  /** The first record before {@code n} whose stored bytes do not hash to its leaf, or -1. */
  private long firstAlteredBody(long n) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT seq, body, leaf_hash FROM records WHERE seq >= 0 AND seq < ? ORDER BY seq")) {
      ps.setLong(1, n);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          byte[] body = r.getBytes(2);
          byte[] leaf = r.getBytes(3);
          if (body == null || leaf == null
              || !MessageDigest.isEqual(MerkleTree.leafHash(body).bytes(), leaf)) {
            return r.getLong(1);
          }
        }
      }
    }
    return -1;
  }

  /**
   * Incremental mode: key records before the trusted checkpoint still decide whom later
   * records may be signed by. Each is authenticated by an inclusion proof against the trusted
   * root and by its signature, in order.
   */
  private List<Map.Entry<Long, List<dev.lineageledger.core.VerifierKey>>> replayKeyRecords(
      long m, Checkpoint tc, StoredSubtrees stored, KeyHistory keys)
      throws SQLException, LedgerException {
    List<Map.Entry<Long, List<dev.lineageledger.core.VerifierKey>>> trustAt = new ArrayList<>();
    // Every record's bytes before m are hashed (no parsing, no signature check), so that the
    // key records are found from signed bytes: a body altered to hide one (or a kind column
    // relabelled) cannot go unnoticed, since the bytes must hash to the trusted root (§4.1, §9).
    CompactRange bodies = CompactRange.of(0, List.of());
    try (PreparedStatement ks = conn.prepareStatement(
        "SELECT seq, body, sig, kind, leaf_hash FROM records WHERE seq >= 0 AND seq < ? ORDER BY seq")) {
      ks.setLong(1, m);
      try (ResultSet r = ks.executeQuery()) {
        while (r.next()) {
          long seq = r.getLong(1);
          byte[] body = r.getBytes(2);
          Hash leaf = MerkleTree.leafHash(body == null ? new byte[0] : body);
          if (seq != bodies.size()) {
            fail(bodies.size(), FailureReason.MISSING_RECORD, "record " + bodies.size() + " is missing");
            return trustAt;
          }
          bodies.append(leaf);
          if (!MessageDigest.isEqual(leaf.bytes(), r.getBytes(5) == null ? new byte[0] : r.getBytes(5))) {
            fail(seq, FailureReason.LEAF_HASH_MISMATCH, "the stored bytes of record " + seq
                + " do not hash to its stored leaf hash");
            continue;
          }
          if (!KeyHistory.isKeyRecord(body)) {
            continue;
          }
          if (!"key".equals(r.getString(4))) {
            fail(seq, FailureReason.DERIVED_COLUMN_MISMATCH, "record " + seq + " is a key record"
                + " but its kind column says '" + r.getString(4) + "'");
          }
          try {
            new ProofBuilder(stored).inclusion(seq, m).verify(leaf, tc.root());
            keys.apply(origin, Envelope.parse(dev.lineageledger.core.CanonicalJson.parse(body)), leaf, r.getBytes(3));
            trustAt.add(Map.entry(seq, keys.keys()));
          } catch (VerificationException | FormatException | dev.lineageledger.core.InvalidRecordException e) {
            fail(seq, FailureReason.UNTRUSTED_SIGNER, "key record " + seq + " is not authenticated by the"
                + " trusted checkpoint and a trusted key: " + e.getMessage());
          }
        }
      }
    }
    if (m > 0 && bodies.size() == m && !bodies.root().equals(tc.root())) {
      fail(m - 1, FailureReason.INCONSISTENT_WITH_TRUSTED_CHECKPOINT, "the stored bytes of the"
          + " first " + m + " records do not hash to the trusted checkpoint's root");
    } else if (bodies.size() < m) {
      fail(bodies.size(), FailureReason.MISSING_RECORD, "record " + bodies.size() + " is missing");
    }
    return trustAt;
  }

  /**
   * Starts checking the pending signatures on the pool and returns, so that reading and checking
   * the next records overlaps with it; first finishes the previous block.
   */
  private void flushSigs() throws LedgerException {
    awaitSigs();
    if (pendingSigs.isEmpty()) {
      return;
    }
    List<SignedLogVerifier.PendingSignature> sigs = new ArrayList<>(pendingSigs);
    pendingSigs.clear();
    SignedLogVerifier.Failure[] errors = new SignedLogVerifier.Failure[sigs.size()];
    sigJob = parallel.forRangeAsync(sigs.size(), (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        try {
          SignedLogVerifier.checkSignature(sigs.get(i));
        } catch (SignedLogVerifier.Failure f) {
          errors[i] = f;
        }
      }
    });
    sigJobSigs = sigs;
    sigJobErrors = errors;
  }

  /** Waits for the block started by {@link #flushSigs} (helping with it) and reports its failures. */
  private void awaitSigs() throws LedgerException {
    if (sigJob == null) {
      return;
    }
    Parallel.Job job = sigJob;
    sigJob = null;
    job.await();
    for (int i = 0; i < sigJobErrors.length; i++) {
      if (sigJobErrors[i] != null) {
        fail(sigJobSigs.get(i).seq(), sigJobErrors[i]);
      }
    }
    sigJobSigs = null;
    sigJobErrors = null;
  }

  private StoredCheckpoint latestStored() {
    try {
      return CheckpointTable.latest(conn);
    } catch (SQLException | LedgerException e) {
      return null; // its failure is already in the report
    }
  }

  private VerificationReport report(long from, long size, int cps, long covered, StoredCheckpoint latest) {
    ConsistencyProof fromTrusted = null;
    if (opts.trustedCheckpoint().isPresent() && latest != null && latest.size() >= from
        && latest.size() <= size) {
      try {
        fromTrusted = new ProofBuilder(new StoredSubtrees(conn, path)).consistency(from, latest.size());
      } catch (LedgerException | IllegalArgumentException ex) {
        fromTrusted = null;
      }
    }
    List<VerificationFailure> sorted = new ArrayList<>(failures);
    sorted.sort(Comparator.comparingLong(f -> f.seq() < 0 ? Long.MAX_VALUE : f.seq()));
    return new VerificationReport(from, size, cps, covered, latest, fromTrusted, sorted, failureCount,
        opts.trustedKeys(), log == null ? opts.trustedKeys() : log.keys().keys(), mode);
  }

  private Map<String, String> meta() throws SQLException {
    Map<String, String> m = new HashMap<>();
    try (Statement s = conn.createStatement();
        ResultSet r = s.executeQuery("SELECT key, value FROM ledger_meta")) {
      while (r.next()) {
        m.put(r.getString(1), r.getString(2));
      }
    }
    return m;
  }

  private void column(long seq, String col, String stored, String derived) {
    if (!Objects.equals(stored, derived)) {
      fail(seq, FailureReason.DERIVED_COLUMN_MISMATCH, "column " + col + " is " + quote(stored)
          + " but the record says " + quote(derived));
    }
  }

  private static String quote(String s) {
    return s == null ? "null" : "'" + RecordSchema.printable(s) + "'";
  }

  private static String describe(List<Edge> edges) {
    StringBuilder b = new StringBuilder("[");
    for (Edge e : edges) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(e.src()).append("->").append(e.dst()).append(' ').append(e.role());
    }
    return b.append(']').toString();
  }

  private long scalar(String sql) throws SQLException {
    try (Statement s = conn.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /**
   * Earlier records for references and identities, read from columns already cross-checked
   * against the bytes when their record was verified (stored leaf hash, kind, name, version).
   */
  private final class StoreLookup implements SignedLogVerifier.Lookup, AutoCloseable {
    private final PreparedStatement bySeq = conn.prepareStatement(
        "SELECT seq, leaf_hash, kind FROM records WHERE seq = ?");
    private final PreparedStatement downstream = conn.prepareStatement(
        "SELECT dst FROM edges WHERE src = ? AND record_seq < ?");
    private final PreparedStatement byIdentity = conn.prepareStatement(
        "SELECT seq, body FROM records WHERE kind = ? AND name = ? AND version = ? AND seq < ?"
            + " ORDER BY seq LIMIT 1");

    /**
     * Identities held by more than one record, found in one pass over the (kind, name, version)
     * index: only those records need their bodies compared, so the identity rule costs no
     * per-record query. The columns are cross-checked against each record's bytes, so a forged
     * column cannot hide a duplicate without being reported itself. Incremental verification
     * (null here) looks each new record up instead, so its cost stays proportional to the new
     * records, not the ledger.
     */
    private final java.util.Set<String> shared;

    StoreLookup(long from) throws SQLException {
      if (from > 0) {
        shared = null;
        return;
      }
      shared = new java.util.HashSet<>();
      try (Statement s = conn.createStatement(); ResultSet r = s.executeQuery(
          "SELECT kind, name, version FROM records WHERE name IS NOT NULL AND version IS NOT NULL"
              + " GROUP BY kind, name, version HAVING count(*) > 1")) {
        while (r.next()) {
          shared.add(r.getString(1) + '\0' + r.getString(2) + '\0' + r.getString(3));
        }
      }
    }

    @Override
    public RefResolver.Target record(long seq) throws SignedLogVerifier.Failure {
      try {
        bySeq.setLong(1, seq);
        try (ResultSet t = bySeq.executeQuery()) {
          if (!t.next() || t.getBytes(2) == null || t.getBytes(2).length != Hash.SIZE) {
            return null;
          }
          return new RefResolver.Target(t.getLong(1), Hash.of(t.getBytes(2)), t.getString(3));
        }
      } catch (SQLException e) {
        throw new SignedLogVerifier.Failure(FailureReason.BAD_REFERENCE, "cannot read record " + seq);
      }
    }

    @Override
    public List<Long> downstream(long node, long before) throws SignedLogVerifier.Failure {
      try {
        downstream.setLong(1, node);
        downstream.setLong(2, before);
        List<Long> out = new ArrayList<>();
        try (ResultSet t = downstream.executeQuery()) {
          while (t.next()) {
            out.add(t.getLong(1));
          }
        }
        return out;
      } catch (SQLException e) {
        throw new SignedLogVerifier.Failure(FailureReason.BAD_REFERENCE, "cannot read edges");
      }
    }

    @Override
    public SignedLogVerifier.Earlier sameIdentity(String kind, String name, String version, long before)
        throws SignedLogVerifier.Failure {
      if (shared != null && !shared.contains(kind + '\0' + name + '\0' + version)) {
        return null;
      }
      try {
        byIdentity.setString(1, kind);
        byIdentity.setString(2, name);
        byIdentity.setString(3, version);
        byIdentity.setLong(4, before);
        try (ResultSet t = byIdentity.executeQuery()) {
          if (!t.next()) {
            return null;
          }
          byte[] body = t.getBytes(2);
          try {
            byte[] earlierBody = dev.lineageledger.core.CanonicalJson.canonicalize(
                dev.lineageledger.core.CanonicalJson.parse(body).get("body"));
            return new SignedLogVerifier.Earlier(t.getLong(1), earlierBody);
          } catch (dev.lineageledger.core.InvalidRecordException | RuntimeException e) {
            return null; // that record's own failure is already reported
          }
        }
      } catch (SQLException e) {
        throw new SignedLogVerifier.Failure(FailureReason.DUPLICATE_IDENTITY, "cannot read earlier records");
      }
    }

    @Override
    public void close() throws SQLException {
      bySeq.close();
      byIdentity.close();
      downstream.close();
    }
  }

  /** Merges the edge stream (ordered by record_seq) with the record stream. */
  private final class EdgeCursor {
    private final ResultSet rs;
    private Edge peeked;
    private boolean done;

    EdgeCursor(ResultSet rs) throws SQLException {
      this.rs = rs;
      advance();
    }

    private void advance() throws SQLException {
      if (rs.next()) {
        peeked = new Edge(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4));
      } else {
        peeked = null;
        done = true;
      }
    }

    /** The stored edges of record {@code seq}, sorted; stray edges before it are failures. */
    List<Edge> take(long seq) throws SQLException {
      List<Edge> out = new ArrayList<>();
      while (!done && peeked.recordSeq() <= seq) {
        if (peeked.recordSeq() < seq) {
          fail(peeked.recordSeq(), FailureReason.EDGE_MISMATCH, "a stored lineage edge belongs to no record");
        } else {
          out.add(peeked);
        }
        advance();
      }
      out.sort(Edge.ORDER);
      return out;
    }

    void drainRest() throws SQLException {
      while (!done) {
        fail(peeked.recordSeq(), FailureReason.EDGE_MISMATCH, "a stored lineage edge belongs to no record");
        advance();
      }
    }
  }
}
