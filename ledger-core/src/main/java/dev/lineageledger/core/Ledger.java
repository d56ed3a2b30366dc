package dev.lineageledger.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.internal.Envelope;
import dev.lineageledger.core.internal.KeyHistory;
import dev.lineageledger.core.internal.LedgerStore;
import dev.lineageledger.core.internal.LedgerVerifier;
import dev.lineageledger.core.internal.LedgerWriter;
import dev.lineageledger.core.internal.PostgresLedgerStore;
import dev.lineageledger.core.internal.PostgresLocation;
import dev.lineageledger.core.internal.ProofBuilder;
import dev.lineageledger.core.internal.RefResolver;
import dev.lineageledger.core.internal.SignedHistory;
import dev.lineageledger.core.internal.SqliteLedgerStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * An append-only, hash-chained, Merkle-committed ledger of lineage records, in one SQLite file
 * or in one schema of a PostgreSQL database (same records, checkpoints, proofs and
 * verification). A thin facade: storage is behind an internal store interface, appends go
 * through one writer. Thread-safe: any number of threads may append concurrently (their
 * records are group-committed by one writer thread) and query at the same time. Several
 * processes may append to one file; any number of processes on any machines to one PostgreSQL
 * ledger.
 *
 * <pre>{@code
 * try (Ledger ledger = Ledger.open(path, LedgerOptions.builder().checkpointSigner(key).build())) {
 *   Receipt r = ledger.append(RecordDraft.fromJson(json));
 * }
 * }</pre>
 *
 * <p>A location is a file path or {@code postgresql://USER@HOST[:PORT]/DATABASE[?schema=NAME]}
 * (docs/FORMAT.md §7.3); the password of a PostgreSQL ledger comes from {@link
 * LedgerOptions#passwordSupplier()}, never from the location.
 */
public final class Ledger implements AutoCloseable {
  /** docs/FORMAT.md §5: 1..255 printable ASCII characters, no space, no '+' anywhere. */
  private static final Pattern ORIGIN = Pattern.compile("[\\x21-\\x7e&&[^+]]{1,255}");

  /** The file of a file ledger; null for a PostgreSQL ledger. */
  private final Path path;
  private final String location;
  private final String origin;
  private final SigningMode mode;
  private final LedgerStore store;
  private final LedgerWriter writer;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private Ledger(Path path, LedgerOptions options, LedgerStore store, boolean checkKeyHistory)
      throws LedgerException {
    this.path = path;
    this.location = store.location();
    this.store = store;
    boolean writable = !store.isReadOnly();
    Map<String, String> meta;
    try (LedgerStore.Reader r = store.read()) {
      meta = r.meta();
    }
    this.origin = meta.get("origin");
    String m = meta.get("signing_mode");
    if (origin == null || m == null) {
      throw new LedgerStorageException(LedgerStorageException.Reason.NOT_A_LEDGER,
          location + " is missing its ledger metadata (origin, signing_mode)", null);
    }
    try {
      this.mode = SigningMode.fromId(m);
    } catch (IllegalArgumentException e) {
      throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT,
          location + " has an unknown signing mode '" + dev.lineageledger.core.internal.TextRules.escape(m) + "' in ledger_meta", null);
    }
    // docs/FORMAT.md §7.1: nothing signs ledger_meta, so its fixed values are checked on open
    // and everything else in it is re-derived from signed data (verification, SignedHistory).
    if (!"lineage-ledger".equals(meta.get("format"))
        || !String.valueOf(Envelope.FORMAT_VERSION).equals(meta.get("format_version"))) {
      throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, location
          + " has ledger_meta format '" + dev.lineageledger.core.internal.TextRules.escape(meta.get("format")) + "' version '"
          + dev.lineageledger.core.internal.TextRules.escape(meta.get("format_version")) + "'; this build reads lineage-ledger"
          + " version " + Envelope.FORMAT_VERSION, null);
    }
    if (writable && !ORIGIN.matcher(origin).matches()) {
      // A writer would sign checkpoints naming it; verification reports it (ledger-meta).
      throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, location
          + " has an invalid origin '" + dev.lineageledger.core.internal.TextRules.escape(origin)
          + "' in ledger_meta (docs/FORMAT.md §5)", null);
    }
    if (writable && checkKeyHistory) {
      List<VerifierKey> signing = new ArrayList<>();
      options.checkpointSigner().ifPresent(k -> signing.add(k.verifierKey()));
      options.recordSigner().filter(k -> !signing.contains(k.verifierKey()))
          .ifPresent(k -> signing.add(k.verifierKey()));
      try (LedgerStore.Reader r = store.read()) {
        SignedHistory.checkWriter(r, location, origin, mode, signing);
      }
    }
    this.writer = writable
        ? new LedgerWriter(store, origin, options, mode == SigningMode.PER_RECORD) : null;
  }

  /**
   * Creates a new ledger file. {@code origin} names the log in its checkpoints (C2SP
   * tlog-checkpoint: a schema-less URL such as {@code example.com/ml/fraud}).
   */
  public static Ledger create(Path path, String origin, SigningMode mode, LedgerOptions options)
      throws LedgerException {
    SqliteLedgerStore.create(path, options.durability(), options.busyTimeoutMillis(),
        newMeta(origin, mode, options)).close();
    return open(path, options);
  }

  /**
   * Creates a new ledger at {@code location}: a file path, or a PostgreSQL schema ({@code
   * postgresql://USER@HOST[:PORT]/DATABASE[?schema=NAME]}, created with the ledger's tables in
   * one transaction; it must not exist yet).
   */
  public static Ledger create(String location, String origin, SigningMode mode,
      LedgerOptions options) throws LedgerException {
    if (!PostgresLocation.isPostgres(location)) {
      return create(Path.of(location), origin, mode, options);
    }
    PostgresLedgerStore.create(PostgresLocation.parse(location), options.durability(),
        options.busyTimeoutMillis(), options.passwordSupplier(), newMeta(origin, mode, options))
        .close();
    return open(location, options);
  }

  /** The ledger_meta rows of a new ledger (docs/FORMAT.md §7.1), after checking its origin. */
  private static List<String[]> newMeta(String origin, SigningMode mode, LedgerOptions options)
      throws InvalidRecordException {
    if (origin == null || !ORIGIN.matcher(origin).matches()) {
      throw new InvalidRecordException("origin", "must be 1..255 printable ASCII characters without"
          + " spaces or '+', like example.com/ml/ledger");
    }
    if (options.isReadOnly()) {
      throw new IllegalArgumentException("cannot create a ledger read-only");
    }
    return List.of(
        new String[] {"format", "lineage-ledger"},
        new String[] {"format_version", String.valueOf(Envelope.FORMAT_VERSION)},
        new String[] {"origin", origin},
        new String[] {"signing_mode", mode.id()},
        new String[] {"created", Envelope.formatTime(Instant.now())});
  }

  /** Opens an existing ledger file. */
  public static Ledger open(Path path, LedgerOptions options) throws LedgerException {
    return open(path, options, true);
  }

  /** Opens an existing ledger: a file path or a PostgreSQL location (see {@link #create(String, String, SigningMode, LedgerOptions)}). */
  public static Ledger open(String location, LedgerOptions options) throws LedgerException {
    return open(location, options, true);
  }

  /**
   * Tests only: opens without checking the signing key against the ledger's key history, to
   * play an attacker writing with their own tooling (verification must catch the result).
   */
  static Ledger openAsAttacker(Path path, LedgerOptions options) throws LedgerException {
    return open(path, options, false);
  }

  private static Ledger open(String location, LedgerOptions options, boolean checkKeyHistory)
      throws LedgerException {
    if (!PostgresLocation.isPostgres(location)) {
      return open(Path.of(location), options, checkKeyHistory);
    }
    LedgerStore store = PostgresLedgerStore.open(PostgresLocation.parse(location),
        options.durability(), options.busyTimeoutMillis(), options.passwordSupplier(),
        options.isReadOnly());
    return open(null, options, store, checkKeyHistory);
  }

  private static Ledger open(Path path, LedgerOptions options, boolean checkKeyHistory)
      throws LedgerException {
    return open(path, options, SqliteLedgerStore.open(path, options.durability(),
        options.busyTimeoutMillis(), options.isReadOnly()), checkKeyHistory);
  }

  private static Ledger open(Path path, LedgerOptions options, LedgerStore store,
      boolean checkKeyHistory) throws LedgerException {
    try {
      return new Ledger(path, options, store, checkKeyHistory);
    } catch (LedgerException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * The file of a file ledger.
   *
   * @throws IllegalStateException for a PostgreSQL ledger, which has no file: see {@link #location()}
   */
  public Path path() {
    if (path == null) {
      throw new IllegalStateException(location + " is a PostgreSQL ledger: it has no file");
    }
    return path;
  }

  /**
   * Where the ledger is, for messages: its file path, or its PostgreSQL location ({@code
   * postgresql://USER@HOST:PORT/DATABASE?schema=NAME}), never with a password.
   */
  public String location() {
    return location;
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

  /** Commit groups built ahead that were built again because another process appended first. */
  long rebuiltGroups() {
    return writer == null ? 0 : writer.rebuiltGroups();
  }

  public CompletableFuture<List<Receipt>> appendAllAsync(List<RecordDraft> drafts) {
    if (writer == null) {
      return CompletableFuture.failedFuture(
          new LedgerException("the ledger is open read-only"));
    }
    if (drafts.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return writer.submit(drafts, drafts.stream().map(RecordDraft::bodyNoCopy).toList());
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
    try (LedgerStore.Reader r = store.read()) {
      checkSize(r, treeSize);
    }
    List<KeyRecordProof> out = new ArrayList<>();
    try (LedgerStore.Reader r = store.read()) {
      // docs/FORMAT.md §4.1: key records are found from their signed bytes, never the kind column.
      ProofBuilder proofs = new ProofBuilder(r);
      r.scanKeyCandidates(0, treeSize, row -> {
        if (KeyHistory.isKeyRecord(row.body())) {
          out.add(new KeyRecordProof(row.seq(), row.body(), row.sig(),
              proofs.inclusion(row.seq(), treeSize).path()));
        }
      });
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
    try (LedgerStore.Reader r = store.read()) {
      return r.size();
    }
  }

  public Optional<LedgerRecord> record(long seq) throws LedgerException {
    try (LedgerStore.Reader r = store.read()) {
      LedgerStore.LogRow row = seq >= 0 && seq < r.size() ? r.row(seq) : null;
      return row == null ? Optional.empty() : Optional.of(toRecord(row));
    }
  }

  public Optional<LedgerRecord> record(Hash leafHash) throws LedgerException {
    try (LedgerStore.Reader r = store.read()) {
      RefResolver.Target t = r.byHash(leafHash);
      LedgerStore.LogRow row = t == null ? null : r.row(t.seq());
      return row == null ? Optional.empty() : Optional.of(toRecord(row));
    }
  }

  /**
   * Resolves a reference as users write it: a sequence number, {@code sha256:HASH} (or bare
   * hex), or {@code kind:name@version} / {@code kind:name} (latest).
   */
  public LedgerRecord resolve(String ref) throws LedgerException {
    try (LedgerStore.Reader r = store.read()) {
      RefResolver.Target t = new RefResolver(r).resolve(ref, "reference");
      LedgerStore.LogRow row = r.row(t.seq());
      if (row == null) {
        throw new InvalidRecordException("reference", "not found");
      }
      return toRecord(row);
    }
  }

  /**
   * The record a reference names, as {@link #resolve} reads it, or empty if it names none; a
   * string that is not a reference at all is refused with an {@link InvalidRecordException}.
   */
  public Optional<LedgerRecord> find(String ref) throws LedgerException {
    try (LedgerStore.Reader r = store.read()) {
      RefResolver.Target t = new RefResolver(r).find(ref, "reference");
      LedgerStore.LogRow row = t == null ? null : r.row(t.seq());
      return row == null ? Optional.empty() : Optional.of(toRecord(row));
    }
  }

  /** Filters for {@link #records}. Null fields match everything. */
  public record Query(String kind, String name, String since, long fromSeq, int limit) {
    public static Query all() {
      return new Query(null, null, null, 0, Integer.MAX_VALUE);
    }
  }

  /** Records matching {@code q}, in sequence order. */
  public List<LedgerRecord> records(Query q) throws LedgerException {
    try (LedgerStore.Reader r = store.read()) {
      List<LedgerRecord> out = new ArrayList<>();
      for (LedgerStore.LogRow row : r.query(
          new LedgerStore.Query(q.kind(), q.name(), q.since(), q.fromSeq(), q.limit()))) {
        out.add(toRecord(row));
      }
      return out;
    }
  }

  /** Streams every record from {@code fromSeq} in order, in constant memory. */
  public void forEach(long fromSeq, RecordConsumer consumer) throws LedgerException {
    long next = fromSeq;
    while (true) {
      List<LedgerRecord> page = records(new Query(null, null, null, next, 512));
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

  private static LedgerRecord toRecord(LedgerStore.LogRow row) throws LedgerException {
    long seq = row.seq();
    byte[] leaf = row.leafHash();
    byte[] body = row.body();
    byte[] sig = row.sig();
    if (leaf == null || leaf.length != Hash.SIZE || body == null) {
      throw new FormatException("record " + seq + " is unreadable (run 'ledger verify')");
    }
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
    try (LedgerStore.Reader r = store.read()) {
      return Optional.ofNullable(r.latestCheckpoint());
    }
  }

  public Optional<StoredCheckpoint> checkpoint(long size) throws LedgerException {
    try (LedgerStore.Reader r = store.read()) {
      return Optional.ofNullable(r.checkpoint(size));
    }
  }

  public List<StoredCheckpoint> checkpoints() throws LedgerException {
    try (LedgerStore.Reader r = store.read()) {
      return r.checkpoints();
    }
  }

  /** The RFC 9162 Merkle tree hash of the first {@code size} records. */
  public Hash root(long size) throws LedgerException {
    try (LedgerStore.Reader r = store.read()) {
      checkSize(r, size);
      return new ProofBuilder(r).root(size);
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
    try (LedgerStore.Reader r = store.read()) {
      long n = r.size();
      if (end > n) {
        throw new InvalidRecordException("index", "subtree " + level + "/" + index
            + " is not complete in a tree of size " + n);
      }
      return r.subtree(level, index);
    }
  }

  /** RFC 9162 §2.1.3 inclusion proof of record {@code seq} in the tree of {@code treeSize}. */
  public InclusionProof proveInclusion(long seq, long treeSize) throws LedgerException {
    try (LedgerStore.Reader r = store.read()) {
      checkSize(r, treeSize);
      if (seq < 0 || seq >= treeSize) {
        throw new InvalidRecordException("seq", "record " + seq + " is not in a tree of size " + treeSize);
      }
      return new ProofBuilder(r).inclusion(seq, treeSize);
    }
  }

  /** RFC 9162 §2.1.4 consistency proof between two tree sizes. */
  public ConsistencyProof proveConsistency(long oldSize, long newSize) throws LedgerException {
    try (LedgerStore.Reader r = store.read()) {
      checkSize(r, newSize);
      if (oldSize < 0 || oldSize > newSize) {
        throw new InvalidRecordException("size", "old size " + oldSize + " must be between 0 and " + newSize);
      }
      return new ProofBuilder(r).consistency(oldSize, newSize);
    }
  }

  private static void checkSize(LedgerStore.Reader r, long size) throws LedgerException {
    long n = r.size();
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
    try (LedgerStore.Reader r = store.read()) {
      RefResolver.Target root = r.bySeq(seq);
      if (root == null) {
        throw new InvalidRecordException("seq", "record " + seq + " does not exist");
      }
      LedgerStore.LogRow rootRow = r.row(seq);
      nodes.put(seq, new LineageGraph.Node(seq, rootRow.kind(), rootRow.name(), rootRow.version(),
          0, root.hash()));
      List<Long> frontier = List.of(seq);
      int depth = 0;
      while (!frontier.isEmpty()) {
        if (maxDepth > 0 && depth >= maxDepth) {
          truncated = true;
          break;
        }
        depth++;
        List<Long> next = new ArrayList<>();
        for (LedgerStore.Link l : r.links(frontier, dir == LineageDirection.UPSTREAM)) {
          links.add(new LineageGraph.Link(l.src(), l.dst(), l.role()));
          if (!nodes.containsKey(l.other())) {
            nodes.put(l.other(), new LineageGraph.Node(l.other(), l.kind(), l.name(), l.version(),
                depth, l.otherHash()));
            next.add(l.other());
          }
        }
        frontier = next;
      }
    }
    return new LineageGraph(seq, dir, nodes, dedupe(links), truncated);
  }

  private static List<LineageGraph.Link> dedupe(List<LineageGraph.Link> links) {
    return new ArrayList<>(new java.util.LinkedHashSet<>(links));
  }

  // ---------------------------------------------------------------- sync state

  /**
   * A value stored beside the chain, not inside it, under {@code name} (table {@code
   * sync_state}): for example the cursor of a Purview sync. Not hashed, signed or verified.
   */
  public Optional<String> syncState(String name) throws LedgerException {
    try (LedgerStore.Reader r = store.read()) {
      return r.syncState(name);
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
    if (writer == null) {
      throw new LedgerException("the ledger is open read-only");
    }
    if (name == null || value == null) {
      throw new IllegalArgumentException("sync state name and value are required");
    }
    return store.compareAndSetSyncState(name, expected, value);
  }

  // ---------------------------------------------------------------- verification

  /**
   * Verifies the ledger (everything, or incrementally from a trusted checkpoint) in constant
   * memory on its own read snapshot. Returns the report when the ledger is intact; throws
   * {@link LedgerVerificationException} carrying the report when it is not.
   */
  public VerificationReport verify(VerifyOptions opts) throws LedgerException {
    VerificationReport report;
    try (LedgerStore.Reader r = store.read()) {
      report = new LedgerVerifier(r, origin, mode, opts).run();
    }
    if (!report.ok()) {
      throw new LedgerVerificationException(report);
    }
    return report;
  }

  /**
   * Copies this ledger into a new ledger at {@code destination} (a file path or a PostgreSQL
   * location, so either backend to either), checking every record and checkpoint on the way:
   * one read snapshot of this ledger is verified with {@code trust} first (a ledger that fails
   * is not copied: {@link LedgerVerificationException}); its log and checkpoints are then copied
   * byte for byte, in transactions of a few thousand records that each end on a checkpoint, and
   * the copy is verified with the same {@code trust} and must hold the same signed checkpoints.
   * The copy has this ledger's origin, signing mode and creation time; its signing key is this
   * ledger's. {@code progress} (may be null) hears of the records copied. Returns the copy's
   * verification report.
   *
   * @param destinationOptions how the copy is created (durability, password); its keys are not
   *     used
   * @throws LedgerStorageException if the destination exists, or the copy stopped (the
   *     destination then holds a verifiable prefix, named in the message)
   */
  public VerificationReport copyTo(String destination, LedgerOptions destinationOptions,
      VerifyOptions trust, VerifyOptions.ProgressListener progress)
      throws LedgerException {
    List<String> sourceNotes = new ArrayList<>();
    LedgerStore copy;
    try (LedgerStore.Reader r = store.read()) {
      VerificationReport checked = new LedgerVerifier(r, origin, mode, trust).run();
      if (!checked.ok()) {
        throw new LedgerVerificationException(checked);
      }
      List<String[]> meta = new ArrayList<>();
      r.meta().forEach((k, v) -> meta.add(new String[] {k, v}));
      copy = PostgresLocation.isPostgres(destination)
          ? PostgresLedgerStore.create(PostgresLocation.parse(destination),
              destinationOptions.durability(), destinationOptions.busyTimeoutMillis(),
              destinationOptions.passwordSupplier(), meta)
          : SqliteLedgerStore.create(Path.of(destination), destinationOptions.durability(),
              destinationOptions.busyTimeoutMillis(), meta);
      try {
        dev.lineageledger.core.internal.StoreCopy.copy(r, checked.size(), copy, progress);
      } catch (LedgerException | RuntimeException e) {
        throw new LedgerStorageException(LedgerStorageException.Reason.IO, "the copy to "
            + copy.location() + " stopped: " + e.getMessage() + "; it holds a verifiable prefix of"
            + " this ledger: remove it before copying again", e);
      } finally {
        copy.close();
      }
      for (LedgerStore.CheckpointRow c : r.checkpointRows()) {
        if (c.size() <= checked.size()) {
          sourceNotes.add(c.noteText());
        }
      }
    }
    try (Ledger l = open(destination, LedgerOptions.builder().readOnly(true)
        .durability(destinationOptions.durability())
        .busyTimeoutMillis(destinationOptions.busyTimeoutMillis())
        .passwordSupplier(destinationOptions.passwordSupplier()).build())) {
      VerificationReport report = l.verify(trust);
      List<String> copied = new ArrayList<>();
      try (LedgerStore.Reader r = l.store.read()) {
        for (LedgerStore.CheckpointRow c : r.checkpointRows()) {
          copied.add(c.noteText());
        }
      }
      if (!copied.equals(sourceNotes)) {
        throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, "the copy at "
            + l.location() + " does not hold the same signed checkpoints as " + location, null);
      }
      return report;
    }
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
    store.close();
  }

  @Override
  public String toString() {
    return "Ledger[" + location + ", origin " + origin + ", " + mode.id() + "]";
  }

}
