package dev.lineageledger.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.CompactRange;
import dev.lineageledger.core.ConsistencyProof;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.InclusionProof;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.MerkleTree;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.SignedNote;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.core.StoredCheckpoint;
import dev.lineageledger.core.VerificationException;
import dev.lineageledger.core.VerificationFailure;
import dev.lineageledger.core.VerificationReport;
import dev.lineageledger.core.VerifierKey;
import dev.lineageledger.core.VerifyOptions;
import java.nio.file.Path;
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
 * Full and incremental verification (docs/FORMAT.md "Verification"). Streams records and edges
 * in sequence order on one read snapshot, recomputing everything from the canonical bytes:
 * canonical form, leaf hash, chain link, envelope, schema, references, every derived column and
 * edge, the stored tree nodes, per-record signatures (checked in parallel), and every stored
 * checkpoint's root and signatures. Memory is constant in the ledger size: the tree state is a
 * compact range of O(log n) hashes.
 */
public final class LedgerVerifier {
  private static final int SIG_BATCH = 1024;

  private final Connection conn;
  private final Path path;
  private final String origin;
  private final SigningMode mode;
  private final VerifyOptions opts;
  private final Map<String, VerifierKey> trusted = new HashMap<>();
  private final List<VerificationFailure> failures = new ArrayList<>();
  private long failureCount;
  private boolean checkpointFailed;

  private record PendingSig(long seq, VerifierKey key, byte[] message, byte[] sig) {}

  private final List<PendingSig> pendingSigs = new ArrayList<>();
  private Parallel parallel;
  // The block of signatures being checked on the pool while the next block's records are read.
  private Parallel.Job sigJob;
  private List<PendingSig> sigJobSigs;
  private String[] sigJobErrors;

  public LedgerVerifier(Connection conn, Path path, String origin, SigningMode mode, VerifyOptions opts) {
    this.conn = conn;
    this.path = path;
    this.origin = origin;
    this.mode = mode;
    this.opts = opts;
    for (VerifierKey k : opts.trustedKeys()) {
      trusted.put(k.name() + "+" + k.keyId().hex(), k);
    }
  }

  private void fail(long seq, String reason, String message) {
    failureCount++;
    checkpointFailed |= reason.startsWith("checkpoint-") || reason.equals("truncated")
        || reason.equals("equivocation");
    if (failures.size() < opts.maxReportedFailures()) {
      failures.add(new VerificationFailure(seq, reason, message));
    }
  }

  public VerificationReport run() throws LedgerException {
    try (Parallel parallel = new Parallel(opts.threads(), "ledger-verifier")) {
      conn.setAutoCommit(false); // one read transaction = one consistent snapshot
      try {
        return verify(parallel);
      } finally {
        conn.rollback();
      }
    } catch (SQLException e) {
      throw SqliteStore.describe(path, "cannot verify", e);
    }
  }

