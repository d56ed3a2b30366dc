package dev.lineageledger.fuzz;

import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.KeyFiles;
import dev.lineageledger.core.VerifierKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The fixed keys the fuzz targets verify with, so that the seed inputs carry valid signatures and
 * the fuzzer starts from notes and proofs that verify.
 */
final class FuzzKeys {
  /** Key name of the fuzz log's key, and the log's origin (the C2SP convention). */
  static final String ORIGIN = "fuzz.example/ledger";

  /**
   * RFC 8032 §7.1 TEST 1 secret key: published, so it is harmless in a test, and Ed25519 is
   * deterministic, so every seed signed with it is reproducible byte for byte.
   */
  static final String SEED_HEX = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

  /** RFC 8410 §7: the DER of a v1 PKCS#8 Ed25519 key is this prefix and the 32-byte seed. */
  static final String PKCS8_PREFIX_HEX = "302e020100300506032b657004220420";

  /** The PKCS#8 PEM of the fuzz key, as {@code openssl genpkey -algorithm ed25519} writes it. */
  static final String PRIVATE_KEY_PEM =
      "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(PKCS8_PREFIX_HEX + SEED_HEX))
          + "\n-----END PRIVATE KEY-----\n";

  static final Ed25519Signer SIGNER = load();

  static final VerifierKey KEY = SIGNER.verifierKey();

  /**
   * C2SP signed-note "Verifier keys / Example" key, so that the spec's example note (a seed input)
   * verifies too. CC BY 4.0, The C2SP Authors.
   */
  static final VerifierKey C2SP_EXAMPLE = parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");

  static final List<VerifierKey> TRUSTED = List.of(KEY, C2SP_EXAMPLE);

  private FuzzKeys() {}

  /** KeyFiles is the only public way to a signer with a known seed, so go through a file. */
  private static Ed25519Signer load() {
    try {
      Path dir = Files.createTempDirectory("ledger-fuzz-key");
      Path file = dir.resolve("fuzz.pem");
      try {
        Files.write(file, PRIVATE_KEY_PEM.getBytes(StandardCharsets.US_ASCII));
        return KeyFiles.readPrivateKey(file, ORIGIN, null, true);
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (KeyException e) {
      throw new IllegalStateException("the fixed fuzz key does not load", e);
    }
  }

  private static VerifierKey parse(String vkey) {
    try {
      return VerifierKey.parse(vkey);
    } catch (FormatException e) {
      throw new IllegalStateException(e);
    }
  }
}
