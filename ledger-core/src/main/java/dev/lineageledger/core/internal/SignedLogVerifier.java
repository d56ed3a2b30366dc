package dev.lineageledger.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.CompactRange;
import dev.lineageledger.core.FailureReason;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.MerkleTree;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.SignedNote;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.core.VerificationException;
import dev.lineageledger.core.VerifierKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of docs/FORMAT.md §9 over the signed data alone: the {@code ledger_meta} values,
 * then each record's bytes and signature in sequence order, the key history they carry, and the
 * checkpoints. No SQL, no threads: what a store holds beyond the signed bytes (leaf hashes,
 * derived columns, edges, tree nodes) is cross-checked by {@link LedgerVerifier}.
 *
 * <p>Each check is {@code void}-and-throw: a {@link Failure} names the rule that broke. The
 * state (chain head, compact range, trust set) advances with every record whatever the outcome,
 * so one failure does not hide the next.
 */
public final class SignedLogVerifier {
  /** One broken rule. */
  public static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient FailureReason reason;

    public Failure(FailureReason reason, String message) {
      super(message);
      this.reason = reason;
    }

    public FailureReason reason() {
      return reason;
    }
  }

  /** What a reference needs of an earlier record, read from a store already cross-checked. */
  public interface Lookup {
    /** Leaf hash and kind of record {@code seq}, or null. */
    RefResolver.Target record(long seq) throws Failure;
    /** Where data flows from {@code node} through edges declared by records before {@code before}. */
    List<Long> downstream(long node, long before) throws Failure;
    /** The first record before {@code before} with this identity (canonical body), or null. */
    Earlier sameIdentity(String kind, String name, String version, long before) throws Failure;
  }

  /** An earlier record with the same identity (§3.5). */
  public record Earlier(long seq, byte[] body) {}

  /** A record that passed: its envelope and the lineage edges its references declare. */
  public record Checked(Envelope.Parsed envelope, Hash leaf, List<Edge> edges) {}

  /** A per-record signature to check (in parallel with others) by {@link #checkSignature}. */
  public record PendingSignature(long seq, VerifierKey key, byte[] message, byte[] sig) {}

  /** §7.1: the rows of ledger_meta. */
  public static final Set<String> META_KEYS =
      Set.of("format", "format_version", "origin", "signing_mode", "created");

  private final String origin;
  private final SigningMode mode;
  private final KeyHistory keys;
  private CompactRange range;
  private Hash head;
  /** The perfect subtree roots that the last record's leaf completed: levels 1..t (§7). */
  private List<Hash> completed = List.of();

  public SignedLogVerifier(String origin, SigningMode mode, KeyHistory keys, CompactRange start,
      Hash head) {
    this.origin = origin;
    this.mode = mode;
    this.keys = keys;
    this.range = start;
    this.head = head;
  }

  /**
   * §7.1: the parameters stored beside the log are re-derived, not trusted. The origin must be
   * the name of a trusted key (§5: the log's key name is its origin), the format and version
   * fixed; the signing mode is enforced record by record ({@code missing-signature},
   * {@code unexpected-signature}), so a changed mode cannot weaken a check.
   */
  public static void checkMeta(Map<String, String> meta, List<VerifierKey> pinned) throws Failure {
    for (String k : meta.keySet()) {
      if (!META_KEYS.contains(k)) {
        throw new Failure(FailureReason.LEDGER_META, "unknown ledger_meta row '" + TextRules.escape(k) + "'");
      }
    }
    expect(meta, "format", "lineage-ledger");
    expect(meta, "format_version", String.valueOf(Envelope.FORMAT_VERSION));
    String m = meta.get("signing_mode");
    if (!SigningMode.PER_RECORD.id().equals(m) && !SigningMode.CHECKPOINT_ONLY.id().equals(m)) {
      throw new Failure(FailureReason.LEDGER_META, "signing_mode must be per-record or checkpoint-only");
    }
    String o = meta.get("origin");
    if (o == null || pinned.stream().noneMatch(k -> k.name().equals(o))) {
      throw new Failure(FailureReason.LEDGER_META, "ledger_meta names origin '" + TextRules.escape(o)
          + "', which is not the name of any trusted key (a log's key name is its origin)");
    }
    if (meta.get("created") == null || !Envelope.isValidTime(meta.get("created"))) {
      throw new Failure(FailureReason.LEDGER_META, "created must be a time like 2026-11-01T00:00:00.000Z");
    }
  }

  private static void expect(Map<String, String> meta, String key, String value) throws Failure {
    if (!value.equals(meta.get(key))) {
      throw new Failure(FailureReason.LEDGER_META, "ledger_meta " + key + " must be '" + value
          + "', not '" + TextRules.escape(String.valueOf(meta.get(key))) + "'");
    }
  }

  public KeyHistory keys() { return keys; }

  public CompactRange range() { return range; }

  public List<Hash> completed() { return completed; }

  /**
   * What §9 items 2-4 ask of one record's bytes alone, computed by {@link #prepare} on any
   * thread and in any order: the leaf hash, the parsed envelope, the body rules and the names
   * derived from the body. A rule broken here is kept, not thrown, so that {@link #record}
   * reports it at the same point of the sequence as if it had been checked there.
   */
  public static final class Prepared {
    private final Hash leaf;
    private final Envelope.Parsed envelope;
    /** Not canonical or malformed: reported before the sequence-number and chain checks. */
    private final Failure parseFailure;
    /** A body rule: reported after them. */
    private final Failure bodyFailure;
    private final List<RecordSchema.RefSlot> slots;
    private final String[] identity;
    private final String[] nameAndVersion;

    private Prepared(Hash leaf, Envelope.Parsed envelope, Failure parseFailure, Failure bodyFailure,
        List<RecordSchema.RefSlot> slots, String[] identity, String[] nameAndVersion) {
      this.leaf = leaf;
      this.envelope = envelope;
      this.parseFailure = parseFailure;
      this.bodyFailure = bodyFailure;
      this.slots = slots;
      this.identity = identity;
      this.nameAndVersion = nameAndVersion;
    }

    public Hash leaf() {
      return leaf;
    }

    /** The record's name and version columns as its body defines them; null unless it is valid. */
    public String[] nameAndVersion() {
      return nameAndVersion;
    }
  }

  /**
   * The checks of {@link #record} that depend on nothing but {@code bytes} and the ledger's
   * origin: no state is read or changed, so records can be prepared in parallel.
   */
  public static Prepared prepare(String origin, byte[] bytes) {
    Hash leaf = MerkleTree.leafHash(bytes);
    JsonNode n = CanonicalJson.parseCanonical(bytes); // one pass; null: the full parser decides
    if (n == null) {
      try {
        n = CanonicalJson.parse(bytes);
      } catch (InvalidRecordException e) {
        n = null;
      }
      if (n != null && !CanonicalJson.isCanonicalForm(bytes, n)) {
        n = null;
      }
    }
    if (n == null) {
      return new Prepared(leaf, null, new Failure(FailureReason.NOT_CANONICAL,
          "the stored record bytes are not RFC 8785 canonical JSON"), null, null, null, null);
    }
    Envelope.Parsed p;
    try {
      p = Envelope.parse(n);
      Envelope.checkFields(p);
    } catch (FormatException e) {
      return new Prepared(leaf, null, new Failure(FailureReason.MALFORMED_RECORD, e.getMessage()),
          null, null, null, null);
    }
    List<RecordSchema.RefSlot> slots;
    try {
      slots = RecordSchema.validate(RecordKind.of(p.kind()), p.body());
      RecordSchema.checkKeyOrigin(p.kind(), p.body(), origin);
    } catch (InvalidRecordException e) {
      return new Prepared(leaf, p, null, new Failure(FailureReason.INVALID_RECORD, e.getMessage()),
          null, null, null);
    }
    return new Prepared(leaf, p, null, null, slots, RecordSchema.identity(p.kind(), p.body()),
        RecordSchema.nameAndVersion(p.kind(), p.body()));
  }

  /**
   * §9 items 2-4 for the record at position {@code seq}: canonical bytes, envelope, position,
   * chain, body rules, references. Advances the chain and the tree first. Records must come in
   * sequence order; {@code r} may have been prepared on any thread.
   */
  public Checked record(long seq, Prepared r, Lookup lookup) throws Failure {
    Hash leaf = r.leaf;
    Hash prev = head;
    head = leaf;
    completed = range.append(leaf);
    if (r.parseFailure != null) {
      throw r.parseFailure;
    }
    Envelope.Parsed p = r.envelope;
    if (p.seq() != seq) {
      throw new Failure(FailureReason.SEQ_MISMATCH, "the record says it is number " + p.seq());
    }
    if (!p.prev().equals(prev)) {
      throw new Failure(FailureReason.CHAIN_BROKEN, "prev is " + p.prev().hex() + " but record "
          + (seq - 1) + " hashes to " + prev.hex());
    }
    if (r.bodyFailure != null) {
      throw r.bodyFailure;
    }
    List<Edge> edges = new ArrayList<>();
    for (RecordSchema.RefSlot slot : r.slots) {
      edges.add(Edge.of(seq, slot, reference(seq, slot, lookup)));
    }
    String cycle = Edge.cycle(seq, edges, node -> lookup.downstream(node, seq));
    if (cycle != null) {
      throw new Failure(FailureReason.BAD_REFERENCE, cycle);
    }
    String[] id = r.identity;
    if (id != null) {
      Earlier e = lookup.sameIdentity(p.kind(), id[0], id[1], seq);
      if (e != null && !Arrays.equals(e.body(), CanonicalJson.canonicalize(p.body()))) {
        throw new Failure(FailureReason.DUPLICATE_IDENTITY, p.kind() + ":" + TextRules.escape(id[0])
            + "@" + TextRules.escape(id[1]) + " is already record " + e.seq() + ", with other content");
      }
    }
    return new Checked(p, leaf, edges);
  }

  /** §3.2: a stored reference is {"hash","seq"} of an earlier record of an allowed kind. */
  private static long reference(long seq, RecordSchema.RefSlot slot, Lookup lookup) throws Failure {
    JsonNode g = slot.given();
    JsonNode hs = g.get("hash");
    JsonNode ss = g.get("seq");
    if (!g.isObject() || g.size() != 2 || hs == null || !hs.isTextual() || ss == null
        || !ss.isIntegralNumber()) {
      throw new Failure(FailureReason.BAD_REFERENCE, slot.path() + " is not a resolved {hash, seq} reference");
    }
    long target = ss.asLong();
    if (target >= seq || target < 0) {
      throw new Failure(FailureReason.BAD_REFERENCE, slot.path() + " points forward to record " + target);
    }
    RefResolver.Target t = lookup.record(target);
    if (t == null || !hs.textValue().equals(t.hash().hex())) {
      throw new Failure(FailureReason.BAD_REFERENCE, slot.path() + " does not match record " + target + "'s hash");
    }
    if (!slot.allowedKinds().isEmpty() && !slot.allowedKinds().contains(t.kind())) {
      throw new Failure(FailureReason.BAD_REFERENCE, slot.path() + " must reference a "
          + String.join(" or ", slot.allowedKinds()));
    }
    return target;
  }

  /**
   * §9 item 6 and §4.1. Returns the signature to check in parallel, or null when there is none
   * (checkpoint-only mode) or it was a key record, checked and applied here, in order: the
   * caller must have checked every signature queued before it.
   */
  public PendingSignature signature(long seq, Checked c, byte[] sig) throws Failure {
    Envelope.Parsed p = c.envelope();
    boolean keyRecord = RecordKind.KEY.name().equals(p.kind());
    if (p.signer() == null) {
      if (mode == SigningMode.PER_RECORD || keyRecord) {
        throw new Failure(FailureReason.MISSING_SIGNATURE, "this record must be signed but names no signer");
      }
      if (sig != null) {
        throw new Failure(FailureReason.UNEXPECTED_SIGNATURE, "a signature is stored for a record that names no signer");
      }
      return null;
    }
    if (mode == SigningMode.CHECKPOINT_ONLY && !keyRecord) {
      throw new Failure(FailureReason.UNEXPECTED_SIGNATURE, "a checkpoint-only ledger signs only key"
          + " records, but this " + p.kind() + " record names signer " + p.signer());
    }
    if (sig == null) {
      throw new Failure(FailureReason.MISSING_SIGNATURE, "the record names signer " + p.signer()
          + " but no signature is stored");
    }
    VerifierKey key = keys.get(p.signer());
    if (key == null) {
      throw new Failure(FailureReason.UNTRUSTED_SIGNER, "signed by " + p.signer() + ", which is not a trusted key");
    }
    PendingSignature s = new PendingSignature(seq, key,
        Envelope.recordSignatureMessage(origin, c.leaf()), sig);
    if (!keyRecord) {
      return s;
    }
    checkSignature(s);
    try {
      keys.apply(origin, p, c.leaf(), sig);
    } catch (VerificationException e) {
      throw new Failure(FailureReason.INVALID_RECORD, e.getMessage());
    }
    return null;
  }

  public static void checkSignature(PendingSignature s) throws Failure {
    try {
      s.key().verify(s.message(), s.sig());
    } catch (VerificationException e) {
      throw new Failure(FailureReason.BAD_SIGNATURE, "the record signature by "
          + KeyHistory.label(s.key()) + " does not verify");
    }
  }

  /**
   * §9 checkpoints: the note parses, a key trusted after record {@code size - 1} signed it
   * (signatures before the body is read), it names this log, has no extension lines, is for
   * {@code size} and commits to {@code root}, the root of the records read so far.
   */
  public Checkpoint checkpoint(String noteText, long size, Hash root) throws Failure {
    SignedNote note;
    try {
      note = SignedNote.parse(noteText);
    } catch (FormatException e) {
      throw new Failure(FailureReason.CHECKPOINT_MALFORMED, "checkpoint of size " + size + ": " + e.getMessage());
    }
    try {
      note.verify(keys.keys());
    } catch (VerificationException e) {
      throw new Failure(FailureReason.CHECKPOINT_SIGNATURE, "checkpoint of size " + size + ": " + e.getMessage());
    }
    Checkpoint c;
    try {
      c = Checkpoint.parse(note.body());
    } catch (FormatException e) {
      throw new Failure(FailureReason.CHECKPOINT_MALFORMED, "checkpoint of size " + size + ": " + e.getMessage());
    }
    if (!c.origin().equals(origin)) {
      throw new Failure(FailureReason.CHECKPOINT_ORIGIN, "checkpoint of size " + size + " names origin '"
          + TextRules.escape(c.origin()) + "', not this ledger's '" + origin + "'");
    }
    if (!c.extensions().isEmpty() || c.size() != size) {
      throw new Failure(FailureReason.CHECKPOINT_MALFORMED, "checkpoint stored for size " + size
          + " says size " + c.size() + (c.extensions().isEmpty() ? "" : " and carries extension lines"));
    }
    if (root != null && !c.root().equals(root)) {
      throw new Failure(FailureReason.CHECKPOINT_ROOT_MISMATCH, "the signed checkpoint of size " + size
          + " has root " + c.root().base64() + " but the records hash to " + root.base64());
    }
    return c;
  }
}