  private VerificationReport verify(Parallel parallel) throws SQLException, LedgerException {
    this.parallel = parallel;
    SqliteStore.quickCheck(conn, path);
    if (trusted.isEmpty()) {
      fail(-1, "no-trusted-keys", "no trusted keys were given, so no signature can be checked");
    }
    List<CheckpointTable.Row> cps = CheckpointTable.rows(conn);
    long dbSize = scalar("SELECT coalesce(max(seq), -1) + 1 FROM records");
    long orphans = scalar("SELECT count(*) FROM checkpoint_signatures"
        + " WHERE size NOT IN (SELECT size FROM checkpoints)");
    if (orphans > 0) {
      fail(-1, "checkpoint-malformed", orphans + " checkpoint signature rows belong to no checkpoint");
    }

    long from = 0;
    CompactRange range = CompactRange.of(0, List.of());
    Hash prevLeaf = Envelope.GENESIS_PREV;
    ConsistencyProof fromTrusted = null;
    long coveredSize = 0;
    int checkpointsChecked = 0;
    StoredCheckpoint latest = null;

    if (opts.trustedCheckpoint().isPresent()) {
      // The auditor's checkpoint is input: a bad one is an error, not a ledger failure.
      Checkpoint tc = Checkpoint.open(opts.trustedCheckpoint().get(), opts.trustedKeys(), origin);
      long m = tc.size();
      if (dbSize < m) {
        fail(dbSize, "truncated", "the ledger has " + dbSize + " records but the trusted checkpoint"
            + " covers " + m + ": records " + dbSize + ".." + (m - 1) + " were removed (truncation or rollback)");
        return report(m, dbSize, 0, 0, null, null);
      }
      StoredSubtrees stored = new StoredSubtrees(conn, path);
      Hash rootAtM;
      try {
        List<Hash> roots = new ArrayList<>();
        for (CompactRange.PerfectSubtree ps : CompactRange.decomposition(m)) {
          roots.add(stored.subtree(ps.level(), ps.index()));
        }
        range = CompactRange.of(m, roots);
        rootAtM = range.root();
      } catch (FormatException e) {
        rootAtM = null;
      }
      if (rootAtM == null || !rootAtM.equals(tc.root())) {
        boolean equivocation = cps.stream().anyMatch(r -> r.size() == m && validNote(r) != null
            && !Arrays.equals(r.root(), tc.root().bytes()));
        fail(m - 1, equivocation ? "equivocation" : "inconsistent-with-trusted-checkpoint",
            (equivocation ? "the ledger holds a validly signed checkpoint of size " + m
                + " with a different root than the trusted one"
                : "the first " + m + " records no longer hash to the trusted checkpoint's root")
            + "; run a full verification to locate the change");
        return report(m, dbSize, 0, 0, null, null);
      }
      if (m > 0) {
        Hash leaf = stored.subtree(0, m - 1);
        InclusionProof p = new ProofBuilder(stored).inclusion(m - 1, m);
        try {
          p.verify(leaf, tc.root());
        } catch (VerificationException e) {
          fail(m - 1, "leaf-hash-mismatch", "record " + (m - 1) + " is not the one the trusted checkpoint commits to");
          return report(m, dbSize, 0, 0, null, null);
        }
        prevLeaf = leaf;
      }
      replayKeyRecords(m, tc, stored);
      // Older stored checkpoints must be consistent with the trusted one (no equivocation).
      for (CheckpointTable.Row r : cps) {
        if (r.size() > m) {
          break;
        }
        Checkpoint c = checkCheckpointNote(r);
        if (c == null) {
          continue;
        }
        try {
          ConsistencyProof cp = new ProofBuilder(stored).consistency(r.size(), m);
          cp.verify(c.root(), tc.root());
          checkpointsChecked++;
          coveredSize = Math.max(coveredSize, r.size());
        } catch (VerificationException e) {
          fail(r.size() - 1, "equivocation", "stored checkpoint of size " + r.size()
              + " is validly signed but inconsistent with the trusted checkpoint: " + e.getMessage());
        }
      }
      from = m;
      coveredSize = Math.max(coveredSize, m);
    }

    int cpIndex = 0;
    while (cpIndex < cps.size() && cps.get(cpIndex).size() <= from) {
      if (from == 0 && cps.get(cpIndex).size() == 0) {
        Checkpoint c = checkCheckpointNote(cps.get(cpIndex));
        if (c != null && compareRoot(cps.get(cpIndex), c, range.root())) {
          checkpointsChecked++;
        }
      }
      cpIndex++;
    }

    long expected = from;
    try (PreparedStatement rs = conn.prepareStatement("SELECT seq, leaf_hash, body, sig, nodes,"
            + " kind, name, version, actor, time, signer FROM records WHERE seq >= ? ORDER BY seq");
        PreparedStatement es = conn.prepareStatement("SELECT record_seq, src, dst, role FROM edges"
            + " WHERE record_seq >= ? ORDER BY record_seq");
        PreparedStatement refQ = conn.prepareStatement("SELECT leaf_hash, kind FROM records WHERE seq = ?")) {
      rs.setLong(1, from);
      es.setLong(1, from);
      try (ResultSet r = rs.executeQuery(); ResultSet e = es.executeQuery()) {
        EdgeCursor edges = new EdgeCursor(e);
        while (r.next()) {
          long seq = r.getLong(1);
          if (seq != expected) {
            fail(expected, "missing-record", seq > expected
                ? "records " + expected + ".." + (seq - 1) + " are missing"
                : "record " + seq + " is out of order");
          }
          byte[] body = r.getBytes(3);
          Hash leaf = MerkleTree.leafHash(body == null ? new byte[0] : body);
          checkRecord(seq, r, body, leaf, prevLeaf, edges, refQ);
          prevLeaf = leaf;
          List<Hash> completed = range.append(leaf);
          byte[] nodes = r.getBytes(5);
          if (!Arrays.equals(NodeBlob.encode(completed), nodes == null ? new byte[0] : nodes)) {
            fail(seq, "tree-node-mismatch", "the stored Merkle tree nodes of this record differ"
                + " from those computed from the records");
          }
          expected = range.size();
          while (cpIndex < cps.size() && cps.get(cpIndex).size() <= expected) {
            CheckpointTable.Row row = cps.get(cpIndex++);
            if (row.size() < expected) {
              continue; // only reachable after an out-of-order row, already reported
            }
            if (pendingSigs.size() > 0) {
              flushSigs(parallel);
            }
            Checkpoint c = checkCheckpointNote(row);
            if (c != null && compareRoot(row, c, range.root())) {
              checkpointsChecked++;
              coveredSize = Math.max(coveredSize, row.size());
            }
          }
          if (pendingSigs.size() >= SIG_BATCH) {
            flushSigs(parallel);
          }
          if (opts.progress().isPresent() && (expected & 4095) == 0) {
            opts.progress().get().progress(expected - from, dbSize - from);
          }
        }
        flushSigs(parallel);
        awaitSigs();
        edges.drainRest();
      }
    }
    long size = expected;
    for (; cpIndex < cps.size(); cpIndex++) {
      CheckpointTable.Row row = cps.get(cpIndex);
      fail(size, "truncated", "a checkpoint covers " + row.size() + " records but the ledger has only "
          + size + ": records were removed (truncation)");
    }
    // A checkpoint that failed already explains why records are uncovered.
    if (coveredSize < size && !opts.allowUncoveredTail() && !checkpointFailed) {
      fail(coveredSize, "uncovered", "records " + coveredSize + ".." + (size - 1)
          + " are not covered by a valid signed checkpoint (sign one with 'ledger checkpoint --new')");
    }
    if (!cps.isEmpty()) {
      latest = latestStored();
    }
    if (opts.trustedCheckpoint().isPresent() && latest != null && latest.size() >= from) {
      try {
        fromTrusted = new ProofBuilder(new StoredSubtrees(conn, path)).consistency(from, latest.size());
      } catch (LedgerException | IllegalArgumentException ex) {
        fromTrusted = null;
      }
    }
    if (opts.progress().isPresent()) {
      opts.progress().get().progress(size - from, size - from);
    }
    return report(from, size, checkpointsChecked, coveredSize, latest, fromTrusted);
  }

