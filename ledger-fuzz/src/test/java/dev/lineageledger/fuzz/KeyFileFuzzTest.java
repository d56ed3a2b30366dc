package dev.lineageledger.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.KeyFiles;
import dev.lineageledger.core.VerifierKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Key files with fuzzed content: {@link KeyFiles#readPrivateKey} (plain and encrypted PKCS#8 PEM,
 * with a fixed passphrase so that encrypted seeds decrypt) and both {@link
 * KeyFiles#readVerifierKey} variants (vkey line, SubjectPublicKeyInfo PEM). Only {@link
 * KeyException} may come out, and a key that loads must print back to the same vkey.
 */
class KeyFileFuzzTest {
  static final String PASSPHRASE = "fuzz passphrase";

  private static Path dir;
  private static Path file;

  @BeforeAll
  static void createFile() throws IOException {
    // In the working directory, which the build points into target/.
    dir = Files.createTempDirectory(Path.of("").toAbsolutePath(), "keyfile-fuzz");
    file = dir.resolve("key");
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
  }

  @AfterAll
  static void deleteFile() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  @FuzzTest
  void keyFile(byte[] input) throws Exception {
    Files.write(file, input);

    try {
      Ed25519Signer key = KeyFiles.readPrivateKey(file, FuzzKeys.ORIGIN, PASSPHRASE.toCharArray(), false);
      assertThat(VerifierKey.parse(key.verifierKey().toString())).isEqualTo(key.verifierKey());
    } catch (KeyException e) {
      Oracles.oneLine(e);
    }
    try {
      VerifierKey key = KeyFiles.readVerifierKey(file);
      assertThat(VerifierKey.parse(key.toString())).isEqualTo(key);
    } catch (KeyException e) {
      Oracles.oneLine(e);
    }
    try {
      VerifierKey key = KeyFiles.readVerifierKey(file, FuzzKeys.ORIGIN);
      assertThat(key.name()).isEqualTo(FuzzKeys.ORIGIN);
    } catch (KeyException e) {
      Oracles.oneLine(e);
    }
  }
}
