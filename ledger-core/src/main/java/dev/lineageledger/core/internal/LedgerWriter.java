package dev.lineageledger.core.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.CompactRange;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.LedgerStorageException;
import dev.lineageledger.core.MerkleTree;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.SignedNote;
import dev.lineageledger.core.Signer;
import dev.lineageledger.core.StoredCheckpoint;
import java.time.Instant;
import static dev.lineageledger.core.internal.LedgerStore.StopScan.STOP;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The single writer: group commit of concurrent appends, pipelined. Callers validate their
 * drafts (and canonicalise bodies without references) and enqueue them; this thread takes
 * everything queued (up to a batch limit) as one group, resolves references, assigns sequence
 * numbers, builds the hash chain strictly in order and starts signing the records in parallel,
 * while the group before it commits on the committer thread. The group's transaction then
 * inserts it with its checkpoint (signed ahead when the policy says so) and commits. Only then
 * are the receipts released.
 *
 * <p>Other processes may append to the same file: a group built ahead commits only on the tail
 * it was built on, and is built again inside its transaction ({@code BEGIN IMMEDIATE}, SQLite's
 * write lock, which re-reads the tail) when the tail moved, so sequence numbers are never
 * reused and the chain never forks.
 */
public final class LedgerWriter implements AutoCloseable {
  private static final int QUEUE_CAPACITY = 16_384;

  /**
   * One caller's submission, committed all-or-nothing.
   * {@code bodies} are the validated bodies: the draft's own where it has no references (read
   * only), else a copy, in which the writer resolves the references {@code slots} point to in
   * place (at most one deep copy per record beyond the draft's own). {@code
   * canonicalBodies} holds, for a body without references, its canonical bytes, computed once on
   * the caller's thread (null where the writer fills in references first).
   */
  private record Unit(List<RecordDraft> drafts, List<ObjectNode> bodies,
      List<List<RecordSchema.RefSlot>> slots, List<byte[]> canonicalBodies,
      boolean checkpoint, CompletableFuture<List<Receipt>> receipts,
      CompletableFuture<StoredCheckpoint> checkpointDone, Checkpoint cosigned, SignedNote cosignedNote,
      boolean acceptTail) {
    Unit(List<RecordDraft> drafts, List<ObjectNode> bodies, List<List<RecordSchema.RefSlot>> slots,
        List<byte[]> canonicalBodies, boolean checkpoint,
        CompletableFuture<List<Receipt>> receipts, CompletableFuture<StoredCheckpoint> checkpointDone) {
      this(drafts, bodies, slots, canonicalBodies, checkpoint, receipts, checkpointDone, null, null,
          false);
    }

    /** A checkpoint the policy wants (timer, close, open): skipped when nothing is uncovered. */
    static Unit policyCheckpoint() {
      return new Unit(List.of(), List.of(), List.of(), List.of(), true, null, null);
    }

    boolean isPolicyCheckpoint() {
      return checkpoint && checkpointDone == null;
    }

    boolean isCosign() {
      return cosignedNote != null;
    }

    /** A checkpoint signed now (not the policy's, not a cosignature). */
    boolean isRequestedCheckpoint() {
      return checkpoint && checkpointDone != null && cosignedNote == null;
    }
  }

  /** A record built in the current batch. */
  private record Built(long seq, Hash leaf, byte[] canonical, byte[] body, String kind,
      String name, String version, String actor, String time, String signer, byte[] nodes,
      List<Edge> edges, byte[][] sigOut, Receipt existing) {
    static Built existing(Receipt r) {
      return new Built(-1, null, null, null, null, null, null, null, null, null, null, null, null,
          r);
    }
  }

  private static final Unit POISON =
      new Unit(List.of(), List.of(), List.of(), List.of(), false, null, null);

  private final LedgerStore store;
  private final String path;
  private final String origin;
  private final LedgerOptions options;
  private final Signer recordSigner;
  private final Signer checkpointSigner;
  private final String recordSignerId;
  /**
   * Whether each record signature is verified before it is stored: for every signer but the
   * in-process {@link dev.lineageledger.core.Ed25519Signer} (see {@link #signRange}).
   */
  private final boolean checkRecordSignatures;
  private final boolean perRecordMode;
  private final BlockingQueue<Unit> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Parallel signing;
  /** Runs the transactions of groups built ahead, so the next group builds meanwhile. */
  private final java.util.concurrent.ExecutorService committer;
  /** Groups built ahead that had to be built again (another process appended): for tests. */
  private volatile long rebuiltGroups;
  private final Thread thread;
  private final RefResolver resolver;
  private volatile boolean closing;
  private volatile Throwable fatal;

  // Tail state, owned by the writer thread. size < 0 means "unknown, re-read".
  private long size = -1;
  private Hash lastLeaf;
  private CompactRange range;
  private long lastCheckpointSize;
  private long uncoveredSinceNanos = -1;
  /**
   * Records after the last checkpoint that this process did not build and could not
   * authenticate ({@code -1}: none): the first of them. The writer signs no checkpoint over
   * them, and appends nothing after them, until an operator accepts them.
   */
  private long foreignTailFrom = -1;
  /**
   * The ledger size up to which the signed key history was checked for this writer's keys
   * (SignedHistory: by Ledger on open, then here whenever another process appended key records).
   */
  private long keysCheckedSize;
  /**
   * The last batch failed because another writer held the lock for the whole busy timeout. The
   * checkpoint on close is then skipped: waiting a second busy timeout for a lock that was just
   * not released would double the caller's wait (and the records it did commit are durable).
   */
  private boolean lastBatchTimedOutOnLock;

