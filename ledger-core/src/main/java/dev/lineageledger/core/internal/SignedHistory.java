package dev.lineageledger.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerStorageException;
import dev.lineageledger.core.NoteSignature;
import dev.lineageledger.core.SignedNote;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.core.VerificationException;
import dev.lineageledger.core.VerifierKey;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a writer checks before it signs anything: that its key is one the ledger's own signed
 * history trusts now (the key of the first checkpoint, or of the first signed record, followed
 * through the {@code key} records), and that the unsigned {@code ledger_meta} parameters agree
 * with the signed data. A key file beside the ledger is no evidence: it can be missing, stale
 * or swapped, and signing with another ledger's key would poison this one for every verifier.
 */
public final class SignedHistory {
  private SignedHistory() {}

  /**
   * @throws KeyException if {@code key} is not trusted at the end of the ledger's key history
   * @throws LedgerStorageException (CORRUPT) if ledger_meta contradicts the signed records
   */
  public static void checkWriter(LedgerStore.Reader conn, String path, String origin, SigningMode mode,
      List<VerifierKey> signingKeys) throws LedgerException {
    checkMeta(conn, path, origin, mode);
    for (VerifierKey k : signingKeys) {
      checkKey(conn, path, origin, k);
    }
  }


  private static void checkMeta(LedgerStore.Reader conn, String path, String origin, SigningMode mode)
      throws LedgerException {
    LedgerStore.CheckpointRow firstCp = conn.firstCheckpoint();
    String firstBody = firstCp == null ? null : firstCp.body();
    if (firstBody != null && !firstBody.startsWith(origin + "\n")) {
      throw corrupt(path, "its ledger_meta origin '" + origin + "' is not the origin its signed"
          + " checkpoints name");
    }
    // The first record that is not a key record, by its signed bytes (not the kind column).
    conn.scan(0, Long.MAX_VALUE, row -> {
        byte[] body = row.body();
        if (KeyHistory.isKeyRecord(body)) {
          return;
        }
        String signer;
        try {
          signer = Envelope.parse(CanonicalJson.parse(body)).signer();
        } catch (InvalidRecordException | FormatException | RuntimeException e) {
          throw corrupt(path, "a record is unreadable (run 'ledger verify')");
        }
        if ((signer != null) != (mode == SigningMode.PER_RECORD)) {
          throw corrupt(path, "its ledger_meta signing_mode '" + mode.id() + "' contradicts its"
              + " signed records");
        }
        throw LedgerStore.StopScan.STOP; // the first record that is not a key record decides
      });
  }

  private static void checkKey(LedgerStore.Reader conn, String path, String origin, VerifierKey k)
      throws LedgerException {
    String label = KeyHistory.label(k);
    if (!k.name().equals(origin)) {
      throw new KeyException("the signing key " + label + " is named '" + k.name()
          + "', but this ledger's origin is '" + origin + "' (a log's key name is its origin):"
          + " it is another ledger's key");
    }
    String genesis = genesisLabel(conn, k);
    if (genesis == null) {
      return; // nothing signed yet: the first checkpoint will bind this key
    }
    Set<String> trusted = new LinkedHashSet<>();
    trusted.add(genesis);
    // Public keys known in full, so that key records' signatures are checked, not only their
    // signer labels: the candidate (when it is the genesis key) and every key a record added.
    java.util.Map<String, VerifierKey> known = new java.util.HashMap<>();
    known.put(label, k);
    // §4.1: key records are found from their signed bytes, never from the kind column.
    conn.scanKeyCandidates(0, Long.MAX_VALUE, r -> {
        byte[] bytes = r.body();
        if (!KeyHistory.isKeyRecord(bytes)) {
          return;
        }
        if (!"key".equals(r.kind())) {
          throw corrupt(path, "a key record's kind column says '" + TextRules.escape(r.kind())
              + "' (run 'ledger verify')");
        }
        try {
          Envelope.Parsed p = Envelope.parse(CanonicalJson.parse(bytes));
          if (!trusted.contains(p.signer())) {
            return; // §4.1: a key record by an untrusted signer changes nothing
          }
          VerifierKey signerKey = known.get(p.signer());
          if (signerKey != null) {
            byte[] sig = r.sig();
            try {
              if (sig == null) {
                throw new VerificationException("no signature");
              }
              signerKey.verify(Envelope.recordSignatureMessage(origin,
                  dev.lineageledger.core.MerkleTree.leafHash(bytes)), sig);
            } catch (VerificationException e) {
              throw corrupt(path, "key record " + p.seq() + " does not verify under "
                  + p.signer() + " (run 'ledger verify')");
            }
          }
          JsonNode b = p.body();
          VerifierKey namedKey = VerifierKey.parse(b.path("key").asText());
          String named = KeyHistory.label(namedKey);
          if ("add".equals(b.path("action").asText())) {
            trusted.add(named);
            known.put(named, namedKey);
          } else if ("revoke".equals(b.path("action").asText())) {
            trusted.remove(named);
          }
        } catch (InvalidRecordException | FormatException e) {
          throw corrupt(path, "a key record is unreadable (run 'ledger verify'): " + e.getMessage());
        }
    });
    if (!trusted.contains(label)) {
      throw new KeyException("the signing key " + label + " is not one this ledger's signed key"
          + " history trusts now (" + String.join(", ", trusted) + "); refusing to sign with it");
    }
  }

  /**
   * The key the ledger started with: the one that signed its first checkpoint (when {@code
   * candidate} verifies that signature, it is the candidate), else the signer of its first
   * signed record; null when nothing is signed yet.
   */
  private static String genesisLabel(LedgerStore.Reader conn, VerifierKey candidate)
      throws LedgerException {
    LedgerStore.CheckpointRow first = conn.firstCheckpoint();
    if (first != null) {
      try {
        SignedNote note = SignedNote.parse(first.noteText());
        try {
          note.verify(List.of(candidate));
          return KeyHistory.label(candidate);
        } catch (VerificationException e) {
          for (NoteSignature s : note.signatures()) {
            if (s.name().equals(candidate.name())) {
              return s.name() + "+" + s.keyId().hex();
            }
          }
        }
      } catch (FormatException e) {
        // fall through to the records
      }
    }
    return conn.firstSigner();
  }

  private static LedgerStorageException corrupt(String path, String why) {
    return new LedgerStorageException(LedgerStorageException.Reason.CORRUPT,
        path + " cannot be written: " + why, null);
  }
}
