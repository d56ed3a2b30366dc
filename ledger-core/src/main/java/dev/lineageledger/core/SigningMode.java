package dev.lineageledger.core;

/** Whether every record carries its writer's signature, or only checkpoints are signed. */
public enum SigningMode {
  /** Each record is signed by its writer's key over a domain-separated message (FORMAT.md). */
  PER_RECORD,
  /** Records are committed by hash chain and Merkle tree; signed checkpoints vouch for them. */
  CHECKPOINT_ONLY;

  public String id() {
    return this == PER_RECORD ? "per-record" : "checkpoint-only";
  }

  public static SigningMode fromId(String id) {
    return switch (id) {
      case "per-record" -> PER_RECORD;
      case "checkpoint-only" -> CHECKPOINT_ONLY;
      default -> throw new IllegalArgumentException("unknown signing mode " + id);
    };
  }
}
