package dev.lineageledger.cli;

import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.keyvault.KeyVaultKeyId;
import dev.lineageledger.keyvault.KeyVaultKeys;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The CLI's Key Vault plumbing: one {@link KeyVaultKeys} per process (DefaultAzureCredential;
 * the vault's TLS certificate is checked against the JVM trust store, which {@code
 * LEDGER_JAVA_OPTS} can set), and the signing keys to wipe when the command ends.
 */
final class KeyVault {
  private static KeyVaultKeys keys;
  private static final List<Ed25519Signer> LOADED = new CopyOnWriteArrayList<>();

  private KeyVault() {}

  static synchronized KeyVaultKeys keys() {
    if (keys == null) {
      keys = KeyVaultKeys.builder().build();
    }
    return keys;
  }

  static KeyVaultKeyId parse(String option, String url) throws UsageException {
    try {
      return KeyVaultKeyId.parse(url);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  /** Remembers a private key so that {@link #wipeAll()} zeroes it when the command is done. */
  static Ed25519Signer track(Ed25519Signer key) {
    LOADED.add(key);
    return key;
  }

  /**
   * Zeroes every key loaded by this command (its ledgers are closed by now). Not while the JVM
   * shuts down: then a shutdown hook (SIGINT during {@code record --jsonl}) may still be closing
   * a ledger and signing its last checkpoint with the key, and the process memory is released
   * at exit anyway.
   */
  static void wipeAll() {
    if (shuttingDown()) {
      return;
    }
    for (Ed25519Signer k : LOADED) {
      k.destroy();
    }
    LOADED.clear();
  }

  private static boolean shuttingDown() {
    Thread probe = new Thread(() -> { });
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true; // "Shutdown in progress"
    }
  }
}
