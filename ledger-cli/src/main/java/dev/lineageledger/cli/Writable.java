package dev.lineageledger.cli;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerOptions;
import java.io.IOException;

/** Opens a ledger for writing with the key beside it (or --key-file). */
final class Writable {
  private Writable() {}

  static Ledger open(LedgerOption ledger, KeyOptions keys, Durability durability)
      throws LedgerException, IOException {
    String origin;
    try (Ledger ro = Ledger.open(ledger.path(), LedgerOptions.readOnly())) {
      origin = ro.origin();
    }
    Ed25519Signer key = keys.load(ledger, origin);
    return Ledger.open(ledger.path(), LedgerOptions.builder().checkpointSigner(key)
        .durability(durability == null ? Durability.FSYNC : durability).build());
  }
}