  private StoredCheckpoint latestStored() {
    try {
      return CheckpointTable.latest(conn);
    } catch (SQLException | LedgerException e) {
      return null; // its failure is already in the report
    }
  }

  private VerificationReport report(long from, long size, int cps, long covered,
      StoredCheckpoint latest, ConsistencyProof fromTrusted) {
    List<VerificationFailure> sorted = new ArrayList<>(failures);
    sorted.sort(Comparator.comparingLong(f -> f.seq() < 0 ? Long.MAX_VALUE : f.seq()));
    return new VerificationReport(from, size, cps, covered, latest, fromTrusted, sorted, failureCount);
  }

  /** Parses the stored note and checks its signatures; returns the body, or null after failing. */
  private Checkpoint checkCheckpointNote(CheckpointTable.Row row) {
    long seq = row.size() - 1;
    SignedNote note;
    try {
      note = SignedNote.parse(row.noteText());
    } catch (FormatException e) {
      fail(seq, "checkpoint-malformed", "checkpoint of size " + row.size() + ": " + e.getMessage());
      return null;
    }
    try {
      note.verify(trusted.values());
    } catch (VerificationException e) {
      fail(seq, "checkpoint-signature", "checkpoint of size " + row.size() + ": " + e.getMessage());
      return null;
    }
    Checkpoint c;
    try {
      c = Checkpoint.parse(note.body());
    } catch (FormatException e) {
      fail(seq, "checkpoint-malformed", "checkpoint of size " + row.size() + ": " + e.getMessage());
      return null;
    }
    if (!c.origin().equals(origin)) {
      fail(seq, "checkpoint-origin", "checkpoint of size " + row.size() + " names origin '"
          + c.origin() + "', not this ledger's '" + origin + "'");
      return null;
    }
    if (c.size() != row.size() || !Arrays.equals(c.root().bytes(), row.root())) {
      fail(seq, "derived-column-mismatch", "checkpoint row of size " + row.size()
          + " disagrees with its signed body (size " + c.size() + ")");
      return null;
    }
    return c;
  }

  private Checkpoint validNote(CheckpointTable.Row row) {
    try {
      SignedNote note = SignedNote.parse(row.noteText());
      note.verify(opts.trustedKeys());
      return Checkpoint.parse(note.body());
    } catch (LedgerException e) {
      return null;
    }
  }

  private boolean compareRoot(CheckpointTable.Row row, Checkpoint c, Hash computed) {
    if (!c.root().equals(computed)) {
      fail(row.size() - 1, "checkpoint-root-mismatch", "the signed checkpoint of size " + row.size()
          + " has root " + c.root().base64() + " but the records hash to " + computed.base64());
      return false;
    }
    return true;
  }

