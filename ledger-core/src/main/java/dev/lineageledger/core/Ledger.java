package dev.lineageledger.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.internal.CheckpointTable;
import dev.lineageledger.core.internal.Envelope;
import dev.lineageledger.core.internal.KeyHistory;
import dev.lineageledger.core.internal.LedgerVerifier;
import dev.lineageledger.core.internal.LedgerWriter;
import dev.lineageledger.core.internal.ProofBuilder;
import dev.lineageledger.core.internal.RefResolver;
import dev.lineageledger.core.internal.SignedHistory;
import dev.lineageledger.core.internal.SqliteStore;
import dev.lineageledger.core.internal.StoredSubtrees;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * An append-only, hash-chained, Merkle-committed ledger of lineage records in one SQLite file.
 * Thread-safe: any number of threads may append concurrently (their records are group-committed
 * by one writer thread) and query at the same time. Several processes may append to one file.
 *
 * <pre>{@code
 * try (Ledger ledger = Ledger.open(path, LedgerOptions.builder().checkpointSigner(key).build())) {
 *   Receipt r = ledger.append(RecordDraft.fromJson(json));
 * }
 * }</pre>
 */
public final class Ledger implements AutoCloseable {
  /** docs/FORMAT.md §5: 1..255 printable ASCII characters, no space, no '+' anywhere. */
  private static final Pattern ORIGIN = Pattern.compile("[\\x21-\\x7e&&[^+]]{1,255}");

  private final Path path;
  private final String origin;
  private final SigningMode mode;
  private final LedgerOptions options;
  private final Connection readConn;
  private final Connection writeConn;
  private final LedgerWriter writer;
  private final Object readLock = new Object();
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final Object syncStateLock = new Object();
  private Connection syncStateConn;

