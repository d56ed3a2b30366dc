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
import java.security.MessageDigest;
import static dev.lineageledger.core.internal.LedgerStore.StopScan.STOP;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Full and incremental verification of a stored ledger (docs/FORMAT.md §9): streams records,
 * edges and checkpoints in sequence order from one read snapshot of a {@link LedgerStore} and
 * feeds the signed data to the {@link SignedLogVerifier}, which owns every rule about it. What
 * this class adds is the store's side: preparing records (hash, parse, body rules) and checking
 * per-record signatures in parallel blocks, and cross-checking every stored derived value (leaf hash, columns, edges, index, tree nodes,
 * checkpoint rows) against what the signed bytes say. Memory is constant in the ledger size.
 */
public final class LedgerVerifier {
  private static final int SIG_BATCH = 1024;
  /** Records prepared per block on the pool (fewer when their bytes reach BLOCK_BYTES). */
  static final int BLOCK_RECORDS = 1024;
  private static final long BLOCK_BYTES = 4L << 20;
  /** Blocks read ahead of the one being checked in order: bounds memory to a few blocks. */
  private static final int BLOCKS_AHEAD = 2;

  private final LedgerStore.Reader conn;
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

  private final int blockRecords;

  public LedgerVerifier(LedgerStore.Reader conn, String origin, SigningMode mode, VerifyOptions opts) {
    this(conn, origin, mode, opts, BLOCK_RECORDS);
  }

  /** With blocks of at most {@code blockRecords} records: tests force small ones. */
  LedgerVerifier(LedgerStore.Reader conn, String origin, SigningMode mode, VerifyOptions opts,
      int blockRecords) {
    if (blockRecords < 1) {
      throw new IllegalArgumentException("blockRecords must be >= 1");
    }
    this.conn = conn;
    this.origin = origin;
    this.mode = mode;
    this.opts = opts;
    this.blockRecords = blockRecords;
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
    // The reader is one snapshot: everything below sees the same ledger.
    try (Parallel parallel = new Parallel(opts.threads(), "ledger-verifier")) {
      this.parallel = parallel;
      return verify();
    }
  }

