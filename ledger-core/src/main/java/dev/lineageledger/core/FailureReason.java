package dev.lineageledger.core;

/**
 * Why verification failed, as a stable code (docs/FORMAT.md §9 lists each one with the rule it
 * enforces). Scripts match on {@link #code()}; the enum constant names are not a promise.
 */
public enum FailureReason {
  /** No trusted key was given, so no signature can be checked. */
  NO_TRUSTED_KEYS("no-trusted-keys"),
  /** {@code ledger_meta} holds a row or a value the format does not allow (§7.1). */
  LEDGER_META("ledger-meta"),
  /** A sequence number is missing or out of order. */
  MISSING_RECORD("missing-record"),
  /** The stored bytes are not RFC 8785 canonical JSON (§3.1). */
  NOT_CANONICAL("not-canonical"),
  /** The envelope breaks §3.1 (members, types, time format, actor). */
  MALFORMED_RECORD("malformed-record"),
  /** The {@code seq} member differs from the record's position. */
  SEQ_MISMATCH("seq-mismatch"),
  /** {@code prev} is not the leaf hash of the previous record. */
  CHAIN_BROKEN("chain-broken"),
  /** The body breaks the rules of its kind (§3.3, §3.4). */
  INVALID_RECORD("invalid-record"),
  /** A reference is unresolved, forward, to the wrong record or kind, or forms a cycle (§3.2). */
  BAD_REFERENCE("bad-reference"),
  /** A second record claims the identity of an earlier one (§3.5). */
  DUPLICATE_IDENTITY("duplicate-identity"),
  /** The stored leaf hash is not the hash of the stored bytes. */
  LEAF_HASH_MISMATCH("leaf-hash-mismatch"),
  /** A column derived from the record bytes disagrees with them (§7). */
  DERIVED_COLUMN_MISMATCH("derived-column-mismatch"),
  /** The stored lineage edges differ from the record's references. */
  EDGE_MISMATCH("edge-mismatch"),
  /** The stored Merkle tree nodes differ from those computed from the records. */
  TREE_NODE_MISMATCH("tree-node-mismatch"),
  /**
   * The lookup index (hash, kind:name@version, time, its coverage mark) disagrees with the log
   * it is derived from (§7): a forged row would redirect a reference or a query.
   */
  INDEX_MISMATCH("index-mismatch"),
  /** A record that must be signed has no signer or no signature. */
  MISSING_SIGNATURE("missing-signature"),
  /** A record is signed by a key that is not trusted at its position. */
  UNTRUSTED_SIGNER("untrusted-signer"),
  /** A record signature does not verify. */
  BAD_SIGNATURE("bad-signature"),
  /** A signer or signature on a record that must not carry one (§9.6). */
  UNEXPECTED_SIGNATURE("unexpected-signature"),
  /** A stored checkpoint does not parse. */
  CHECKPOINT_MALFORMED("checkpoint-malformed"),
  /** A stored checkpoint carries no valid signature by a trusted key. */
  CHECKPOINT_SIGNATURE("checkpoint-signature"),
  /** A stored checkpoint names another log. */
  CHECKPOINT_ORIGIN("checkpoint-origin"),
  /** A signed checkpoint's root differs from the root of the records. */
  CHECKPOINT_ROOT_MISMATCH("checkpoint-root-mismatch"),
  /** A checkpoint covers records that are no longer there. */
  TRUNCATED("truncated"),
  /** Two validly signed, different roots for one tree size. */
  EQUIVOCATION("equivocation"),
  /** The stored tree does not hash to the trusted checkpoint's root. */
  INCONSISTENT_WITH_TRUSTED_CHECKPOINT("inconsistent-with-trusted-checkpoint"),
  /**
   * Records after the last valid checkpoint: not covered by any signature yet. Not evidence of
   * tampering (a crash or a full disk leaves such a tail); reported apart from every other
   * reason.
   */
  UNCOVERED("uncovered");

  private final String code;

  FailureReason(String code) {
    this.code = code;
  }

  /** The stable code, e.g. {@code chain-broken}. */
  public String code() {
    return code;
  }

  /** True for the failures that concern checkpoints rather than records. */
  public boolean isCheckpointFailure() {
    return switch (this) {
      case CHECKPOINT_MALFORMED, CHECKPOINT_SIGNATURE, CHECKPOINT_ORIGIN, CHECKPOINT_ROOT_MISMATCH,
          TRUNCATED, EQUIVOCATION -> true;
      default -> false;
    };
  }

  @Override
  public String toString() {
    return code;
  }
}