  private Ledger(Path path, LedgerOptions options, Connection readConn, Connection writeConn,
      boolean checkKeyHistory) throws LedgerException {
    this.path = path;
    this.options = options;
    this.readConn = readConn;
    this.writeConn = writeConn;
    Map<String, String> meta = meta(readConn, path);
    this.origin = meta.get("origin");
    String m = meta.get("signing_mode");
    if (origin == null || m == null) {
      throw new LedgerStorageException(LedgerStorageException.Reason.NOT_A_LEDGER,
          path + " is missing its ledger metadata (origin, signing_mode)", null);
    }
    try {
      this.mode = SigningMode.fromId(m);
    } catch (IllegalArgumentException e) {
      throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT,
          path + " has an unknown signing mode '" + dev.lineageledger.core.internal.TextRules.escape(m) + "' in ledger_meta", null);
    }
    // docs/FORMAT.md §7.1: nothing signs ledger_meta, so its fixed values are checked on open
    // and everything else in it is re-derived from signed data (verification, SignedHistory).
    if (!"lineage-ledger".equals(meta.get("format"))
        || !String.valueOf(Envelope.FORMAT_VERSION).equals(meta.get("format_version"))) {
      throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, path
          + " has ledger_meta format '" + dev.lineageledger.core.internal.TextRules.escape(meta.get("format")) + "' version '"
          + dev.lineageledger.core.internal.TextRules.escape(meta.get("format_version")) + "'; this build reads lineage-ledger"
          + " version " + Envelope.FORMAT_VERSION, null);
    }
    if (writeConn != null && !ORIGIN.matcher(origin).matches()) {
      // A writer would sign checkpoints naming it; verification reports it (ledger-meta).
      throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, path
          + " has an invalid origin '" + dev.lineageledger.core.internal.TextRules.escape(origin)
          + "' in ledger_meta (docs/FORMAT.md §5)", null);
    }
    if (writeConn != null && checkKeyHistory) {
      List<VerifierKey> signing = new ArrayList<>();
      options.checkpointSigner().ifPresent(k -> signing.add(k.verifierKey()));
      options.recordSigner().filter(k -> !signing.contains(k.verifierKey()))
          .ifPresent(k -> signing.add(k.verifierKey()));
      SignedHistory.checkWriter(readConn, path, origin, mode, signing);
    }
    this.writer = writeConn == null ? null
        : new LedgerWriter(writeConn, path, origin, options, mode == SigningMode.PER_RECORD);
  }

  /**
   * Creates a new ledger file. {@code origin} names the log in its checkpoints (C2SP
   * tlog-checkpoint: a schema-less URL such as {@code example.com/ml/fraud}).
   */
  public static Ledger create(Path path, String origin, SigningMode mode, LedgerOptions options)
      throws LedgerException {
    if (origin == null || !ORIGIN.matcher(origin).matches()) {
      throw new InvalidRecordException("origin", "must be 1..255 printable ASCII characters without"
          + " spaces or '+', like example.com/ml/ledger");
    }
    if (options.isReadOnly()) {
      throw new IllegalArgumentException("cannot create a ledger read-only");
    }
    try (Connection c = SqliteStore.connect(new SqliteStore.ConnectionSpec(path,
        options.durability(), options.busyTimeoutMillis(), false), false, true)) {
      SqliteStore.initialize(c, path, List.of(
          new String[] {"format", "lineage-ledger"},
          new String[] {"format_version", String.valueOf(Envelope.FORMAT_VERSION)},
          new String[] {"origin", origin},
          new String[] {"signing_mode", mode.id()},
          new String[] {"created", Envelope.formatTime(Instant.now())}));
    } catch (SQLException e) {
      throw SqliteStore.describe(path, "cannot create", e);
    }
    return open(path, options);
  }

  /** Opens an existing ledger file. */
  public static Ledger open(Path path, LedgerOptions options) throws LedgerException {
    return open(path, options, true);
  }

  /**
   * Tests only: opens without checking the signing key against the ledger's key history, to
   * play an attacker writing with their own tooling (verification must catch the result).
   */
  static Ledger openAsAttacker(Path path, LedgerOptions options) throws LedgerException {
    return open(path, options, false);
  }

  private static Ledger open(Path path, LedgerOptions options, boolean checkKeyHistory)
      throws LedgerException {
    SqliteStore.ConnectionSpec spec = new SqliteStore.ConnectionSpec(path, options.durability(),
        options.busyTimeoutMillis(), options.isReadOnly());
    Connection read = SqliteStore.connect(spec, false, false);
    Connection write = null;
    try {
      SqliteStore.checkAndMigrate(read, path, !options.isReadOnly());
      if (!options.isReadOnly()) {
        write = SqliteStore.connect(spec, true, false);
      }
      return new Ledger(path, options, read, write, checkKeyHistory);
    } catch (LedgerException | RuntimeException e) {
      closeQuietly(read);
      closeQuietly(write);
      throw e;
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // nothing more to do
      }
    }
  }

  private static Map<String, String> meta(Connection c, Path path) throws LedgerStorageException {
    Map<String, String> m = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT key, value FROM ledger_meta")) {
      while (r.next()) {
        m.put(r.getString(1), r.getString(2));
      }
    } catch (SQLException e) {
      throw SqliteStore.describe(path, "cannot read", e);
    }
    return m;
  }

  public Path path() {
    return path;
  }

  public String origin() {
    return origin;
  }

  public SigningMode signingMode() {
    return mode;
  }

  // ---------------------------------------------------------------- appends

  /** Appends one record; returns once it is durable. */
  public Receipt append(RecordDraft draft) throws LedgerException {
    return await(appendAllAsync(List.of(draft))).get(0);
  }

  /** Appends one record; the future completes once it is durable, or with a LedgerException. */
  public CompletableFuture<Receipt> appendAsync(RecordDraft draft) {
    return appendAllAsync(List.of(draft)).thenApply(l -> l.get(0));
  }

  /**
   * Appends records all-or-nothing, in order, in one commit group; later records may reference
   * earlier ones of the same list.
   */
  public List<Receipt> appendAll(List<RecordDraft> drafts) throws LedgerException {
    return await(appendAllAsync(drafts));
  }

  public CompletableFuture<List<Receipt>> appendAllAsync(List<RecordDraft> drafts) {
    if (writer == null) {
      return CompletableFuture.failedFuture(
          new LedgerException("the ledger is open read-only"));
    }
    if (drafts.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return writer.submit(drafts);
  }

  /**
   * Key rotation, step 1: a {@code key} record, signed by this ledger's current signing key,
   * that makes {@code next} trusted for everything after it. Reopen the ledger with {@code
   * next} as its signer, then {@link #revokeKey} the old key. Verifiers that trust the old key
   * follow the rotation (docs/FORMAT.md §4.1).
   */
  public Receipt addKey(String actor, VerifierKey next, String comment) throws LedgerException {
    return append(keyRecord(actor, "add", next, comment));
  }

  /** Key rotation, step 2: records after this one may no longer be signed by {@code old}. */
  public Receipt revokeKey(String actor, VerifierKey old, String comment) throws LedgerException {
    return append(keyRecord(actor, "revoke", old, comment));
  }

  private static RecordDraft keyRecord(String actor, String action, VerifierKey k, String comment)
      throws InvalidRecordException {
    RecordDraft.Builder b = RecordDraft.builder(RecordKind.KEY, actor).put("action", action)
        .put("key", k.toString());
    if (comment != null) {
      b.put("comment", comment);
    }
    return b.build();
  }

  /** Signs a checkpoint covering every record appended before this call, and stores it. */
  public StoredCheckpoint checkpoint() throws LedgerException {
    if (writer == null) {
      throw new LedgerException("the ledger is open read-only");
    }
    return await(writer.requestCheckpoint(false));
  }

  /**
   * Like {@link #checkpoint()}, but also covers records after the last checkpoint that this
   * writer did not build and cannot authenticate (in checkpoint-only mode: any such tail, since
   * its records carry no signature). Signing vouches for them: call this only after reviewing
   * them (docs/FORMAT.md §9, "Uncovered tail").
   */
  public StoredCheckpoint checkpointAcceptingTail() throws LedgerException {
    if (writer == null) {
      throw new LedgerException("the ledger is open read-only");
    }
    return await(writer.requestCheckpoint(true));
  }

  /**
   * Adds a cosignature to the stored checkpoint of {@code size} (C2SP signed-note cosigning).
   * Goes through the writer like every other write, so it commits in its own transaction and
   * can never land in (or be rolled back with) a batch of appends.
   */
  public StoredCheckpoint cosign(long size, Signer cosigner) throws LedgerException {
    if (writer == null) {
      throw new LedgerException("the ledger is open read-only");
    }
    StoredCheckpoint cp = checkpoint(size).orElseThrow(
        () -> new LedgerException("no checkpoint of size " + size + " is stored"));
    SignedNote cosigned = cp.note().withSignature(cosigner);
    return await(writer.addSignatures(cp.checkpoint(), cosigned));
  }

  /**
   * Opens a signed checkpoint (for example one an auditor kept, or this ledger's latest) with
   * keys an auditor pinned, following the key rotations this ledger records (docs/FORMAT.md
   * §4.1): the key records before the checkpoint are replayed from the pinned keys, and each
   * one that changed the trust set must be included in the tree the checkpoint commits to.
   */
  public Checkpoint openCheckpoint(String noteText, List<VerifierKey> pinned)
      throws LedgerException {
    Checkpoint unverified = Checkpoint.parse(SignedNote.parse(noteText).body());
    if (unverified.size() > size()) {
      // Records it covers are gone (truncation): no inclusion proof can be built for them, so
      // only the pinned keys themselves can open it; the caller reports the truncation.
      return Checkpoint.open(noteText, pinned, origin);
    }
    return KeyHistory.openFollowingRotations(noteText, pinned, origin, keyEvidence(unverified.size()));
  }

  /** The key records before {@code treeSize}, each with its inclusion proof in that tree. */
  public List<KeyRecordProof> keyEvidence(long treeSize) throws LedgerException {
    checkSize(treeSize);
    List<KeyRecordProof> out = new ArrayList<>();
    synchronized (readLock) {
      // docs/FORMAT.md §4.1: key records are found from their signed bytes, never the kind column.
      try (PreparedStatement ps = readConn.prepareStatement("SELECT seq, body, sig FROM records"
          + " WHERE " + KeyHistory.KEY_CANDIDATES + " AND seq >= 0 AND seq < ? ORDER BY seq")) {
        ps.setLong(1, treeSize);
        ProofBuilder proofs = new ProofBuilder(new StoredSubtrees(readConn, path));
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            long seq = r.getLong(1);
            if (!KeyHistory.isKeyRecord(r.getBytes(2))) {
              continue;
            }
            out.add(new KeyRecordProof(seq, r.getBytes(2), r.getBytes(3),
                proofs.inclusion(seq, treeSize).path()));
          }
        }
      } catch (SQLException e) {
        throw SqliteStore.describe(path, "cannot read", e);
      }
    }
    return out;
  }

  private static <T> T await(CompletableFuture<T> f) throws LedgerException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted while waiting for the ledger", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof LedgerException le) {
        throw le;
      }
      throw new LedgerStorageException("ledger write failed: " + c, c);
    }
  }

  // ---------------------------------------------------------------- reads

  /** Number of records (the tree size). */
  public long size() throws LedgerException {
    synchronized (readLock) {
      try (Statement s = readConn.createStatement();
          ResultSet r = s.executeQuery("SELECT coalesce(max(seq), -1) + 1 FROM records")) {
        r.next();
        return r.getLong(1);
      } catch (SQLException e) {
        throw SqliteStore.describe(path, "cannot read", e);
      }
    }
  }

  public Optional<LedgerRecord> record(long seq) throws LedgerException {
    List<LedgerRecord> l = query("WHERE seq = ?", List.of(seq), 1);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  public Optional<LedgerRecord> record(Hash leafHash) throws LedgerException {
    List<LedgerRecord> l = query("WHERE leaf_hash = ?", List.of(leafHash.bytes()), 1);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  /**
   * Resolves a reference as users write it: a sequence number, {@code sha256:HASH} (or bare
   * hex), or {@code kind:name@version} / {@code kind:name} (latest).
   */
  public LedgerRecord resolve(String ref) throws LedgerException {
    RefResolver.Target t;
    synchronized (readLock) {
      t = new RefResolver(readConn, path).resolve(ref, "reference");
    }
    return record(t.seq()).orElseThrow(() -> new InvalidRecordException("reference", "not found"));
  }

  /** Filters for {@link #records}. Null fields match everything. */
  public record Query(String kind, String name, String since, long fromSeq, int limit) {
    public static Query all() {
      return new Query(null, null, null, 0, Integer.MAX_VALUE);
    }
  }

  /** Records matching {@code q}, in sequence order. */
  public List<LedgerRecord> records(Query q) throws LedgerException {
    StringBuilder where = new StringBuilder("WHERE seq >= ?");
    List<Object> args = new ArrayList<>();
    args.add(q.fromSeq());
    if (q.kind() != null) {
      where.append(" AND kind = ?");
      args.add(q.kind());
    }
    if (q.name() != null) {
      where.append(" AND name = ?");
      args.add(q.name());
    }
    if (q.since() != null) {
      where.append(" AND time >= ?");
      args.add(q.since());
    }
    return query(where.toString(), args, q.limit());
  }

  /** Streams every record from {@code fromSeq} in order, in constant memory. */
  public void forEach(long fromSeq, RecordConsumer consumer) throws LedgerException {
    long next = fromSeq;
    while (true) {
      List<LedgerRecord> page = query("WHERE seq >= ?", List.of(next), 512);
      for (LedgerRecord r : page) {
        consumer.accept(r);
      }
      if (page.size() < 512) {
        return;
      }
      next = page.get(page.size() - 1).seq() + 1;
    }
  }

  /** Receives records from {@link #forEach}; may throw to stop. */
  @FunctionalInterface
  public interface RecordConsumer {
    void accept(LedgerRecord r) throws LedgerException;
  }

  private List<LedgerRecord> query(String where, List<?> args, int limit) throws LedgerException {
    List<LedgerRecord> out = new ArrayList<>();
    synchronized (readLock) {
      try (PreparedStatement ps = readConn.prepareStatement(
          // §7: rows outside [0, size) are no records (verify reports them); never shown.
          "SELECT seq, leaf_hash, body, sig FROM records " + where + " AND seq >= 0 ORDER BY seq LIMIT ?")) {
        int i = 1;
        for (Object a : args) {
          ps.setObject(i++, a);
        }
        ps.setLong(i, limit);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            out.add(toRecord(r.getLong(1), r.getBytes(2), r.getBytes(3), r.getBytes(4)));
          }
        }
      } catch (SQLException e) {
        throw SqliteStore.describe(path, "cannot read", e);
      }
    }
    return out;
  }

  private LedgerRecord toRecord(long seq, byte[] leaf, byte[] body, byte[] sig) throws LedgerException {
    try {
      JsonNode n = CanonicalJson.parse(body);
      Envelope.Parsed p = Envelope.parse(n);
      return new LedgerRecord(seq, Hash.of(leaf), body, sig, p.kind(), p.actor(), p.time(),
          p.signer(), p.prev(), p.body());
    } catch (InvalidRecordException | IllegalArgumentException e) {
      throw new FormatException("record " + seq + " is unreadable (run 'ledger verify'): "
          + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- checkpoints and proofs

  public Optional<StoredCheckpoint> latestCheckpoint() throws LedgerException {
    synchronized (readLock) {
      try {
        return Optional.ofNullable(CheckpointTable.latest(readConn));
      } catch (SQLException e) {
        throw SqliteStore.describe(path, "cannot read", e);
      }
    }
  }

  public Optional<StoredCheckpoint> checkpoint(long size) throws LedgerException {
    synchronized (readLock) {
      try {
        return Optional.ofNullable(CheckpointTable.read(readConn, size));
      } catch (SQLException e) {
        throw SqliteStore.describe(path, "cannot read", e);
      }
    }
  }

  public List<StoredCheckpoint> checkpoints() throws LedgerException {
    synchronized (readLock) {
      try {
        return CheckpointTable.all(readConn);
      } catch (SQLException e) {
        throw SqliteStore.describe(path, "cannot read", e);
      }
    }
  }

  /** The RFC 9162 Merkle tree hash of the first {@code size} records. */
  public Hash root(long size) throws LedgerException {
    checkSize(size);
    synchronized (readLock) {
      return new ProofBuilder(new StoredSubtrees(readConn, path)).root(size);
    }
  }

  /**
   * The RFC 9162 §2.1.1 hash of the perfect subtree at height {@code level} and position {@code
   * index}: over records {@code [index * 2^level, (index + 1) * 2^level)}; level 0 is a leaf
   * hash. These are the hashes C2SP tlog-tiles serves (tile level L holds tree level 8L). A
   * point read of a stored node: the subtree must be complete in the current tree.
   */
  public Hash subtreeHash(int level, long index) throws LedgerException {
    if (level < 0 || level > 62 || index < 0 || index > (Long.MAX_VALUE >> level) - 1) {
      throw new InvalidRecordException("level", "subtree " + level + "/" + index + " is out of range");
    }
    long end = (index + 1) << level;
    long n = size();
    if (end > n) {
      throw new InvalidRecordException("index", "subtree " + level + "/" + index
          + " is not complete in a tree of size " + n);
    }
    synchronized (readLock) {
      return new StoredSubtrees(readConn, path).subtree(level, index);
    }
  }

  /** RFC 9162 §2.1.3 inclusion proof of record {@code seq} in the tree of {@code treeSize}. */
  public InclusionProof proveInclusion(long seq, long treeSize) throws LedgerException {
    checkSize(treeSize);
    if (seq < 0 || seq >= treeSize) {
      throw new InvalidRecordException("seq", "record " + seq + " is not in a tree of size " + treeSize);
    }
    synchronized (readLock) {
      return new ProofBuilder(new StoredSubtrees(readConn, path)).inclusion(seq, treeSize);
    }
  }

  /** RFC 9162 §2.1.4 consistency proof between two tree sizes. */
  public ConsistencyProof proveConsistency(long oldSize, long newSize) throws LedgerException {
    checkSize(newSize);
    if (oldSize < 0 || oldSize > newSize) {
      throw new InvalidRecordException("size", "old size " + oldSize + " must be between 0 and " + newSize);
    }
    synchronized (readLock) {
      return new ProofBuilder(new StoredSubtrees(readConn, path)).consistency(oldSize, newSize);
    }
  }

  private void checkSize(long size) throws LedgerException {
    long n = size();
    if (size < 0 || size > n) {
      throw new InvalidRecordException("size", "tree size " + size + " is outside 0.." + n);
    }
  }

  // ---------------------------------------------------------------- lineage

  /**
   * The upstream or downstream closure of record {@code seq}, up to {@code maxDepth} edges away
   * (0 or negative means unbounded). Breadth-first over the indexed edge table, so the cost is
   * proportional to the size of the closure, not the ledger.
   */
  public LineageGraph lineage(long seq, LineageDirection dir, int maxDepth) throws LedgerException {
    Map<Long, LineageGraph.Node> nodes = new HashMap<>();
    List<LineageGraph.Link> links = new ArrayList<>();
    boolean truncated = false;
    // One statement per distinct frontier chunk size, reused across levels: preparing a
    // statement per level dominated deep closures (a 10,000-level chain spent ~70% of its time
    // in sqlite3_prepare).
    Map<Integer, PreparedStatement> byChunkSize = new HashMap<>();
    synchronized (readLock) {
      try {
        LineageGraph.Node root = node(seq, 0);
        if (root == null) {
          throw new InvalidRecordException("seq", "record " + seq + " does not exist");
        }
        nodes.put(seq, root);
        List<Long> frontier = List.of(seq);
        int depth = 0;
        String from = dir == LineageDirection.UPSTREAM ? "dst" : "src";
        while (!frontier.isEmpty()) {
          if (maxDepth > 0 && depth >= maxDepth) {
            truncated = true;
            break;
          }
          depth++;
          List<Long> next = new ArrayList<>();
          for (int i = 0; i < frontier.size(); i += 500) {
            List<Long> chunk = frontier.subList(i, Math.min(frontier.size(), i + 500));
            PreparedStatement ps = byChunkSize.get(chunk.size());
            if (ps == null) {
              String in = String.join(",", Collections.nCopies(chunk.size(), "?"));
              ps = readConn.prepareStatement(
                  "SELECT e.src, e.dst, e.role, r.seq, r.kind, r.name, r.version, r.leaf_hash"
                      + " FROM edges e JOIN records r ON r.seq = e." + (from.equals("dst") ? "src" : "dst")
                      + " WHERE e." + from + " IN (" + in + ")"
                      + " AND e.record_seq >= 0 AND e.src >= 0 AND e.dst >= 0 AND r.seq >= 0");
              byChunkSize.put(chunk.size(), ps);
            }
            for (int j = 0; j < chunk.size(); j++) {
              ps.setLong(j + 1, chunk.get(j));
            }
            try (ResultSet r = ps.executeQuery()) {
              while (r.next()) {
                links.add(new LineageGraph.Link(r.getLong(1), r.getLong(2), r.getString(3)));
                long other = r.getLong(4);
                if (!nodes.containsKey(other)) {
                  nodes.put(other, new LineageGraph.Node(other, r.getString(5), r.getString(6),
                      r.getString(7), depth, Hash.of(r.getBytes(8))));
                  next.add(other);
                }
              }
            }
          }
          frontier = next;
        }
      } catch (SQLException e) {
        throw SqliteStore.describe(path, "cannot read", e);
      } finally {
        for (PreparedStatement ps : byChunkSize.values()) {
          try {
            ps.close();
          } catch (SQLException ignored) {
            // closing a read statement cannot lose data
          }
        }
      }
    }
    return new LineageGraph(seq, dir, nodes, dedupe(links), truncated);
  }

  private static List<LineageGraph.Link> dedupe(List<LineageGraph.Link> links) {
    return new ArrayList<>(new java.util.LinkedHashSet<>(links));
  }

  private LineageGraph.Node node(long seq, int depth) throws SQLException {
    try (PreparedStatement ps = readConn.prepareStatement(
        "SELECT kind, name, version, leaf_hash FROM records WHERE seq = ? AND seq >= 0")) {
      ps.setLong(1, seq);
      try (ResultSet r = ps.executeQuery()) {
        return r.next() ? new LineageGraph.Node(seq, r.getString(1), r.getString(2),
            r.getString(3), depth, Hash.of(r.getBytes(4))) : null;
      }
    }
  }

  // ---------------------------------------------------------------- sync state

  /**
   * A value stored beside the chain, not inside it, under {@code name} (table {@code
   * sync_state}): for example the cursor of a Purview sync. Not hashed, signed or verified.
   */
  public Optional<String> syncState(String name) throws LedgerException {
    synchronized (readLock) {
      try (PreparedStatement ps = readConn.prepareStatement(
          "SELECT value FROM sync_state WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet r = ps.executeQuery()) {
          return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
        }
      } catch (SQLException e) {
        throw SqliteStore.describe(path, "cannot read", e);
      }
    }
  }

  /**
   * Sets the sync-state value {@code name} to {@code value} if it currently is {@code expected}
   * ({@code null}: absent), durably, in one transaction. Returns false, changing nothing, when
   * another writer changed it first, so two syncs of one ledger cannot move a cursor backwards.
   * Needs a writable ledger.
   */
  public boolean compareAndSetSyncState(String name, String expected, String value)
      throws LedgerException {
    if (writeConn == null) {
      throw new LedgerException("the ledger is open read-only");
    }
    if (name == null || value == null) {
      throw new IllegalArgumentException("sync state name and value are required");
    }
    synchronized (syncStateLock) {
      try {
        // Its own connection: the writer thread owns writeConn's transactions.
        if (syncStateConn == null) {
          syncStateConn = SqliteStore.connect(new SqliteStore.ConnectionSpec(path,
              options.durability(), options.busyTimeoutMillis(), false), true, false);
        }
        Connection c = syncStateConn;
        c.setAutoCommit(false);
        try {
          String current = null;
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT value FROM sync_state WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet r = ps.executeQuery()) {
              if (r.next()) {
                current = r.getString(1);
              }
            }
          }
          if (!java.util.Objects.equals(current, expected)) {
            c.rollback();
            return false;
          }
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO sync_state(name, value) VALUES (?, ?)"
                  + " ON CONFLICT(name) DO UPDATE SET value = excluded.value")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeUpdate();
          }
          c.commit();
          return true;
        } catch (SQLException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw SqliteStore.describe(path, "cannot write sync state to", e);
      }
    }
  }

  // ---------------------------------------------------------------- verification

  /**
   * Verifies the ledger (everything, or incrementally from a trusted checkpoint) in constant
   * memory on its own read snapshot. Returns the report when the ledger is intact; throws
   * {@link LedgerVerificationException} carrying the report when it is not.
   */
  public VerificationReport verify(VerifyOptions opts) throws LedgerException {
    VerificationReport report;
    try (Connection c = SqliteStore.connect(new SqliteStore.ConnectionSpec(path,
        options.durability(), options.busyTimeoutMillis(), true), false, false)) {
      report = new LedgerVerifier(c, path, origin, mode, opts).run();
    } catch (SQLException e) {
      throw SqliteStore.describe(path, "cannot verify", e);
    }
    if (!report.ok()) {
      throw new LedgerVerificationException(report);
    }
    return report;
  }

  /**
   * Stops the writer after committing everything queued, then closes the file. Idempotent and
   * safe to call from a shutdown hook.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (writer != null) {
      writer.close();
    }
    closeQuietly(writeConn);
    synchronized (syncStateLock) {
      closeQuietly(syncStateConn);
      syncStateConn = null;
    }
    synchronized (readLock) {
      closeQuietly(readConn);
    }
  }

  @Override
  public String toString() {
    return "Ledger[" + path + ", origin " + origin + ", " + mode.id() + "]";
  }

}