  private VerificationReport verify() throws LedgerException {
    conn.checkStructure();
    if (opts.trustedKeys().isEmpty()) {
      fail(-1, FailureReason.NO_TRUSTED_KEYS, "no trusted keys were given, so no signature can be checked");
    }
    try {
      SignedLogVerifier.checkMeta(meta(), opts.trustedKeys());
    } catch (SignedLogVerifier.Failure f) {
      fail(-1, f);
    }
    List<LedgerStore.CheckpointRow> cps = conn.checkpointRows();
    long dbSize = conn.size();
    LedgerStore.Strays strays = conn.strays();
    long orphans = strays.orphanSignatures();
    if (orphans > 0) {
      fail(-1, FailureReason.CHECKPOINT_MALFORMED, orphans + " checkpoint signature rows belong to no checkpoint");
    }
    // docs/FORMAT.md §7: every sequence number and size lies in [0, size]; rows outside it are
    // read by nothing below, so they are reported here (readers bound their queries too).
    long outside = strays.negativeSeqRecords();
    if (outside > 0) {
      fail(-1, FailureReason.MISSING_RECORD, outside + " record rows have a negative sequence number");
    }
    long badEdges = strays.edgesOutOfRange();
    if (badEdges > 0) {
      fail(-1, FailureReason.EDGE_MISMATCH, badEdges + " edge rows name sequence numbers outside 0.."
          + (dbSize - 1));
    }
    long badCps = strays.negativeCheckpointRows();
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
      SubtreeSource stored = conn;
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
        try {
          head = stored.subtree(0, m - 1);
          new ProofBuilder(stored).inclusion(m - 1, m).verify(head, tc.root());
        } catch (VerificationException | FormatException e) {
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
      for (LedgerStore.CheckpointRow r : cps) {
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
        } catch (FormatException e) {
          // The stored tree lacks what the proof needs: the records themselves are reported
          // missing or altered by the replay above.
          fail(r.size() - 1, FailureReason.INCONSISTENT_WITH_TRUSTED_CHECKPOINT, "stored checkpoint"
              + " of size " + r.size() + " cannot be checked against the trusted checkpoint: "
              + e.getMessage());
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

    final long start = from;
    long indexed = conn.indexedSize();
    RecordStream stream = new RecordStream(start, cps, cpIndex, checkpointsChecked, coveredSize,
        indexed, dbSize);
    conn.scan(start, Long.MAX_VALUE, stream::add);
    stream.finish();
    flushSigs();
    awaitSigs();
    stream.edges.drainRest();
    // The index is derived data: every row of it must be what the log says (§7).
    for (Map.Entry<Long, String> p : conn.indexProblems(from)) {
      fail(p.getKey(), FailureReason.INDEX_MISMATCH, p.getValue());
    }
    cpIndex = stream.cpAt;
    checkpointsChecked = stream.checked;
    coveredSize = stream.covered;
    long size = stream.expected;
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
  private void record(long seq, SignedLogVerifier.Prepared prepared, LedgerStore.LogRow r,
      List<Edge> storedEdges, boolean indexed, StoreLookup lookup) throws LedgerException {
    Hash leaf = prepared.leaf();
    byte[] storedLeaf = r.leafHash();
    if (storedLeaf == null || !leaf.equals(storedLeaf.length == Hash.SIZE ? Hash.of(storedLeaf) : null)) {
      fail(seq, FailureReason.LEAF_HASH_MISMATCH, "the stored leaf hash is not SHA-256(0x00 || record bytes)");
    }
    SignedLogVerifier.Checked c = null;
    try {
      c = log.record(seq, prepared, lookup);
    } catch (SignedLogVerifier.Failure f) {
      fail(seq, f);
    }
    byte[] nodes = r.nodes();
    if (!Arrays.equals(NodeBlob.encode(log.completed()), nodes == null ? new byte[0] : nodes)) {
      fail(seq, FailureReason.TREE_NODE_MISMATCH, "the stored Merkle tree nodes of this record differ"
          + " from those computed from the records");
    }
    if (c == null) {
      return;
    }
    Envelope.Parsed p = c.envelope();
    String[] nv = prepared.nameAndVersion();
    column(seq, "kind", r.kind(), p.kind());
    column(seq, "name", r.name(), nv[0]);
    column(seq, "version", r.version(), nv[1]);
    column(seq, "actor", r.actor(), p.actor());
    column(seq, "time", r.time(), p.time());
    column(seq, "signer", r.signer(), p.signer());
    List<Edge> expectedEdges = new ArrayList<>(c.edges());
    expectedEdges.sort(Edge.ORDER);
    // Edges are index rows: only records the index covers have them (the rest: indexProblems).
    if (indexed && !expectedEdges.equals(storedEdges)) {
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
      SignedLogVerifier.PendingSignature s = log.signature(seq, c, r.sig());
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
  private Checkpoint checkpoint(LedgerStore.CheckpointRow row, Hash computedRoot) {
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

  private boolean validNote(LedgerStore.CheckpointRow row) {
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
  private Checkpoint openTrusted(String note, long dbSize) throws LedgerException {
    Checkpoint unverified = Checkpoint.parse(dev.lineageledger.core.SignedNote.parse(note).body());
    if (unverified.size() > dbSize) {
      return Checkpoint.open(note, opts.trustedKeys(), origin);
    }
    List<dev.lineageledger.core.KeyRecordProof> evidence = new ArrayList<>();
    ProofBuilder proofs = new ProofBuilder(conn);
    conn.scanKeyCandidates(0, unverified.size(), row -> {
      byte[] body = row.body();
      if (!KeyHistory.isKeyRecord(body)) {
        return; // the bytes decide, never the kind column (§4.1)
      }
      evidence.add(new dev.lineageledger.core.KeyRecordProof(row.seq(),
          body == null ? new byte[0] : body, row.sig(),
          proofs.inclusion(row.seq(), unverified.size()).path()));
    });
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
  private long firstAlteredBody(long n) throws LedgerException {
    long[] found = {-1};
    conn.scan(0, n, row -> {
        byte[] body = row.body();
        byte[] leaf = row.leafHash();
        if (body == null || leaf == null
            || !MessageDigest.isEqual(MerkleTree.leafHash(body).bytes(), leaf)) {
          found[0] = row.seq();
          throw STOP;
        }
      });
    return found[0];
  }


  /**
   * Incremental mode: key records before the trusted checkpoint still decide whom later
   * records may be signed by. Each is authenticated by an inclusion proof against the trusted
   * root and by its signature, in order.
   */
  private List<Map.Entry<Long, List<dev.lineageledger.core.VerifierKey>>> replayKeyRecords(
      long m, Checkpoint tc, SubtreeSource stored, KeyHistory keys)
      throws LedgerException {
    List<Map.Entry<Long, List<dev.lineageledger.core.VerifierKey>>> trustAt = new ArrayList<>();
    // Every record's bytes before m are hashed (no parsing, no signature check), so that the
    // key records are found from signed bytes: a body altered to hide one (or a kind column
    // relabelled) cannot go unnoticed, since the bytes must hash to the trusted root (§4.1, §9).
    CompactRange bodies = CompactRange.of(0, List.of());
    boolean[] gap = {false};
    conn.scan(0, m, r -> {
        long seq = r.seq();
        byte[] body = r.body();
        Hash leaf = MerkleTree.leafHash(body == null ? new byte[0] : body);
        if (seq != bodies.size()) {
          fail(bodies.size(), FailureReason.MISSING_RECORD, "record " + bodies.size() + " is missing");
          gap[0] = true;
          throw STOP;
        }
        bodies.append(leaf);
        if (!MessageDigest.isEqual(leaf.bytes(), r.leafHash() == null ? new byte[0] : r.leafHash())) {
          fail(seq, FailureReason.LEAF_HASH_MISMATCH, "the stored bytes of record " + seq
              + " do not hash to its stored leaf hash");
          return;
        }
        if (!KeyHistory.isKeyRecord(body)) {
          return;
        }
        if (!"key".equals(r.kind())) {
          fail(seq, FailureReason.DERIVED_COLUMN_MISMATCH, "record " + seq + " is a key record"
              + " but its kind column says '" + r.kind() + "'");
        }
        try {
          new ProofBuilder(stored).inclusion(seq, m).verify(leaf, tc.root());
          keys.apply(origin, Envelope.parse(dev.lineageledger.core.CanonicalJson.parse(body)), leaf, r.sig());
          trustAt.add(Map.entry(seq, keys.keys()));
        } catch (VerificationException | FormatException | dev.lineageledger.core.InvalidRecordException e) {
          fail(seq, FailureReason.UNTRUSTED_SIGNER, "key record " + seq + " is not authenticated by the"
              + " trusted checkpoint and a trusted key: " + e.getMessage());
        }
      });
    if (gap[0]) {
      return trustAt;
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
      return conn.latestCheckpoint();
    } catch (LedgerException e) {
      return null; // its failure is already in the report
    }
  }

  private VerificationReport report(long from, long size, int cps, long covered, StoredCheckpoint latest) {
    ConsistencyProof fromTrusted = null;
    if (opts.trustedCheckpoint().isPresent() && latest != null && latest.size() >= from
        && latest.size() <= size) {
      try {
        fromTrusted = new ProofBuilder(conn).consistency(from, latest.size());
      } catch (LedgerException | IllegalArgumentException ex) {
        fromTrusted = null;
      }
    }
    List<VerificationFailure> sorted = new ArrayList<>(failures);
    sorted.sort(Comparator.comparingLong(f -> f.seq() < 0 ? Long.MAX_VALUE : f.seq()));
    return new VerificationReport(from, size, cps, covered, latest, fromTrusted, sorted, failureCount,
        opts.trustedKeys(), log == null ? opts.trustedKeys() : log.keys().keys(), mode);
  }

  private Map<String, String> meta() throws LedgerException {
    return conn.meta();
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


  /**
   * The records of the scan, checked in two stages. What depends on a record's bytes alone
   * (leaf hash, canonical form, envelope, body rules: {@link SignedLogVerifier#prepare}) is done
   * on the pool, a block at a time, while the scan reads the next blocks; each prepared block is
   * then checked in sequence order on the scan's thread (position, chain, tree, references,
   * stored columns and edges, checkpoints), so every failure is found and reported exactly as a
   * record-by-record pass would, in the same order. At most {@link #BLOCKS_AHEAD} blocks wait.
   */
  private final class RecordStream {
    private final long start;
    private final List<LedgerStore.CheckpointRow> cps;
    private final long indexed;
    private final long dbSize;
    final EdgeChunks edges;
    private final StoreLookup lookup;
    private final java.util.ArrayDeque<Block> ahead = new java.util.ArrayDeque<>();
    private List<LedgerStore.LogRow> filling = new ArrayList<>();
    private long fillingBytes;
    long expected;
    int cpAt;
    int checked;
    long covered;

    RecordStream(long start, List<LedgerStore.CheckpointRow> cps, int cpAt, int checked,
        long covered, long indexed, long dbSize) throws LedgerException {
      this.start = start;
      this.cps = cps;
      this.indexed = indexed;
      this.dbSize = dbSize;
      this.edges = new EdgeChunks(start, indexed);
      this.lookup = new StoreLookup(start);
      this.expected = start;
      this.cpAt = cpAt;
      this.checked = checked;
      this.covered = covered;
    }

    /** A block of rows being prepared on the pool. */
    private final class Block {
      final List<LedgerStore.LogRow> rows;
      final SignedLogVerifier.Prepared[] prepared;
      final Parallel.Job job;

      Block(List<LedgerStore.LogRow> rows) {
        this.rows = rows;
        this.prepared = new SignedLogVerifier.Prepared[rows.size()];
        this.job = parallel.forRangeAsync(rows.size(), (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            byte[] body = rows.get(i).body();
            prepared[i] = SignedLogVerifier.prepare(origin, body == null ? new byte[0] : body);
          }
        });
      }
    }

    void add(LedgerStore.LogRow row) throws LedgerException {
      filling.add(row);
      fillingBytes += row.body() == null ? 0 : row.body().length;
      if (filling.size() >= blockRecords || fillingBytes >= BLOCK_BYTES) {
        ahead.addLast(new Block(filling));
        filling = new ArrayList<>();
        fillingBytes = 0;
        while (ahead.size() > BLOCKS_AHEAD) {
          check(ahead.pollFirst());
        }
      }
    }

    void finish() throws LedgerException {
      if (!filling.isEmpty()) {
        ahead.addLast(new Block(filling));
        filling = new ArrayList<>();
      }
      while (!ahead.isEmpty()) {
        check(ahead.pollFirst());
      }
      flushSigs();
      awaitSigs();
    }

    private void check(Block b) throws LedgerException {
      b.job.await();
      for (int i = 0; i < b.rows.size(); i++) {
        check(b.rows.get(i), b.prepared[i]);
      }
    }

    private void check(LedgerStore.LogRow row, SignedLogVerifier.Prepared prepared)
        throws LedgerException {
      long seq = row.seq();
      if (seq != expected) {
        fail(expected, FailureReason.MISSING_RECORD, seq > expected
            ? "records " + expected + ".." + (seq - 1) + " are missing"
            : "record " + seq + " is out of order");
      }
      record(seq, prepared, row, edges.take(seq), seq < indexed, lookup);
      expected = log.range().size();
      while (cpAt < cps.size() && cps.get(cpAt).size() <= expected) {
        LedgerStore.CheckpointRow cpRow = cps.get(cpAt++);
        if (cpRow.size() < expected) {
          continue; // only reachable after an out-of-order row, already reported
        }
        flushSigs();
        if (checkpoint(cpRow, log.range().root()) != null) {
          checked++;
          covered = Math.max(covered, cpRow.size());
        }
      }
      if (pendingSigs.size() >= SIG_BATCH) {
        flushSigs();
      }
      if (opts.progress().isPresent() && (expected & 4095) == 0) {
        opts.progress().get().progress(expected - start, dbSize - start);
      }
    }
  }

  /**
   * Earlier records for references and identities, read from the log and its index, whose
   * values are cross-checked against the bytes when their record was verified (stored leaf
   * hash, kind, name, version) or by {@link LedgerStore.Reader#indexProblems}.
   */
  private final class StoreLookup implements SignedLogVerifier.Lookup {
    /**
     * Identities held by more than one record, found in one pass over the index: only those
     * records need their bodies compared, so the identity rule costs no per-record query. The
     * index is cross-checked against the log, so a forged row cannot hide a duplicate without
     * being reported itself. Incremental verification (null here) looks each new record up
     * instead, so its cost stays proportional to the new records, not the ledger.
     */
    private final java.util.Set<String> shared;

    StoreLookup(long from) throws LedgerException {
      shared = from > 0 ? null : conn.sharedIdentities();
    }

    @Override
    public RefResolver.Target record(long seq) throws SignedLogVerifier.Failure {
      try {
        return conn.bySeq(seq);
      } catch (LedgerException e) {
        throw new SignedLogVerifier.Failure(FailureReason.BAD_REFERENCE, "cannot read record " + seq);
      }
    }

    @Override
    public List<Long> downstream(long node, long before) throws SignedLogVerifier.Failure {
      try {
        return conn.downstream(node, before);
      } catch (LedgerException e) {
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
        RefResolver.Existing e = conn.identity(kind, name, version);
        if (e == null || e.seq() >= before || e.body().length == 0) {
          return null; // an unreadable earlier record's own failure is already reported
        }
        return new SignedLogVerifier.Earlier(e.seq(), e.body());
      } catch (LedgerException | RuntimeException e) {
        throw new SignedLogVerifier.Failure(FailureReason.DUPLICATE_IDENTITY, "cannot read earlier records");
      }
    }
  }

  /**
   * The stored edges of the indexed records, read in chunks of records in step with the record
   * stream (ordered by record_seq), so memory stays constant.
   */
  private final class EdgeChunks {
    private static final long CHUNK = 4096;
    private final long indexed;
    private final java.util.ArrayDeque<Edge> buffered = new java.util.ArrayDeque<>();
    private long loadedTo;

    EdgeChunks(long from, long indexed) {
      this.indexed = indexed;
      this.loadedTo = from;
    }

    /** The stored edges of record {@code seq}, sorted; stray edges before it are failures. */
    List<Edge> take(long seq) throws LedgerException {
      while (loadedTo <= seq && loadedTo < indexed) {
        long to = Math.min(indexed, Math.max(loadedTo, seq) + CHUNK);
        conn.scanEdges(loadedTo, to, buffered::add);
        loadedTo = to;
      }
      List<Edge> out = new ArrayList<>();
      while (!buffered.isEmpty() && buffered.peekFirst().recordSeq() <= seq) {
        Edge e = buffered.pollFirst();
        if (e.recordSeq() < seq) {
          fail(e.recordSeq(), FailureReason.EDGE_MISMATCH, "a stored lineage edge belongs to no record");
        } else {
          out.add(e);
        }
      }
      out.sort(Edge.ORDER);
      return out;
    }

    void drainRest() throws LedgerException {
      if (loadedTo < indexed) {
        conn.scanEdges(loadedTo, indexed, buffered::add);
        loadedTo = indexed;
      }
      for (Edge e : buffered) {
        fail(e.recordSeq(), FailureReason.EDGE_MISMATCH, "a stored lineage edge belongs to no record");
      }
      buffered.clear();
    }
  }
}
