package dev.lineageledger.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The self-contained inclusion proof file (docs/FORMAT.md §6) that {@code ledger prove --json}
 * writes and {@code ledger verify-proof} reads: {@code {"index","size","leafHash","proof",
 * "checkpoint"}}, hashes in base64, the checkpoint as signed-note text. Everything needed to
 * check offline that a record is in a signed tree, given a trusted verifier key.
 */
public record InclusionProofFile(long index, long size, Hash leafHash, List<Hash> proof,
    String checkpoint, List<KeyRecordProof> keyRecords) {
  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public InclusionProofFile {
    proof = List.copyOf(proof);
    keyRecords = List.copyOf(keyRecords);
  }

  /** A proof file without key records (a ledger that never rotated its key). */
  public InclusionProofFile(long index, long size, Hash leafHash, List<Hash> proof, String checkpoint) {
    this(index, size, leafHash, proof, checkpoint, List.of());
  }

  /** Parses strictly (RFC 8785 input rules); every problem is a one-line FormatException. */
  public static InclusionProofFile parse(byte[] json) throws FormatException {
    JsonNode p;
    try {
      p = CanonicalJson.parse(json);
    } catch (InvalidRecordException e) {
      throw new FormatException("proof file: " + e.getMessage(), e);
    }
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
    List<KeyRecordProof> keys = new ArrayList<>();
    JsonNode kr = p.get("keyRecords");
    if (kr != null) {
      if (!kr.isArray()) {
        throw new FormatException("proof file: \"keyRecords\" must be an array");
      }
      for (JsonNode k : kr) {
        if (!k.isObject()) {
          throw new FormatException("proof file: each of \"keyRecords\" must be an object");
        }
        JsonNode kp = k.get("proof");
        if (kp == null || !kp.isArray()) {
          throw new FormatException("proof file: keyRecords[].proof must be an array of base64 hashes");
        }
        List<Hash> inc = new ArrayList<>();
        for (JsonNode h : kp) {
          if (!h.isTextual()) {
            throw new FormatException("proof file: keyRecords[].proof must be an array of base64 hashes");
          }
          inc.add(Hash.fromBase64(h.textValue()));
        }
        keys.add(new KeyRecordProof(integer(k, "seq"), base64(k, "record"), base64(k, "signature"), inc));
      }
    }
    return new InclusionProofFile(index, size, leaf, path, text(p, "checkpoint"), keys);
  }

  private static byte[] base64(JsonNode p, String f) throws FormatException {
    try {
      return java.util.Base64.getDecoder().decode(text(p, f));
    } catch (IllegalArgumentException e) {
      throw new FormatException("proof file: \"" + f + "\" must be standard base64");
    }
  }

  /** The file as {@code ledger prove --json} prints it (indented JSON). */
  public String toJson() {
    ObjectNode o = PRETTY.createObjectNode();
    o.put("index", index);
    o.put("size", size);
    o.put("leafHash", leafHash.base64());
    ArrayNode a = o.putArray("proof");
    proof.forEach(h -> a.add(h.base64()));
    o.put("checkpoint", checkpoint);
    if (!keyRecords.isEmpty()) {
      ArrayNode ks = o.putArray("keyRecords");
      for (KeyRecordProof k : keyRecords) {
        ObjectNode x = ks.addObject();
        x.put("seq", k.seq());
        x.put("record", java.util.Base64.getEncoder().encodeToString(k.record()));
        x.put("signature", java.util.Base64.getEncoder().encodeToString(k.signature()));
        ArrayNode kp = x.putArray("proof");
        k.inclusion().forEach(h -> kp.add(h.base64()));
      }
    }
    try {
      return PRETTY.writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Verifies the checkpoint's signature first (with the keys trusted after following the key
   * records the file carries, from {@code trusted}: docs/FORMAT.md §4.1), then that it is for
   * this proof's tree size, then the RFC 9162 inclusion proof against its root.
   */
  public Checkpoint verify(Collection<VerifierKey> trusted, String origin)
      throws FormatException, VerificationException {
    Checkpoint cp = dev.lineageledger.core.internal.KeyHistory.openFollowingRotations(
        checkpoint, trusted, origin, keyRecords);
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
