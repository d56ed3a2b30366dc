package dev.lineageledger.cli;

import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.KeyFiles;
import dev.lineageledger.core.VerifierKey;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/**
 * Writes key files, reporting a failed write as what it is. The library reports every key-file
 * problem as a {@link KeyException} (exit 2, the user's input); a write that fails with an I/O
 * error (disk full, read-only file system, no permission on the directory) is the environment
 * (exit 3).
 */
final class KeyFileWriter {
  private KeyFileWriter() {}

  static void writePrivateKey(Path file, Ed25519Signer key, char[] passphrase)
      throws KeyException, IOException {
    try {
      KeyFiles.writePrivateKey(file, key, passphrase);
    } catch (KeyException e) {
      if (failedToWrite(e)) {
        throw new IOException(e.getMessage(), e);
      }
      throw e;
    }
  }

  static void writePublicKey(Path file, VerifierKey key) throws KeyException, IOException {
    try {
      KeyFiles.writePublicKey(file, key);
    } catch (KeyException e) {
      if (failedToWrite(e)) {
        throw new IOException(e.getMessage(), e);
      }
      throw e;
    }
  }

  private static boolean failedToWrite(KeyException e) {
    return e.getCause() instanceof IOException io && !(io instanceof FileAlreadyExistsException);
  }
}
