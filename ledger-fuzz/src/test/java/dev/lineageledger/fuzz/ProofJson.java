package dev.lineageledger.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.InclusionProof;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.VerificationException;
import dev.lineageledger.core.VerifierKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The proof file that {@code ledger prove --json} writes (docs/FORMAT.md §6):
 * {@code {"index","size","leafHash","proof","checkpoint"}}, read with the same rules as {@code
 * ledger verify-proof}. ledger-core has no public reader for this format (the CLI's is private to
 * its command), so the fuzz module carries this one.
 */
record ProofJson(long index, long size, Hash leafHash, List<Hash> proof, String checkpoint) {

  static ProofJson parse(byte[] json) throws InvalidRecordException, FormatException {
    JsonNode p = CanonicalJson.parse(json);
    if (!p.isObject()) {
      throw new FormatException("proof file: must be a JSON object");
    }
    long index = integer(p, "index");
    long size = integer(p, "size");
    Hash leaf = Hash.fromBase64(text(p, "leafHash"));
    JsonNode arr = p.get("proof");
    if (arr == null || !arr.isArray()) {
      throw new FormatException("proof file: \"proof\" must be an array of base64 hashes");
    }
    List<Hash> path = new ArrayList<>();
    for (JsonNode h : arr) {
      if (!h.isTextual()) {
        throw new FormatException("proof file: \"proof\" must be an array of base64 hashes");
      }
      path.add(Hash.fromBase64(h.textValue()));
    }
    return new ProofJson(index, size, leaf, path, text(p, "checkpoint"));
  }

  /**
   * Verifies the checkpoint's signature first, then that it is for this proof's tree size, then
   * the RFC 9162 inclusion proof against its root.
   */
  Checkpoint verify(Collection<VerifierKey> trusted, String origin)
      throws FormatException, VerificationException {
    Checkpoint cp = Checkpoint.open(checkpoint, trusted, origin);
    if (cp.size() != size) {
      throw new VerificationException(
          "proof is for tree size " + size + " but the checkpoint is for size " + cp.size());
    }
    InclusionProof.verify(index, size, leafHash, proof, cp.root());
    return cp;
  }

  private static long integer(JsonNode p, String f) throws FormatException {
    JsonNode v = p.get(f);
    if (v == null || !v.isIntegralNumber() || v.asLong() < 0) {
      throw new FormatException("proof file: \"" + f + "\" must be a non-negative integer");
    }
    return v.asLong();
  }

  private static String text(JsonNode p, String f) throws FormatException {
    JsonNode v = p.get(f);
    if (v == null || !v.isTextual()) {
      throw new FormatException("proof file: \"" + f + "\" must be a string");
    }
    return v.textValue();
  }
}
