package dev.lineageledger.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.VerificationException;
import dev.lineageledger.core.VerifierKey;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trust set of docs/FORMAT.md §4.1: the keys a verifier trusts at a position of the log,
 * starting from the keys it pinned and changed only by {@code key} records signed by a key
 * already in the set. Not thread-safe; one instance follows one pass over the log.
 */
public final class KeyHistory {
  private final Map<String, VerifierKey> keys = new LinkedHashMap<>();

  /**
   * SQL preselecting the rows that may be key records, from their signed bytes, never from the
   * {@code kind} column: every key record's canonical bytes (RFC 8785, no whitespace) contain
   * its envelope's member {@code "kind":"key"}, so this is a superset; each candidate is then
   * parsed ({@link #isKeyRecord}). docs/FORMAT.md §4.1.
   */
  public static final String KEY_CANDIDATES = "instr(body, CAST('\"kind\":\"key\"' AS BLOB)) > 0";

  /** Whether stored bytes are a key record by their envelope; false when they do not parse. */
  public static boolean isKeyRecord(byte[] body) {
    if (body == null) {
      return false;
    }
    try {
      return "key".equals(Envelope.parse(dev.lineageledger.core.CanonicalJson.parse(body)).kind());
    } catch (FormatException | dev.lineageledger.core.InvalidRecordException | RuntimeException e) {
      return false;
    }
  }

  public KeyHistory(Collection<VerifierKey> pinned) {
    for (VerifierKey k : pinned) {
      keys.put(label(k), k);
    }
  }

  /** {@code name+keyid}: how a record's {@code signer} member names a key (§3.1). */
  public static String label(VerifierKey k) {
    return k.name() + "+" + k.keyId().hex();
  }

  public VerifierKey get(String label) {
    return label == null ? null : keys.get(label);
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  public List<VerifierKey> keys() {
    return List.copyOf(keys.values());
  }

  /**
   * Applies a key record whose envelope was parsed from canonical bytes with leaf hash {@code
   * leaf}: its signer must be trusted now and its signature valid (§4.1), then {@code add}
   * trusts the named key and {@code revoke} stops trusting it, from the next record on.
   *
   * @throws VerificationException naming why the record cannot change the trust set
   */
  public void apply(String origin, Envelope.Parsed p, Hash leaf, byte[] sig)
      throws VerificationException {
    VerifierKey signer = get(p.signer());
    if (signer == null) {
      throw new VerificationException("key record signed by " + p.signer()
          + ", which is not trusted at this position");
    }
    if (sig == null) {
      throw new VerificationException("key record has no signature");
    }
    signer.verify(Envelope.recordSignatureMessage(origin, leaf), sig);
    JsonNode body = p.body();
    VerifierKey k;
    try {
      k = VerifierKey.parse(body.path("key").asText());
    } catch (FormatException e) {
      throw new VerificationException("key record names no valid key: " + e.getMessage(), e);
    }
    if (!k.name().equals(origin)) {
      // §3.3, §4.1: a log's key name is its origin; another log's (or a witness's) key never
      // joins this log's trust set.
      throw new VerificationException("key record names key " + label(k) + ", but this log's"
          + " keys are named after its origin");
    }
    switch (body.path("action").asText()) {
      case "add" -> keys.put(label(k), k);
      case "revoke" -> keys.remove(label(k));
      default -> throw new VerificationException("key record action must be add or revoke");
    }
  }

  /**
   * Follows the key records before a checkpoint (in order) from the pinned keys, then opens the
   * checkpoint with the keys trusted after its last record. Each key record must be included in
   * the tree the checkpoint commits to; since the checkpoint's signature is checked with the
   * keys those records made trusted, the records are authenticated by that signature in turn.
   * This is what lets an auditor who pinned a key once verify checkpoints signed after any
   * number of rotations, offline.
   */
  public static dev.lineageledger.core.Checkpoint openFollowingRotations(String noteText,
      Collection<VerifierKey> pinned, String origin, List<dev.lineageledger.core.KeyRecordProof> keyRecords)
      throws FormatException, VerificationException {
    dev.lineageledger.core.Checkpoint unverified = dev.lineageledger.core.Checkpoint.parse(
        dev.lineageledger.core.SignedNote.parse(noteText).body());
    KeyHistory h = new KeyHistory(pinned);
    long last = -1;
    for (dev.lineageledger.core.KeyRecordProof e : keyRecords) {
      if (e.seq() <= last || e.seq() >= unverified.size()) {
        throw new VerificationException("key record " + e.seq()
            + " is out of order or not covered by the checkpoint");
      }
      last = e.seq();
      Envelope.Parsed p;
      try {
        p = Envelope.parse(dev.lineageledger.core.CanonicalJson.parse(e.record()));
      } catch (dev.lineageledger.core.InvalidRecordException ex) {
        throw new VerificationException("key record " + e.seq() + " is malformed: "
            + ex.getMessage(), ex);
      }
      if (p.seq() != e.seq() || !"key".equals(p.kind())) {
        throw new VerificationException("record " + e.seq() + " is not a key record at that position");
      }
      Hash leaf = dev.lineageledger.core.MerkleTree.leafHash(e.record());
      if (h.get(p.signer()) == null) {
        continue; // §4.1: a key record by an untrusted signer changes nothing
      }
      h.apply(origin, p, leaf, e.signature());
      dev.lineageledger.core.InclusionProof.verify(e.seq(), unverified.size(), leaf, e.inclusion(),
          unverified.root());
    }
    return dev.lineageledger.core.Checkpoint.open(noteText, h.keys(), origin);
  }
}
