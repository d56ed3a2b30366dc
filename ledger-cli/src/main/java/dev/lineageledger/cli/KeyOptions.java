package dev.lineageledger.cli;

import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.KeyFiles;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.keyvault.WrappedKeyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the signing key is and how to unlock it. */
final class KeyOptions {
  @Option(names = "--key-file", paramLabel = "FILE",
      description = "Private signing key (default: the ledger path + .key).")
  Path keyFile;

  @Option(names = "--passphrase-file", paramLabel = "FILE",
      description = "File whose first line is the key's passphrase (never pass it on the command line).")
  Path passphraseFile;

  @Option(names = "--allow-insecure-key-permissions", hidden = true,
      description = "Accept a private key file readable by group or others.")
  boolean allowInsecure;

  char[] passphrase() throws IOException, KeyException {
    if (passphraseFile == null) {
      return null;
    }
    return firstLine(passphraseFile, "passphrase file");
  }

  /** The first line of a secret's file ({@code what} names it in messages); never empty. */
  static char[] firstLine(Path file, String what) throws IOException, KeyException {
    String s = Files.readString(file, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    String line = (nl >= 0 ? s.substring(0, nl) : s).replace("\r", "");
    if (line.isEmpty()) {
      throw new KeyException(what + " " + file + " is empty");
    }
    return line.toCharArray();
  }

  /**
   * The signing key file: {@code --key-file}, else {@code PATH.key}, else (for a ledger whose key
   * Key Vault guards) {@code PATH.key.wrapped}.
   */
  Path resolve(LedgerOption ledger) throws UsageException {
    if (keyFile != null) {
      return keyFile;
    }
    if (ledger.isPostgres()) {
      throw new UsageException("a PostgreSQL ledger has no signing key beside it: pass --key-file");
    }
    if (!Files.exists(ledger.keyFile()) && Files.exists(ledger.wrappedKeyFile())) {
      return ledger.wrappedKeyFile();
    }
    return ledger.keyFile();
  }

  /** Whether {@code f} is a Key Vault-wrapped key file rather than a PEM key. */
  static boolean isWrapped(Path f) throws IOException {
    if (f.getFileName().toString().endsWith(".wrapped")) {
      return true;
    }
    try (java.io.InputStream in = Files.newInputStream(f)) {
      return WrappedKeyFile.looksWrapped(in.readNBytes(64));
    }
  }

  Ed25519Signer load(LedgerOption ledger, String origin)
      throws IOException, LedgerException, UsageException {
    Path f = resolve(ledger);
    if (!Files.exists(f)) {
      throw new KeyException("no signing key at " + f + " (pass --key-file, or create the ledger"
          + " with 'ledger init')");
    }
    if (isWrapped(f)) {
      if (passphraseFile != null) {
        throw new UsageException("--passphrase-file does not apply to a Key Vault-wrapped key ("
            + f + ")");
      }
      // Key Vault unwraps it in memory; the plain key is never written anywhere.
      return KeyVault.track(KeyVault.keys().unwrap(WrappedKeyFile.read(f), origin).signer());
    }
    return KeyVault.track(KeyFiles.readPrivateKey(f, origin, passphrase(), allowInsecure));
  }
}