  private void checkRecord(long seq, ResultSet r, byte[] body, Hash leaf, Hash prevLeaf,
      EdgeCursor edges, PreparedStatement refQ) throws SQLException, LedgerException {
    byte[] storedLeaf = r.getBytes(2);
    if (storedLeaf == null || !leaf.equals(storedLeaf.length == Hash.SIZE ? Hash.of(storedLeaf) : null)) {
      fail(seq, "leaf-hash-mismatch", "the stored leaf hash is not SHA-256(0x00 || record bytes)");
    }
    List<Edge> storedEdges = edges.take(seq);
    // Parse once: the canonical-form check and the envelope read share the tree (parsing was
    // the largest cost of verification, and it used to happen twice per record).
    JsonNode n;
    try {
      n = body == null ? null : CanonicalJson.parse(body);
    } catch (InvalidRecordException e) {
      n = null;
    }
    if (n == null || !Arrays.equals(body, CanonicalJson.canonicalize(n))) {
      fail(seq, "not-canonical", "the stored record bytes are not RFC 8785 canonical JSON");
      return;
    }
    Envelope.Parsed p;
    try {
      p = Envelope.parse(n);
    } catch (FormatException e) {
      fail(seq, "malformed-record", e.getMessage());
      return;
    }
    if (p.seq() != seq) {
      fail(seq, "seq-mismatch", "the record says it is number " + p.seq());
    }
    if (!p.prev().equals(prevLeaf)) {
      fail(seq, "chain-broken", "prev is " + p.prev().hex() + " but record " + (seq - 1)
          + " hashes to " + prevLeaf.hex());
    }
    List<Edge> expectedEdges = new ArrayList<>();
    try {
      RecordKind kind = RecordKind.of(p.kind());
      for (RecordSchema.RefSlot slot : RecordSchema.validate(kind, p.body())) {
        JsonNode g = slot.given();
        JsonNode hs = g.get("hash");
        JsonNode ss = g.get("seq");
        if (!g.isObject() || g.size() != 2 || hs == null || ss == null || !ss.isIntegralNumber()) {
          fail(seq, "bad-reference", slot.path() + " is not a resolved {hash, seq} reference");
          continue;
        }
        long target = ss.asLong();
        if (target >= seq || target < 0) {
          fail(seq, "bad-reference", slot.path() + " points forward to record " + target);
          continue;
        }
        refQ.setLong(1, target);
        try (ResultSet t = refQ.executeQuery()) {
          if (!t.next() || !hs.asText().equals(hex(t.getBytes(1)))) {
            fail(seq, "bad-reference", slot.path() + " does not match record " + target + "'s hash");
            continue;
          }
          if (!slot.allowedKinds().isEmpty() && !slot.allowedKinds().contains(t.getString(2))) {
            fail(seq, "bad-reference", slot.path() + " must reference a "
                + String.join(" or ", slot.allowedKinds()));
          }
        }
        expectedEdges.add(Edge.of(seq, slot, target));
      }
    } catch (InvalidRecordException e) {
      fail(seq, "invalid-record", e.getMessage());
    }
    String[] nv = RecordSchema.nameAndVersion(p.kind(), p.body());
    column(seq, "kind", r.getString(6), p.kind());
    column(seq, "name", r.getString(7), nv[0]);
    column(seq, "version", r.getString(8), nv[1]);
    column(seq, "actor", r.getString(9), p.actor());
    column(seq, "time", r.getString(10), p.time());
    column(seq, "signer", r.getString(11), p.signer());
    expectedEdges.sort(Edge.ORDER);
    if (!expectedEdges.equals(storedEdges)) {
      fail(seq, "edge-mismatch", "the stored lineage edges " + describe(storedEdges)
          + " differ from the record's references " + describe(expectedEdges));
    }
    byte[] sig = r.getBytes(4);
    if (p.signer() == null) {
      if (mode == SigningMode.PER_RECORD) {
        fail(seq, "missing-signature", "this ledger signs every record, but this record names no signer");
      } else if (sig != null) {
        fail(seq, "unexpected-signature", "a signature is stored for a record that names no signer");
      }
      return;
    }
    VerifierKey key = trusted.get(p.signer());
    if (sig == null) {
      fail(seq, "missing-signature", "the record names signer " + p.signer() + " but no signature is stored");
    } else if (key == null) {
      fail(seq, "untrusted-signer", "signed by " + p.signer() + ", which is not a trusted key");
    } else if (p.kind().equals(RecordKind.KEY.name())) {
      // A key record changes whom later records and checkpoints may be signed by: check it
      // now, in order, after every signature queued before it.
      flushSigs(parallel);
      try {
        key.verify(Envelope.recordSignatureMessage(origin, leaf), sig);
        applyKeyRecord(p.body());
      } catch (VerificationException e) {
        fail(seq, "bad-signature", "the key record's signature by " + p.signer() + " does not verify");
      }
    } else {
      pendingSigs.add(new PendingSig(seq, key, Envelope.recordSignatureMessage(origin, leaf), sig));
    }
  }

