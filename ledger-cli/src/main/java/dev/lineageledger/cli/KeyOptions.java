package dev.lineageledger.cli;

import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.KeyFiles;
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
    String s = Files.readString(passphraseFile, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    String line = (nl >= 0 ? s.substring(0, nl) : s).replace("\r", "");
    if (line.isEmpty()) {
      throw new KeyException("passphrase file " + passphraseFile + " is empty");
    }
    return line.toCharArray();
  }

  Ed25519Signer load(LedgerOption ledger, String origin) throws IOException, KeyException {
    Path f = keyFile != null ? keyFile : ledger.keyFile();
    if (!Files.exists(f)) {
      throw new KeyException("no signing key at " + f + " (pass --key-file, or create the ledger"
          + " with 'ledger init')");
    }
    return KeyFiles.readPrivateKey(f, origin, passphrase(), allowInsecure);
  }
}
