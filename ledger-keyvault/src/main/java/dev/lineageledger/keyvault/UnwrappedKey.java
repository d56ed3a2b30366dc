package dev.lineageledger.keyvault;

import dev.lineageledger.core.Ed25519Signer;
import java.util.Objects;

/**
 * A ledger signing key unwrapped by Key Vault, held in memory only. Close it after the ledger
 * that signs with it: {@link #close()} zeroes the private key ({@link Ed25519Signer#destroy()}).
 *
 * <pre>{@code
 * try (UnwrappedKey key = keys.unwrap(WrappedKeyFile.read(path), origin);
 *      Ledger ledger = Ledger.open(db, LedgerOptions.builder().checkpointSigner(key.signer()).build())) {
 *   ...
 * }   // the ledger closes first, then the key is wiped
 * }</pre>
 */
public final class UnwrappedKey implements AutoCloseable {
  private final Ed25519Signer signer;
  private final WrappedKeyFile source;

  UnwrappedKey(Ed25519Signer signer, WrappedKeyFile source) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.source = Objects.requireNonNull(source, "source");
  }

  /** The signer: the same type file keys produce, so every check applies unchanged. */
  public Ed25519Signer signer() {
    return signer;
  }

  /** The wrapped file this key came from. */
  public WrappedKeyFile source() {
    return source;
  }

  /** Zeroes the private key; the signer refuses to sign afterwards. Idempotent. */
  @Override
  public void close() {
    signer.destroy();
  }

  @Override
  public String toString() {
    return "UnwrappedKey(" + signer.verifierKey() + " from " + source.keyVaultKey() + ")";
  }
}
