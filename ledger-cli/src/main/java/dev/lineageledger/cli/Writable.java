package dev.lineageledger.cli;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.VerifierKey;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import java.io.IOException;

/** Opens a ledger for writing with the key beside it (or --key-file). */
final class Writable {
  private Writable() {}

  static Ledger open(LedgerOption ledger, KeyOptions keys, Durability durability)
      throws LedgerException, IOException, UsageException {
    return open(ledger, signingKey(ledger, keys), durability);
  }

  /** Loads the signing key and checks it is the ledger's current key (PATH.pub's first line). */
  static Ed25519Signer signingKey(LedgerOption ledger, KeyOptions keys)
      throws LedgerException, IOException, UsageException {
    String origin;
    try (Ledger ro = ReadOnly.open(ledger)) {
      origin = ro.origin();
    }
    Ed25519Signer key = keys.load(ledger, origin);
    // A PostgreSQL ledger has no PATH.pub; the key is checked against its key history on open.
    if (ledger.pubFile() != null && java.nio.file.Files.exists(ledger.pubFile())) {
      VerifierKey expected = Trust.pubFile(ledger.pubFile()).get(0);
      if (!expected.equals(key.verifierKey())) {
        throw new KeyException("the signing key does not match the ledger's verifier key in "
            + ledger.pubFile() + " (" + expected + ")");
      }
    }
    return key;
  }

  static Ledger open(LedgerOption ledger, Ed25519Signer key, Durability durability)
      throws LedgerException, UsageException {
    return Ledger.open(ledger.location(), ledger.options().checkpointSigner(key)
        .durability(durability == null ? Durability.FSYNC : durability).build());
  }
}
