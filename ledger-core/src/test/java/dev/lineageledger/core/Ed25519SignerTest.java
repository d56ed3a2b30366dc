package dev.lineageledger.core;

import static dev.lineageledger.core.TestVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ed25519SignerTest extends SignerContract {

  @Override
  Signer newSigner() {
    return Ed25519Signer.generate("contract.example/key");
  }

  /** RFC 8032 §7.1, TEST 1, TEST 2 and TEST 3 (secret key = 32-byte seed). */
  @ParameterizedTest(name = "RFC 8032 §7.1 {0}")
  @CsvSource({
    "TEST 1,"
        + "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
        + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a,"
        + "'',"
        + "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    "TEST 2,"
        + "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
        + "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c,"
        + "72,"
        + "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    "TEST 3,"
        + "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7,"
        + "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025,"
        + "af82,"
        + "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
        + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  })
  void rfc8032Vectors(String test, String sk, String pk, String msg, String sig)
      throws Exception {
    Ed25519Signer s = Ed25519Signer.fromSeed("rfc8032.example", hex(sk));
    assertThat(s.verifierKey().publicKey()).isEqualTo(hex(pk));
    assertThat(s.sign(hex(msg))).isEqualTo(hex(sig));

    VerifierKey v = VerifierKey.ed25519("rfc8032.example", hex(pk));
    v.verify(hex(msg), hex(sig));
    byte[] bad = hex(sig);
    bad[63] ^= 0x01;
    assertThatThrownBy(() -> v.verify(hex(msg), bad))
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining("does not verify");
  }

  /** Our signer and the JDK's independent Ed25519 (JEP 339) must agree byte for byte. */
  @TestFactory
  Stream<DynamicTest> agreesWithJdkEd25519() {
    return SeededTrials.check(60, g -> agreesWithJdkEd25519(g.bytes(32), g.bytesUpTo(200)));
  }

  private static void agreesWithJdkEd25519(byte[] seed, byte[] msg) throws Exception {
    Ed25519Signer ours = Ed25519Signer.fromSeed("jdk.example", seed);
    byte[] sig = ours.sign(msg);

    KeyFactory kf = KeyFactory.getInstance("Ed25519");
    PrivateKey jdkPriv = kf.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(jdkPriv);
    jdk.update(msg);
    assertThat(sig).isEqualTo(jdk.sign());

    // RFC 8410 §4 SubjectPublicKeyInfo prefix for a raw Ed25519 key.
    byte[] spki = hex("302a300506032b6570032100" + HexFormat.of().formatHex(ours.verifierKey().publicKey()));
    PublicKey jdkPub = kf.generatePublic(new X509EncodedKeySpec(spki));
    jdk.initVerify(jdkPub);
    jdk.update(msg);
    assertThat(jdk.verify(sig)).isTrue();
  }

  @Test
  void generatesDistinctKeys() {
    assertThat(Ed25519Signer.generate("a").verifierKey().publicKey())
        .isNotEqualTo(Ed25519Signer.generate("a").verifierKey().publicKey());
  }

  @Test
  void toStringShowsOnlyTheVerifierKey() {
    byte[] seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    Ed25519Signer s = Ed25519Signer.fromSeed("log.example/one", seed);
    assertThat(s.toString())
        .isEqualTo("Ed25519Signer(" + s.verifierKey() + ")")
        .doesNotContain(HexFormat.of().formatHex(seed))
        .doesNotContain(Base64.getEncoder().encodeToString(seed).substring(0, 20));
  }

  @Test
  void fromSeedCopiesTheSeed() throws Exception {
    byte[] seed = new byte[32];
    Ed25519Signer s = Ed25519Signer.fromSeed("n", seed);
    byte[] before = s.sign(new byte[0]);
    seed[0] = 1;
    assertThat(s.sign(new byte[0])).isEqualTo(before);
    byte[] out = s.seed();
    out[0] = 42;
    assertThat(s.sign(new byte[0])).isEqualTo(before);
  }

  @Test
  void rejectsBadNamesAndSeeds() {
    assertThatThrownBy(() -> Ed25519Signer.generate("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spaces");
    assertThatThrownBy(() -> Ed25519Signer.generate(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> Ed25519Signer.fromSeed("n", new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
  }
}
