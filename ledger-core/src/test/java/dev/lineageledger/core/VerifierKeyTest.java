package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierKeyTest {
  static final String PETER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

  @Test
  void parsesAndPrintsSpecVectors() throws Exception {
    for (String v :
        List.of(
            PETER,
            "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop",
            "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")) {
      VerifierKey k = VerifierKey.parse(v);
      assertThat(k.toString()).isEqualTo(v);
      assertThat(VerifierKey.ed25519(k.name(), k.publicKey())).isEqualTo(k).hasToString(v);
    }
    VerifierKey p = VerifierKey.parse(PETER);
    assertThat(p.name()).isEqualTo("PeterNeumann");
    assertThat(p.keyId().hex()).isEqualTo("c74f20a3");
    assertThat(p.publicKey()).hasSize(32);
  }

  @Test
  void publicKeyIsACopy() throws Exception {
    VerifierKey p = VerifierKey.parse(PETER);
    p.publicKey()[0] ^= 1;
    assertThat(p.toString()).isEqualTo(PETER);
  }

  /**
   * Mirrors Go's TestNewVerifier (golang.org/x/mod/sumdb/note): every proper substring and every
   * single-byte change of a valid vkey must be rejected.
   */
  @Test
  void rejectsEveryManglingLikeGo() {
    byte[] b = PETER.getBytes(StandardCharsets.UTF_8);
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i <= b.length; i++) {
      for (int j = i + 1; j <= b.length; j++) {
        if (i != 0 || j != b.length) {
          tryParse(new String(b, i, j - i, StandardCharsets.UTF_8), accepted);
        }
      }
    }
    for (int i = 0; i < b.length; i++) {
      b[i]++;
      tryParse(new String(b, StandardCharsets.UTF_8), accepted);
      b[i]--;
    }
    assertThat(accepted).isEmpty();
  }

  private static void tryParse(String s, List<String> accepted) {
    try {
      VerifierKey.parse(s);
      accepted.add(s);
    } catch (FormatException expected) {
      // fine
    }
  }

  @Test
  void rejectsWrongLengthAndUnknownAlgorithmWithAdjustedKeyId() {
    // Go's TestNewVerifier vectors; the key IDs are recomputed, so only later checks catch them.
    // Go decodes "...BADKEY==" leniently; we already refuse its non-zero pad bits.
    assertThatThrownBy(
            () ->
                VerifierKey.parse(
                    "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="))
        .isInstanceOf(FormatException.class)
        .hasMessage("verifier key: key is not canonical base64 (padding or pad bits)");
    assertThatThrownBy(
            () ->
                VerifierKey.parse(
                    "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
        .isInstanceOf(FormatException.class)
        .hasMessage(
            "verifier key: unsupported signature type 0x65 (only Ed25519, 0x01, is supported)");
    byte[] typed = new byte[34];
    typed[0] = 1;
    assertThatThrownBy(
            () ->
                VerifierKey.parse(
                    "PeterNeumann+00000000+" + Base64.getEncoder().encodeToString(typed)))
        .isInstanceOf(FormatException.class)
        .hasMessage("verifier key: Ed25519 key must be 32 bytes, got 33");
  }

  @Test
  void rejectsMismatchedKeyId() {
    assertThatThrownBy(
            () -> VerifierKey.parse(PETER.replace("c74f20a3", "c74f20a4")))
        .isInstanceOf(FormatException.class)
        .hasMessage("verifier key: key ID c74f20a4 does not match the key (expected c74f20a3)");
  }

  @Test
  void rejectsUppercaseKeyIdAndSurroundingWhitespace() {
    assertThatThrownBy(() -> VerifierKey.parse(PETER.replace("c74f20a3", "C74F20A3")))
        .isInstanceOf(FormatException.class)
        .hasMessage("verifier key: key ID must be 8 lowercase hex digits");
    assertThatThrownBy(() -> VerifierKey.parse(PETER + "\n"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("base64");
    assertThatThrownBy(() -> VerifierKey.parse(" " + PETER))
        .isInstanceOf(FormatException.class)
        .hasMessage("verifier key: key name must not contain spaces");
  }

  @Test
  void rejectsNonCanonicalBase64() {
    // 33 bytes need no padding, so the only non-canonical forms add '=' or break the alphabet.
    assertThatThrownBy(() -> VerifierKey.parse(PETER + "="))
        .isInstanceOf(FormatException.class)
        .hasMessage("verifier key: key is not valid base64");
    assertThatThrownBy(() -> VerifierKey.parse(PETER.replace("/", "_")))
        .isInstanceOf(FormatException.class)
        .hasMessage("verifier key: key is not valid base64");
  }

  @Test
  void nameRules() {
    assertThat(VerifierKey.nameProblem("example.com/log42")).isNull();
    assertThat(VerifierKey.nameProblem("ünïcødé/🙂")).isNull();
    assertThat(VerifierKey.nameProblem("")).isEqualTo("key name must not be empty");
    assertThat(VerifierKey.nameProblem("a+b")).isEqualTo("key name must not contain '+'");
    for (String space : List.of(" ", "\t", "\u00a0", "\u2003", "\u2028", "\u3000", "\u0085")) {
      assertThat(VerifierKey.nameProblem("a" + space + "b")).as("U+%04X", (int) space.charAt(0)).isNotNull();
    }
    assertThat(VerifierKey.nameProblem("a\u0007b")).isEqualTo("key name must not contain control characters");
    assertThat(VerifierKey.nameProblem("a\ud800b")).isEqualTo("key name is not valid Unicode (unpaired surrogate)");
  }

  @Test
  void rejectsSmallOrderAndNonCanonicalKeysAtConstruction() {
    // The identity point (y = 1) has order 1: any "signature" with R = identity, S = 0 would
    // verify for every message under cofactorless-lax verifiers (RFC 8032 §5.1.7 allows it).
    byte[] identity = new byte[32];
    identity[0] = 1;
    assertThatThrownBy(() -> VerifierKey.ed25519("n", identity))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("small or mixed order");
    // y = p (2^255 - 19) is a non-canonical encoding of y = 0.
    byte[] nonCanonical =
        HexFormat.of().parseHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    assertThatThrownBy(() -> VerifierKey.ed25519("n", nonCanonical))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-canonical");
    // A valid point of order 8L (not in the prime-order subgroup): the base point plus a
    // torsion point. RFC 8032 verifiers that skip this check accept it; we refuse it.
    byte[] mixed = mixedOrderPoint();
    assertThatThrownBy(() -> VerifierKey.ed25519("n", mixed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("small or mixed order");
    byte[] typed = new byte[33];
    typed[0] = 1;
    System.arraycopy(identity, 0, typed, 1, 32);
    String vkey = "n+" + KeyId.of("n", identity).hex() + "+" + Base64.getEncoder().encodeToString(typed);
    assertThatThrownBy(() -> VerifierKey.parse(vkey))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("small or mixed order");
  }

  /**
   * B + T, where B is the RFC 8032 base point and T = (0, -1) the point of order 2: that is
   * (-x_B, -y_B), a point of order 2L. Encoded per RFC 8032 §5.1.2.
   */
  private static byte[] mixedOrderPoint() {
    BigInteger p = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    BigInteger baseY = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(p)).mod(p);
    BigInteger y = p.subtract(baseY);
    byte[] be = y.toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < 32 && i < be.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    le[31] |= (byte) 0x80; // x_B is even, so -x_B = p - x_B is odd: sign bit 1
    // It is a valid curve point; only the subgroup check refuses it.
    assertThat(org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartial(le, 0)).isTrue();
    return le;
  }

  @Test
  void verifyRejectsWrongLengthSignature() throws Exception {
    VerifierKey p = VerifierKey.parse(PETER);
    assertThatThrownBy(() -> p.verify(new byte[0], new byte[63]))
        .isInstanceOf(VerificationException.class)
        .hasMessage("Ed25519 signature by PeterNeumann+c74f20a3 must be 64 bytes, got 63");
    assertThatThrownBy(() -> p.verify(new byte[0], new byte[64]))
        .isInstanceOf(VerificationException.class)
        .hasMessage("Ed25519 signature by PeterNeumann+c74f20a3 does not verify");
  }

  @Test
  void equalityIsNameAndKey() throws Exception {
    VerifierKey p = VerifierKey.parse(PETER);
    assertThat(p).isEqualTo(VerifierKey.parse(PETER)).hasSameHashCodeAs(VerifierKey.parse(PETER));
    assertThat(VerifierKey.ed25519("Other", p.publicKey())).isNotEqualTo(p);
    assertThatCode(() -> VerifierKey.ed25519("Other", p.publicKey())).doesNotThrowAnyException();
  }
}