  /** Adds or revokes the key a verified key record names (docs/FORMAT.md §4.1). */
  private void applyKeyRecord(JsonNode body) {
    try {
      VerifierKey k = VerifierKey.parse(body.path("key").asText());
      String label = k.name() + "+" + k.keyId().hex();
      if ("add".equals(body.path("action").asText())) {
        trusted.put(label, k);
      } else if ("revoke".equals(body.path("action").asText())) {
        trusted.remove(label);
      }
    } catch (FormatException e) {
      // Already reported as invalid-record.
    }
  }

  /**
   * Incremental mode: key records before the trusted checkpoint still decide whom later
   * records may be signed by. Each is authenticated by an inclusion proof against the trusted
   * root and by its signature, in order.
   */
  private void replayKeyRecords(long m, Checkpoint tc, StoredSubtrees stored)
      throws SQLException, LedgerException {
    try (PreparedStatement ks = conn.prepareStatement(
        "SELECT seq, body, sig FROM records WHERE kind = 'key' AND seq < ? ORDER BY seq")) {
      ks.setLong(1, m);
      try (ResultSet r = ks.executeQuery()) {
        while (r.next()) {
          long seq = r.getLong(1);
          byte[] body = r.getBytes(2);
          byte[] sig = r.getBytes(3);
          Hash leaf = MerkleTree.leafHash(body == null ? new byte[0] : body);
          try {
            new ProofBuilder(stored).inclusion(seq, m).verify(leaf, tc.root());
            Envelope.Parsed p = Envelope.parse(CanonicalJson.parse(body));
            VerifierKey key = p.signer() == null ? null : trusted.get(p.signer());
            if (key == null || sig == null) {
              fail(seq, "untrusted-signer", "key record signed by " + p.signer()
                  + ", which is not a trusted key");
              continue;
            }
            key.verify(Envelope.recordSignatureMessage(origin, leaf), sig);
            applyKeyRecord(p.body());
          } catch (VerificationException | FormatException | InvalidRecordException e) {
            fail(seq, "leaf-hash-mismatch", "key record " + seq + " is not authenticated by the"
                + " trusted checkpoint: " + e.getMessage());
          }
        }
      }
    }
  }

  /**
   * Starts checking the pending signatures on the pool and returns, so that reading and checking
   * the next records overlaps with it; first finishes the previous block. Checking blocks one
   * after the other left a core idle while each block's records were parsed.
   */
  private void flushSigs(Parallel parallel) throws LedgerException {
    awaitSigs();
    if (pendingSigs.isEmpty()) {
      return;
    }
    List<PendingSig> sigs = new ArrayList<>(pendingSigs);
    pendingSigs.clear();
    String[] errors = new String[sigs.size()];
    sigJob = parallel.forRangeAsync(sigs.size(), (from, to) -> {
      for (int i = from; i < to; i++) {
        PendingSig s = sigs.get(i);
        try {
          s.key.verify(s.message, s.sig);
        } catch (VerificationException e) {
          errors[i] = e.getMessage();
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
        PendingSig s = sigJobSigs.get(i);
        fail(s.seq, "bad-signature", "the record signature by " + s.key.name() + "+"
            + s.key.keyId().hex() + " does not verify");
      }
    }
    sigJobSigs = null;
    sigJobErrors = null;
  }

  private void column(long seq, String col, String stored, String derived) {
    if (!Objects.equals(stored, derived)) {
      fail(seq, "derived-column-mismatch", "column " + col + " is " + quote(stored)
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

  private static String hex(byte[] b) {
    return b == null ? "" : java.util.HexFormat.of().formatHex(b);
  }

  private long scalar(String sql) throws SQLException {
    try (Statement s = conn.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
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
          fail(peeked.recordSeq(), "edge-mismatch", "a stored lineage edge belongs to no record");
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
        fail(peeked.recordSeq(), "edge-mismatch", "a stored lineage edge belongs to no record");
        advance();
      }
    }
  }
}