  /**
   * Records committed before this size are in the store's index (as last seen). Written by
   * whichever thread runs a catch-up: the committer for one started after a pipelined commit
   * ({@link #indexing}), else this writer's thread, which first waits for that one.
   */
  private volatile long indexedSize;
  /**
   * A catch-up running on the committer thread, or null: it uses the store's write connection,
   * so this thread waits for it ({@link #awaitIndexing}) before using that connection itself.
   */
  private Future<?> indexing;

  public LedgerWriter(LedgerStore store, String origin, LedgerOptions options, boolean perRecord) {
    this.store = store;
    this.path = store.location();
    this.origin = origin;
    this.options = options;
    this.checkpointSigner = options.checkpointSigner().orElse(null);
    this.perRecordMode = perRecord;
    this.recordSigner = options.recordSigner().orElse(null);
    this.recordSignerId = recordSigner == null ? null
        : recordSigner.verifierKey().name() + "+" + recordSigner.verifierKey().keyId().hex();
    this.checkRecordSignatures = !(recordSigner instanceof dev.lineageledger.core.Ed25519Signer);
    this.signing = new Parallel(perRecord && recordSigner != null ? options.signingThreads() : 1,
        "ledger-signer");
    this.resolver = new RefResolver(null);
    this.committer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ledger-commit");
      t.setDaemon(true);
      return t;
    });
    this.thread = new Thread(this::run, "ledger-writer");
    this.thread.setDaemon(true);
    long[] sizes = sizes(store);
    this.keysCheckedSize = sizes[0];
    this.indexedSize = sizes[2];
    if (checkpointSigner != null && perRecord && sizes[0] > sizes[1]) {
      // A crash or a full disk can leave records after the last checkpoint; the first writer
      // that opens the ledger with the key covers them (once their signatures verified, see
      // foreignTail), so that verification of an honest ledger does not report an uncovered
      // tail for longer than one open. Only then: asking for the write lock on every open would
      // make a writer that finds the lock held wait twice (this checkpoint, then its own
      // append), not the --lock-timeout it was given. Never in checkpoint-only mode: there an
      // uncovered tail carries no signature, so nothing tells it from an insertion by whoever
      // can write the file (docs/FORMAT.md §9); only an operator's explicit acceptance covers it.
      queue.add(Unit.policyCheckpoint());
    }
    this.thread.start();
  }

  /**
   * Validates and enqueues drafts; the future completes once they are durable. {@code
   * draftBodies} are the drafts' own bodies, read but never modified here: a body with
   * references is copied once, because the writer resolves them in place; one without is
   * canonicalised as it is.
   */
  public CompletableFuture<List<Receipt>> submit(List<RecordDraft> drafts,
      List<ObjectNode> draftBodies) {
    CompletableFuture<List<Receipt>> f = new CompletableFuture<>();
    List<List<RecordSchema.RefSlot>> slots = new ArrayList<>(drafts.size());
    List<ObjectNode> bodies = new ArrayList<>(drafts.size());
    List<byte[]> canonical = new ArrayList<>(drafts.size());
    try {
      for (int i = 0; i < drafts.size(); i++) {
        RecordDraft d = drafts.get(i);
        try {
          ObjectNode body = draftBodies.get(i);
          List<RecordSchema.RefSlot> s = RecordSchema.validate(d.kind(), body);
          slots.add(s);
          bodies.add(s.isEmpty() ? body : body.deepCopy()); // slots address fields, not nodes
          // Validated above, so representable; at depth 2, where the envelope holds it.
          canonical.add(s.isEmpty() ? CanonicalJson.canonicalize(body, 2) : null);
        } catch (InvalidRecordException e) {
          throw drafts.size() == 1 ? e : new InvalidRecordException(e.field(),
              "record " + (i + 1) + " of " + drafts.size() + ": " + e.reason(), e);
        }
      }
      enqueue(new Unit(List.copyOf(drafts), bodies, slots, canonical, false, f, null));
    } catch (LedgerException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  /**
   * Signs a checkpoint of the current tree, after everything enqueued before it. With {@code
   * acceptTail}, also over records after the last checkpoint that this writer did not build and
   * could not authenticate (an operator's decision after reviewing them, docs/FORMAT.md §9).
   */
  public CompletableFuture<StoredCheckpoint> requestCheckpoint(boolean acceptTail) {
    CompletableFuture<StoredCheckpoint> f = new CompletableFuture<>();
    try {
      if (checkpointSigner == null) {
        throw new LedgerException("no checkpoint signing key is configured");
      }
      enqueue(new Unit(List.of(), List.of(), List.of(), List.of(), true, null, f, null, null,
          acceptTail));
    } catch (LedgerException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  /**
   * Stores further signature lines on a stored checkpoint (cosigning), in a transaction of its
   * own on the writer thread.
   */
  public CompletableFuture<StoredCheckpoint> addSignatures(Checkpoint c, SignedNote note) {
    CompletableFuture<StoredCheckpoint> f = new CompletableFuture<>();
    try {
      enqueue(new Unit(List.of(), List.of(), List.of(), List.of(), true, null, f, c, note, false));
    } catch (LedgerException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  private void enqueue(Unit u) throws LedgerException {
    if (closing) {
      throw new LedgerException("the ledger is closed");
    }
    if (fatal != null) {
      throw new LedgerStorageException("the ledger writer stopped: " + fatal.getMessage(), fatal);
    }
    try {
      queue.put(u);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted while waiting to append", e);
    }
  }

  private void run() {
    Group inFlight = null; // dispatched to the committer, not yet settled
    Future<Outcome> inFlightDone = null;
    List<Unit> batch = List.of();
    try {
      // After a crash the index may lag the log: the lag is served from the log meanwhile, and
      // indexed now if the lock is free (a writer waiting for another's lock must not wait twice).
      catchUpIndex(0, false);
      while (true) {
        Unit first;
        if (inFlightDone == null) {
          first = queue.poll(pollMillis(), TimeUnit.MILLISECONDS);
          if (first == null) {
            maybeTimedCheckpoint();
            catchUpIndex(0, false);
            continue;
          }
        } else {
          // A group is committing: take what arrives meanwhile, to build it in the overlap.
          first = queue.poll(1, TimeUnit.MILLISECONDS);
          if (first == null) {
            if (inFlightDone.isDone()) {
              settle(inFlight, inFlightDone);
              inFlight = null;
              inFlightDone = null;
            }
            continue;
          }
        }
        if (first == POISON) {
          break;
        }
        batch = new ArrayList<>();
        batch.add(first);
        int records = first.drafts.size();
        boolean poisoned = false;
        while (records < options.maxBatchRecords() && !first.checkpoint) {
          Unit next = queue.peek();
          if (next == null || next.checkpoint) {
            break;
          }
          queue.poll();
          if (next == POISON) {
            poisoned = true;
            break;
          }
          batch.add(next);
          records += next.drafts.size();
        }
        Group next = first.checkpoint ? null : prepare(batch, inFlight);
        if (inFlight != null) {
          boolean committedAsBuilt = settle(inFlight, inFlightDone);
          inFlight = null;
          inFlightDone = null;
          if (!committedAsBuilt && next != null) {
            next = null; // built on a tail that did not happen: rebuild it below
            resolver.clearStaged();
          }
        }
        if (next != null) {
          Group g = next;
          inFlight = g;
          inFlightDone = committer.submit(() -> finish(g));
        } else {
          commit(batch);
        }
        if (poisoned) {
          break;
        }
      }
      if (inFlight != null) {
        settle(inFlight, inFlightDone);
        inFlight = null;
        inFlightDone = null;
      }
      if (options.checkpointOnClose() && checkpointSigner != null && !lastBatchTimedOutOnLock) {
        commit(List.of(Unit.policyCheckpoint()));
      }
      if (!lastBatchTimedOutOnLock) {
        catchUpIndex(0, true); // a closed ledger's index is complete
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fatal = e;
    } catch (Throwable t) {
      fatal = t;
    } finally {
      Throwable why = fatal != null ? fatal : new LedgerException("the ledger is closed");
      if (indexing != null) {
        try {
          indexing.get(); // before the store closes under it
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
          // derived data: the next writer catches up
        }
      }
      if (inFlightDone != null) {
        try {
          inFlightDone.get(); // the committer completes what it commits or fails
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
          // failed below
        }
        for (Unit u : inFlight.batch) {
          fail(u, why); // a no-op for every unit already completed
        }
      }
      for (Unit u : batch) {
        fail(u, why);
      }
      Unit u;
      while ((u = queue.poll()) != null) {
        fail(u, why);
      }
    }
  }

  /** How a pipelined group's transaction ended. */
  private record Outcome(boolean committed, boolean tailMoved, StoredCheckpoint checkpoint,
      LedgerException failure, Error error) {}

  /**
   * Builds a batch of record units ahead of its transaction, while the group before it ({@code
   * inFlight}, or none) commits: against the tail that group will leave, reading stored records
   * from a snapshot (that group's records are staged), then starts signing it on the pool and
   * signs its checkpoint. Returns null, having changed nothing, where the snapshot shows that
   * another process appended (the batch is then built inside its transaction, as {@link
   * #commit} does) or where anything but a unit's own error stops the build.
   */
  private Group prepare(List<Unit> batch, Group inFlight) {
    if (size < 0 || foreignTailFrom >= 0 || (perRecordMode && recordSigner == null)) {
      return null;
    }
    long base = size;
    Hash baseLeaf = lastLeaf;
    CompactRange baseRange = range;
    long baseCheckpointSize = lastCheckpointSize;
    try (LedgerStore.Reader snap = store.read()) {
      long stored = snap.size();
      boolean consistent = inFlight == null ? stored == size
          : stored == inFlight.base || stored == inFlight.end; // that group, committed or not
      if (!consistent) {
        return null;
      }
      if (inFlight == null) {
        resolver.clearStaged();
      } else {
        resolver.newGroup();
      }
      resolver.use(snap);
      Group g = buildGroup(batch, true);
      if (recordSigner != null && g.built.stream().anyMatch(b -> b.signer != null)) {
        g.signatures = signing.forRangeAsync(g.built.size(), (from, to) -> signRange(g.built, from, to));
      }
      if (checkpointSigner != null && groupWantsCheckpoint(g, g.accepted)) {
        g.checkpoint = new Checkpoint(origin, size, range.root(), List.of());
        g.note = g.checkpoint.sign(List.of(checkpointSigner));
        lastCheckpointSize = size;
      }
      return g;
    } catch (LedgerException | RuntimeException e) {
      size = base; // as it was: the batch is built again inside its transaction
      lastLeaf = baseLeaf;
      range = baseRange;
      lastCheckpointSize = baseCheckpointSize;
      resolver.clearStaged();
      return null;
    } finally {
      resolver.use(null);
    }
  }

  /**
   * The committer thread: the transaction of a group built ahead. It commits the group only on
   * the tail it was built on; if another process appended meanwhile, it commits nothing and the
   * writer rebuilds the batch. Receipts are released here, right after the commit.
   */
  private Outcome finish(Group g) {
    LedgerStore.Appender tx = null;
    try {
      if (g.signatures != null) {
        g.signatures.await();
      }
      tx = store.beginAppend();
      if (tx.size() != g.base) {
        tx.rollback();
        return new Outcome(false, true, null, null, null);
      }
      tx.insert(entries(g.built));
      StoredCheckpoint cp = g.note == null ? null : tx.insertCheckpoint(g.checkpoint, g.note);
      tx.commit();
      for (int i = 0; i < g.accepted.size(); i++) {
        g.accepted.get(i).receipts.complete(g.receipts.get(i));
      }
      for (int i = 0; i < g.rejected.size(); i++) {
        fail(g.rejected.get(i), g.rejections.get(i));
      }
      return new Outcome(true, false, cp, null, null);
    } catch (Throwable e) {
      if (tx != null) {
        tx.rollback();
      }
      LedgerException le = asLedgerException(e);
      for (Unit u : g.batch) {
        fail(u, le);
      }
      return new Outcome(false, false, null, le, e instanceof Error err ? err : null);
    }
  }

  /**
   * The writer thread takes note of how a pipelined group ended; true if it committed as built
   * (so that a group built on top of it stands). If another process had appended, the batch is
   * built again and committed now, inside its transaction.
   */
  private boolean settle(Group g, Future<Outcome> done) throws InterruptedException {
    Outcome o;
    try {
      o = done.get();
    } catch (java.util.concurrent.ExecutionException e) {
      o = new Outcome(false, false, null, asLedgerException(e.getCause()), null);
    }
    if (o.error != null) {
      throw o.error;
    }
    if (o.committed) {
      lastBatchTimedOutOnLock = false;
      if (!g.built.isEmpty() && uncoveredSinceNanos < 0) {
        uncoveredSinceNanos = System.nanoTime();
      }
      if (o.checkpoint != null && o.checkpoint.size() >= g.end) {
        uncoveredSinceNanos = -1;
      }
      if (size - indexedSize >= LedgerStore.INDEX_LAG && (indexing == null || indexing.isDone())) {
        // On the committer, ahead of the next group's commit (the same write lock either way),
        // while this thread goes on building groups.
        long sizeNow = size;
        boolean wait = sizeNow - indexedSize >= 4L * LedgerStore.INDEX_LAG;
        indexing = committer.submit(() -> catchUpIndex(sizeNow, LedgerStore.INDEX_LAG, wait));
      }
      return true;
    }
    resolver.clearStaged();
    if (o.tailMoved) {
      // Another process appended after the group was built: back to the tail it was built on,
      // which ensureTail moves on to what is stored, and build the batch again (rare).
      size = g.base;
      lastLeaf = g.baseLeaf;
      range = g.baseRange;
      lastCheckpointSize = g.baseCheckpointSize;
      rebuiltGroups++;
      commit(g.batch);
    } else {
      size = -1; // re-read the tail next time
      lastBatchTimedOutOnLock = timedOutOnLock(o.failure);
    }
    return false;
  }

  private long pollMillis() {
    long idleIndex = size > indexedSize ? 200 : 60_000;
    if (uncoveredSinceNanos < 0 || checkpointSigner == null || options.checkpointIntervalMillis() == 0) {
      return idleIndex;
    }
    long due = uncoveredSinceNanos + TimeUnit.MILLISECONDS.toNanos(options.checkpointIntervalMillis());
    return Math.min(idleIndex, Math.max(1, TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime()) + 1));
  }

  private void maybeTimedCheckpoint() throws InterruptedException {
    if (uncoveredSinceNanos < 0 || checkpointSigner == null || options.checkpointIntervalMillis() == 0) {
      return;
    }
    if (System.nanoTime() - uncoveredSinceNanos
        >= TimeUnit.MILLISECONDS.toNanos(options.checkpointIntervalMillis())) {
      commit(List.of(Unit.policyCheckpoint()));
    }
  }

  /** What building a batch's record units produced: records, receipts, rejections. */
  private static final class Group {
    final List<Unit> batch;
    final List<Built> built = new ArrayList<>();
    final List<Unit> accepted = new ArrayList<>();
    final List<List<Receipt>> receipts = new ArrayList<>();
    /** Units refused while building, with why; failed once the group's fate is known. */
    final List<Unit> rejected = new ArrayList<>();
    final List<LedgerException> rejections = new ArrayList<>();
    /** The tail the group was built on. */
    long base;
    Hash baseLeaf;
    CompactRange baseRange;
    long baseCheckpointSize;
    long end;
    /** Signed ahead of the transaction (pipelined groups). */
    Parallel.Job signatures;
    Checkpoint checkpoint;
    SignedNote note;

    Group(List<Unit> batch) {
      this.batch = batch;
    }
  }

  /**
   * Builds the record units of {@code batch} on the tail ({@code size}, {@code lastLeaf}, {@code
   * range}), advancing it; references resolve against what {@link #resolver} reads and has
   * staged. A unit that fails is un-staged and listed in {@link Group#rejected}.
   */
  /** The identities (kind, name, version) the drafts of {@code batch} will look up. */
  private static List<String[]> identities(List<Unit> batch) {
    List<String[]> ids = new ArrayList<>();
    for (Unit u : batch) {
      for (int i = 0; i < u.drafts.size(); i++) {
        String kind = u.drafts.get(i).kind().name();
        String[] id = RecordSchema.identity(kind, u.bodies.get(i));
        if (id != null) {
          ids.add(new String[] {kind, id[0], id[1]});
        }
      }
    }
    return ids;
  }

  private Group buildGroup(List<Unit> batch, boolean deferRejections) throws LedgerException {
    Group g = new Group(batch);
    g.base = size;
    g.baseLeaf = lastLeaf;
    g.baseRange = range;
    g.baseCheckpointSize = lastCheckpointSize;
    long seq = size;
    Hash prev = lastLeaf;
    String time = Envelope.formatTime(Instant.now());
    if (resolver.prefetchesIdentities()) {
      resolver.prefetchIdentities(identities(batch));
    }
    for (Unit u : batch) {
      if (perRecordMode && recordSigner == null) {
        reject(g, u, new LedgerException("this ledger requires per-record signatures;"
            + " open it with a record signing key"), deferRejections);
        continue;
      }
      try {
        List<Built> unitBuilt = new ArrayList<>(u.drafts.size());
        long s = seq;
        Hash p = prev;
        // A unit is all-or-nothing: extend a scratch copy of the tree, adopt it on success.
        CompactRange scratch = CompactRange.of(range.size(), range.perfectSubtreeRoots());
        List<Receipt> rs = new ArrayList<>(u.drafts.size());
        for (int i = 0; i < u.drafts.size(); i++) {
          Built b = build(s, p, time, scratch, u.drafts.get(i), u.bodies.get(i), u.slots.get(i),
              u.canonicalBodies.get(i), u.drafts.size() == 1 ? ""
                  : "record " + (i + 1) + " of " + u.drafts.size() + ": ");
          if (b.existing != null) {
            rs.add(b.existing); // the same fact again: its first receipt, nothing appended
            continue;
          }
          unitBuilt.add(b);
          rs.add(new Receipt(b.seq, b.leaf));
          resolver.stage(b.seq, b.leaf, b.kind, b.name, b.version, b.body);
          resolver.stageEdges(b.edges);
          s++;
          p = b.leaf;
        }
        range = scratch;
        g.built.addAll(unitBuilt);
        g.accepted.add(u);
        g.receipts.add(rs);
        seq = s;
        prev = p;
      } catch (LedgerException e) {
        // Nothing of this unit was staged in the tree; un-stage its names.
        rebuildStaged(g.built);
        reject(g, u, e, deferRejections);
      }
    }
    g.end = seq;
    size = seq;
    lastLeaf = prev;
    return g;
  }

  private static void reject(Group g, Unit u, LedgerException e, boolean defer) {
    if (defer) {
      g.rejected.add(u);
      g.rejections.add(e);
    } else {
      fail(u, e);
    }
  }

  /** Checkpoint-only mode: the group's own checkpoint commits with it (docs/FORMAT.md §9). */
  private boolean groupWantsCheckpoint(Group g, List<Unit> accepted) {
    return (!perRecordMode && !g.built.isEmpty())
        || accepted.stream().anyMatch(Unit::isRequestedCheckpoint)
        || (size > lastCheckpointSize && accepted.stream().anyMatch(Unit::isPolicyCheckpoint))
        || (checkpointSigner != null && options.checkpointEveryRecords() > 0
            && size - lastCheckpointSize >= options.checkpointEveryRecords());
  }

  private void commit(List<Unit> batch) throws InterruptedException {
    awaitIndexing(); // the write connection is this thread's again
    List<Unit> accepted = new ArrayList<>();
    List<List<Receipt>> receipts = new ArrayList<>();
    StoredCheckpoint cp = null;
    List<StoredCheckpoint> cosignedOut = new ArrayList<>();
    LedgerStore.Appender tx = null;
    Group g = null;
    try {
      tx = store.beginAppend();
      resolver.use(tx);
      ensureTail(tx);
      indexedSize = tx.indexedSize();
      if (foreignTailFrom >= 0 && batch.stream().anyMatch(Unit::acceptTail)) {
        foreignTailFrom = -1; // the operator reviewed the tail and accepts it
      }
      resolver.clearStaged();
      List<Unit> records = new ArrayList<>();
      for (Unit u : batch) {
        if (foreignTailFrom >= 0 && !u.isPolicyCheckpoint() && !u.isCosign()) {
          fail(u, foreignTail());
        } else if (u.checkpoint) {
          if (u.isCosign()) {
            cosignedOut.add(tx.insertCheckpoint(u.cosigned, u.cosignedNote));
          }
          accepted.add(u);
          receipts.add(List.of());
        } else {
          records.add(u);
        }
      }
      g = buildGroup(records, false);
      accepted.addAll(g.accepted);
      receipts.addAll(g.receipts);
      signAll(g.built);
      tx.insert(entries(g.built));
      if (!g.built.isEmpty() && uncoveredSinceNanos < 0) {
        uncoveredSinceNanos = System.nanoTime();
      }
      if (groupWantsCheckpoint(g, accepted) && checkpointSigner != null && foreignTailFrom < 0) {
        cp = writeCheckpoint(tx);
      }
      tx.commit();
    } catch (Throwable e) {
      if (tx != null) {
        tx.rollback();
      }
      size = -1; // re-read the tail next time
      LedgerException le = asLedgerException(e);
      lastBatchTimedOutOnLock = timedOutOnLock(le);
      // Every unit of the batch fails, including those not yet looked at when the error hit
      // (e.g. BEGIN IMMEDIATE timing out); completing an already-failed unit is a no-op.
      for (Unit u : batch) {
        fail(u, le);
      }
      if (e instanceof Error err) {
        throw err;
      }
      return;
    }
    finally {
      resolver.use(null);
    }
    lastBatchTimedOutOnLock = false;
    afterCommit(cp);
    for (int i = 0; i < accepted.size(); i++) {
      Unit u = accepted.get(i);
      if (u.checkpoint) {
        if (u.isCosign()) {
          u.checkpointDone.complete(cosignedOut.remove(0));
        } else if (u.checkpointDone != null) {
          u.checkpointDone.complete(cp);
        }
      } else {
        u.receipts.complete(receipts.get(i));
      }
    }
  }

  private static LedgerException asLedgerException(Throwable e) {
    return e instanceof LedgerException l ? l
        : new LedgerStorageException("append failed: " + e, e);
  }

  private static boolean timedOutOnLock(LedgerException le) {
    return le instanceof LedgerStorageException s
        && s.reason() == LedgerStorageException.Reason.LOCKED;
  }

  /** Bookkeeping after a commit of this writer: index catch-up, checkpoint coverage. */
  private void afterCommit(StoredCheckpoint cp) throws InterruptedException {
    if (size - indexedSize >= LedgerStore.INDEX_LAG) {
      // Opportunistic while the lag is moderate; past 4× it waits for the lock, so memory stays
      // bounded even when other writers keep the lock busy.
      catchUpIndex(LedgerStore.INDEX_LAG,
          size - indexedSize >= 4L * LedgerStore.INDEX_LAG);
    }
    if (cp != null) {
      lastCheckpointSize = Math.max(lastCheckpointSize, cp.size());
    }
    if (size <= lastCheckpointSize || foreignTailFrom >= 0) {
      uncoveredSinceNanos = -1;
    }
  }

  private void rebuildStaged(List<Built> built) {
    resolver.clearCurrentGroup();
    for (Built b : built) {
      resolver.stage(b.seq, b.leaf, b.kind, b.name, b.version, b.body);
      resolver.stageEdges(b.edges);
    }
  }

  private Built build(long seq, Hash prev, String time, CompactRange scratch, RecordDraft d,
      ObjectNode body, List<RecordSchema.RefSlot> slots, byte[] canonicalBody, String prefix)
      throws LedgerException {
    List<Edge> edges = new ArrayList<>(slots.size());
    for (RecordSchema.RefSlot slot : slots) {
      RefResolver.Target t;
      try {
        t = resolver.resolve(slot.given(), slot.path());
      } catch (InvalidRecordException e) {
        throw prefix.isEmpty() ? e : new InvalidRecordException(e.field(), prefix + e.reason(), e);
      }
      if (!slot.allowedKinds().isEmpty() && !slot.allowedKinds().contains(t.kind())) {
        throw new InvalidRecordException(slot.path(), prefix + "must reference a "
            + String.join(" or ", slot.allowedKinds()) + " record, but record " + t.seq()
            + " is a " + t.kind());
      }
      RecordSchema.setRef(body, slot, Envelope.refNode(t.seq(), t.hash()));
      edges.add(Edge.of(seq, slot, t.seq()));
    }
    String cycle = Edge.cycle(seq, edges, resolver::downstream);
    if (cycle != null) {
      throw new InvalidRecordException("body", prefix + cycle);
    }
    String kind = d.kind().name();
    try {
      RecordSchema.checkKeyOrigin(kind, body, origin);
      checkNotRevokingOwnKey(kind, body);
    } catch (InvalidRecordException e) {
      throw prefix.isEmpty() ? e : new InvalidRecordException(e.field(), prefix + e.reason(), e);
    }
    byte[] bodyBytes = canonicalBody != null ? canonicalBody : CanonicalJson.canonicalize(body, 2);
    String[] id = RecordSchema.identity(kind, body);
    if (id != null) {
      // docs/FORMAT.md §3.5: a version is immutable. The same content again is the same fact
      // (a re-run of an interrupted stream): answer with the first receipt. Other content under
      // the same identity would make references ambiguous: reject it, naming the record.
      RefResolver.Existing e = resolver.identity(kind, id[0], id[1]);
      if (e != null) {
        if (java.util.Arrays.equals(e.body(), bodyBytes)) {
          return Built.existing(new Receipt(e.seq(), e.hash()));
        }
        throw new InvalidRecordException("body", prefix + kind + ":" + RecordSchema.printable(id[0])
            + "@" + RecordSchema.printable(id[1]) + " is already record " + e.seq() + " (sha256:"
            + e.hash().hex() + ") with different content; a recorded version is immutable,"
            + " record a new version instead");
      }
    }
    // Key records are always signed, whatever the mode: they change whom verifiers trust.
    boolean signed = perRecordMode || kind.equals(RecordKind.KEY.name());
    if (signed && recordSigner == null) {
      throw new InvalidRecordException("kind", prefix + kind + " records must be signed;"
          + " open the ledger with a signing key");
    }
    String signer = signed ? recordSignerId : null;
    byte[] canonical = Envelope.canonical(seq, prev, kind, d.actor(), time, signer, bodyBytes);
    if (canonical.length > RecordSchema.MAX_RECORD_BYTES) {
      throw new InvalidRecordException("", prefix + "record is too large (" + canonical.length
          + " bytes canonical, at most " + RecordSchema.MAX_RECORD_BYTES + ")");
    }
    String actorProblem = Envelope.actorProblem(d.actor());
    if (actorProblem != null) {
      throw new InvalidRecordException("actor", prefix + actorProblem);
    }
    Hash leaf = MerkleTree.leafHash(canonical);
    String[] nv = RecordSchema.nameAndVersion(kind, body);
    byte[] nodes = NodeBlob.encode(scratch.append(leaf));
    return new Built(seq, leaf, canonical, bodyBytes, kind, nv[0], nv[1], d.actor(), time, signer,
        nodes, edges, new byte[1][], null);
  }

  /**
   * A writer never revokes a key it signs with: every record and checkpoint after the revoke
   * would fail verification, and when it is the last trusted key nothing could ever be covered
   * again. Rotation revokes the old key with the new one ('ledger key rotate').
   */
  private void checkNotRevokingOwnKey(String kind, ObjectNode body) throws InvalidRecordException {
    if (!RecordKind.KEY.name().equals(kind) || !"revoke".equals(body.path("action").asText())) {
      return;
    }
    String named = RecordSchema.nameAndVersion(kind, body)[0];
    String cpId = checkpointSigner == null ? null
        : checkpointSigner.verifierKey().name() + "+" + checkpointSigner.verifierKey().keyId().hex();
    if (named != null && (named.equals(recordSignerId) || named.equals(cpId))) {
      throw new InvalidRecordException("body.key", "revokes " + named + ", the key this writer"
          + " signs with; revoke a key with its successor ('ledger key rotate' adds the new key,"
          + " then the new key revokes the old one)");
    }
  }

  private void signAll(List<Built> built) throws LedgerException {
    if (recordSigner != null && built.stream().anyMatch(b -> b.signer != null)) {
      signing.forRange(built.size(), (from, to) -> signRange(built, from, to));
    }
  }

  private void signRange(List<Built> built, int from, int to) throws LedgerException {
    for (int i = from; i < to; i++) {
      Built b = built.get(i);
      if (b.signer == null) {
        continue;
      }
      byte[] message = Envelope.recordSignatureMessage(origin, b.leaf);
      byte[] sig = recordSigner.sign(message);
      // The Signer contract: nothing is stored (let alone acknowledged) that does not verify
      // under the key the records name. A KMS answering for another key, a truncated response
      // or a broken signer would otherwise leave records no verifier can ever accept, so their
      // signatures are checked here. The in-process Ed25519Signer is exempt: it signs with the
      // public key it derived from its own seed (RFC 8032 §5.1.6), so its signatures verify by
      // construction, and checking each costs about three signatures' time, which would bound
      // per-record-signed appends to a quarter of the signing rate. Every stored signature is
      // still checked by verification (FORMAT.md §9), which reports a bad one at its record.
      if (checkRecordSignatures) {
        try {
          recordSigner.verifierKey().verify(message, sig);
        } catch (dev.lineageledger.core.VerificationException e) {
          throw new dev.lineageledger.core.KeyException("the signer for " + recordSignerId
              + " returned a signature that does not verify under its own key; nothing was written");
        }
      }
      b.sigOut[0] = sig;
    }
  }

  private static List<LedgerStore.LogEntry> entries(List<Built> built) {
    List<LedgerStore.LogEntry> out = new ArrayList<>(built.size());
    for (Built b : built) {
      out.add(new LedgerStore.LogEntry(b.seq, b.leaf, b.canonical, b.sigOut[0], b.nodes, b.kind,
          b.name, b.version, b.actor, b.time, b.signer, b.edges));
    }
    return out;
  }

  private StoredCheckpoint writeCheckpoint(LedgerStore.Appender tx) throws LedgerException {
    Checkpoint c = new Checkpoint(origin, size, range.root(), List.of());
    SignedNote note = c.sign(List.of(checkpointSigner));
    return tx.insertCheckpoint(c, note);
  }

  /**
   * Moves the unindexed tail into the store's index, behind the log (docs/FORMAT.md §7): all of
   * it ({@code atLeast} 0), or batches until less than {@code atLeast} is left. A failure (say,
   * another writer holds the lock) is retried after the next commit: the records stay served
   * from memory meanwhile, and every acknowledged record is already durable in the log.
   */
  private void catchUpIndex(long atLeast, boolean wait) throws InterruptedException {
    awaitIndexing();
    catchUpIndex(size, atLeast, wait);
  }

  /** The catch-up itself, against the log size {@code size} as the writer last knew it. */
  private void catchUpIndex(long size, long atLeast, boolean wait) {
    try {
      long indexed = indexedSize;
      while (true) {
        long k = store.catchUpIndex(LedgerStore.INDEX_BATCH, wait);
        indexed += k;
        if (k == 0 || (atLeast > 0 && size >= 0 && size - indexed < atLeast)) {
          break;
        }
      }
      indexedSize = size >= 0 ? Math.min(indexed, size) : indexed;
    } catch (LedgerException e) {
      // retried later; see above
    }
  }

  /** Waits for a catch-up started on the committer thread, if any. */
  private void awaitIndexing() throws InterruptedException {
    Future<?> f = indexing;
    if (f == null) {
      return;
    }
    indexing = null;
    try {
      f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      // a RuntimeException from the store: like a LedgerException, retried after a commit
    }
  }

  /** Re-reads size, last leaf and the compact range if another process appended. */
  private void ensureTail(LedgerStore.Appender tx) throws LedgerException {
    long dbSize = tx.size();
    if (dbSize == size) {
      return;
    }
    recheckKeys(tx, dbSize);
    SubtreeSource src = tx;
    List<Hash> roots = new ArrayList<>();
    for (CompactRange.PerfectSubtree ps : CompactRange.decomposition(dbSize)) {
      roots.add(src.subtree(ps.level(), ps.index()));
    }
    range = CompactRange.of(dbSize, roots);
    lastLeaf = dbSize == 0 ? Envelope.GENESIS_PREV : src.subtree(0, dbSize - 1);
    lastCheckpointSize = tx.checkpointedSize();
    // Records after the last checkpoint that this process did not build: those up to the size
    // it knew (its own, or already checked) are fine; the rest must authenticate before any
    // checkpoint of this writer covers them.
    long known = size >= 0 && size <= dbSize ? Math.max(size, lastCheckpointSize) : lastCheckpointSize;
    size = dbSize;
    foreignTailFrom = -1;
    if (known < dbSize) {
      foreignTailFrom = perRecordMode ? firstUnauthenticated(tx, known, dbSize) : known;
    }
    uncoveredSinceNanos = size > lastCheckpointSize && foreignTailFrom < 0 ? System.nanoTime() : -1;
  }

  /**
   * Per-record mode: the first record in {@code [from, to)} whose stored bytes do not
   * authenticate (leaf hash recomputed from the body, chained to the previous leaf, signed by
   * this writer's own record key, which the signed key history trusts now), or -1 if all do.
   * Conservative: a tail signed by another trusted key is left for an operator to accept.
   */
  private long firstUnauthenticated(LedgerStore.Reader tx, long from, long to)
      throws LedgerException {
    if (recordSigner == null) {
      return from;
    }
    long[] state = {from, -1}; // the next seq expected; the first that fails (-1: none yet)
    Hash[] prev = {null};
    tx.scan(from, to, row -> {
        long seq = row.seq();
        long expect = state[0];
        if (seq != expect || row.body() == null || row.sig() == null) {
          state[1] = expect;
          throw STOP;
        }
        try {
          Envelope.Parsed p = Envelope.parse(CanonicalJson.parse(row.body()));
          Hash leaf = MerkleTree.leafHash(row.body());
          if (p.seq() != seq || !recordSignerId.equals(p.signer())
              || (prev[0] != null && !prev[0].equals(p.prev()))) {
            state[1] = seq;
            throw STOP;
          }
          recordSigner.verifierKey().verify(Envelope.recordSignatureMessage(origin, leaf), row.sig());
          prev[0] = leaf;
        } catch (LedgerException | RuntimeException e) {
          if (e == STOP) {
            throw e;
          }
          state[1] = seq;
          throw STOP;
        }
        state[0] = expect + 1;
      });
    if (state[1] >= 0) {
      return state[1];
    }
    return state[0] == to ? -1 : state[0];
  }


  private LedgerException foreignTail() {
    // CORRUPT (exit 1 in the CLI): the ledger holds records nobody can vouch for.
    return new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, path + ": records " + foreignTailFrom + ".."
        + (size - 1) + " after the last signed checkpoint were not written by this writer and"
        + (perRecordMode ? " do not verify under its key" : " carry no signature (checkpoint-only"
            + " mode), so nothing tells them from an insertion")
        + "; refusing to sign a checkpoint over them or append after them. Review them ('ledger"
        + " verify --allow-uncovered', 'ledger log'), then accept them with 'ledger checkpoint"
        + " --new --accept-tail' (Ledger.checkpointAcceptingTail())", null);
  }

  /** Size, checkpointed size and indexed size now (the caller has just checked the keys to it). */
  private static long[] sizes(LedgerStore store) {
    try (LedgerStore.Reader r = store.read()) {
      return new long[] {r.size(), r.checkpointedSize(), r.indexedSize()};
    } catch (LedgerException e) {
      return new long[] {0, -1, 0}; // check everything on the first batch, which reports it
    }
  }

  /**
   * Another process appended key records since this writer last looked (say, it rotated the
   * key): re-check, inside the write transaction, that this writer's keys are still trusted,
   * so a batch never commits signed by a key the log revoked (docs/FORMAT.md §4.1).
   */
  private void recheckKeys(LedgerStore.Reader tx, long dbSize) throws LedgerException {
    if (dbSize <= keysCheckedSize) {
      keysCheckedSize = Math.min(keysCheckedSize, dbSize);
      return;
    }
    boolean[] keyRecords = {false};
    tx.scanKeyCandidates(keysCheckedSize, dbSize, row -> {
      keyRecords[0] = true;
      throw STOP;
    });
    if (keyRecords[0]) {
      List<dev.lineageledger.core.VerifierKey> mine = new ArrayList<>();
      if (checkpointSigner != null) {
        mine.add(checkpointSigner.verifierKey());
      }
      if (recordSigner != null && !mine.contains(recordSigner.verifierKey())) {
        mine.add(recordSigner.verifierKey());
      }
      SignedHistory.checkWriter(tx, path, origin,
          perRecordMode ? dev.lineageledger.core.SigningMode.PER_RECORD
              : dev.lineageledger.core.SigningMode.CHECKPOINT_ONLY, mine);
    }
    keysCheckedSize = dbSize;
  }

  private static void fail(Unit u, Throwable why) {
    if (u == POISON) {
      return;
    }
    if (u.receipts != null) {
      u.receipts.completeExceptionally(why);
    }
    if (u.checkpointDone != null) {
      u.checkpointDone.completeExceptionally(why);
    }
  }

  /** Stops accepting appends, commits what is queued, signs a final checkpoint if configured. */
  @Override
  public void close() {
    closing = true;
    while (thread.isAlive()) {
      if (queue.offer(POISON)) {
        break;
      }
      Thread.onSpinWait();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    signing.close();
    committer.shutdownNow();
  }

  /** How many groups built ahead were built again because another process appended first. */
  public long rebuiltGroups() {
    return rebuiltGroups;
  }
}
