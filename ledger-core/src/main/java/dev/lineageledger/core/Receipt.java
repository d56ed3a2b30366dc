package dev.lineageledger.core;

import java.util.Objects;

/**
 * Proof of acknowledgement: the record is durable under the ledger's durability mode at {@code
 * seq} with leaf hash {@code leafHash} = SHA-256(0x00 || canonical bytes).
 */
public record Receipt(long seq, Hash leafHash) {
  public Receipt {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0");
    }
    Objects.requireNonNull(leafHash, "leafHash");
  }

  @Override
  public String toString() {
    return seq + " sha256:" + leafHash.hex();
  }
}
