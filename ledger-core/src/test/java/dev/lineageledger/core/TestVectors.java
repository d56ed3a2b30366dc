package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/** Loads the vectors under {@code src/test/resources/note/} (see ATTRIBUTION.md there). */
final class TestVectors {
  private TestVectors() {}

  static String resource(String path) {
    try (InputStream in = TestVectors.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A one-line resource without its final newline. */
  static String line(String path) {
    String s = resource(path);
    assertThat(s).endsWith("\n");
    return s.substring(0, s.length() - 1);
  }

  static String note(String name) {
    return resource("note/" + name + ".note");
  }

  static VerifierKey vkey(String name) {
    try {
      return VerifierKey.parse(line("note/" + name + ".vkey"));
    } catch (FormatException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Reads Go's signer key format {@code PRIVATE+KEY+<name>+<hex id>+base64(0x01 || seed)}
   * (golang.org/x/mod/sumdb/note NewSigner). Test code only: production keys live in PKCS#8.
   */
  static Ed25519Signer goSignerKey(String skey) {
    String[] f = skey.split("\\+", 5);
    assertThat(f).hasSize(5);
    assertThat(f[0] + "+" + f[1]).isEqualTo("PRIVATE+KEY");
    byte[] typed = Base64.getDecoder().decode(f[4]);
    assertThat(typed).hasSize(33);
    assertThat(typed[0]).isEqualTo((byte) 1);
    Ed25519Signer s = Ed25519Signer.fromSeed(f[2], Arrays.copyOfRange(typed, 1, 33));
    assertThat(s.verifierKey().keyId().hex()).as("key ID in %s", f[2]).isEqualTo(f[3]);
    return s;
  }

  static Ed25519Signer goSigner(String name) {
    return goSignerKey(line("note/" + name + ".skey"));
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  static Ed25519Signer seeded(String name, int fill) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) fill);
    return Ed25519Signer.fromSeed(name, seed);
  }
}
