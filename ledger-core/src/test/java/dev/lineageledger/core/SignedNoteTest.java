package dev.lineageledger.core;

import static dev.lineageledger.core.TestVectors.note;
import static dev.lineageledger.core.TestVectors.vkey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SignedNoteTest {
  static final String TEXT =
      "If you think cryptography is the answer to your problem,\n"
          + "then you don't know what your problem is.\n";
  static final String PETER_SIG =
      "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
  static final String ENOCH_SIG =
      "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

  static final VerifierKey PETER = vkey("peterneumann");
  static final VerifierKey ENOCH = vkey("enochroot");

  // ------------------------------------------------------------------ known answers

  @Test
  void goExampleNoteParsesAndVerifies() throws Exception {
    SignedNote n = SignedNote.parse(note("peterneumann"));
    assertThat(n.text()).isEqualTo(TEXT + "\n" + PETER_SIG);
    assertThat(n.body()).isEqualTo(TEXT);
    assertThat(n.signatures()).hasSize(1);
    NoteSignature s = n.signatures().get(0);
    assertThat(s.name()).isEqualTo("PeterNeumann");
    assertThat(s.keyId().hex()).isEqualTo("c74f20a3");
    assertThat(s.signature()).hasSize(64);
    assertThat(s.line()).isEqualTo(PETER_SIG.substring(0, PETER_SIG.length() - 1));
    assertThat(n.verify(List.of(PETER))).containsExactly(PETER);
  }

  /** Go's TestSign / ExampleSign: Ed25519 is deterministic, so our note must be identical. */
  @Test
  void signingWithGoTestKeyReproducesGoNote() throws Exception {
    Ed25519Signer peter = TestVectors.goSigner("peterneumann");
    assertThat(peter.verifierKey()).isEqualTo(PETER);
    assertThat(SignedNote.sign(TEXT, List.of(peter)).text()).isEqualTo(note("peterneumann"));
  }

  /** Go's ExampleSign_add_signatures: EnochRoot (seed of zeros) cosigns Peter's note. */
  @Test
  void cosigningReproducesGoDoublySignedNote() throws Exception {
    Ed25519Signer enoch = TestVectors.goSigner("enochroot");
    assertThat(enoch.verifierKey()).isEqualTo(ENOCH);
    SignedNote peter = SignedNote.parse(note("peterneumann"));
    peter.verify(List.of(PETER));
    SignedNote both = peter.withSignature(enoch);
    assertThat(both.text()).isEqualTo(note("peterneumann-enochroot"));
    assertThat(both.verify(List.of(PETER, ENOCH))).containsExactly(PETER, ENOCH);
    assertThat(both.withSignature(enoch)).isSameAs(both);
    assertThat(SignedNote.sign(TEXT, List.of(TestVectors.goSigner("peterneumann"), enoch)).text())
        .isEqualTo(note("peterneumann-enochroot"));
  }

  /** Go's TestOpen: one of two signatures trusted; both; the other order of keys. */
  @Test
  void verifyIgnoresUnknownKeysAndReportsVerifiedOnes() throws Exception {
    SignedNote n = SignedNote.parse(note("peterneumann-enochroot"));
    assertThat(n.verify(List.of(PETER))).containsExactly(PETER);
    assertThat(n.verify(List.of(ENOCH))).containsExactly(ENOCH);
    assertThat(n.verify(List.of(ENOCH, PETER))).containsExactly(PETER, ENOCH);
    assertThat(n.verify(List.of(PETER, PETER))).containsExactly(PETER);
  }

  @Test
  void c2spSpecExampleVerifies() throws Exception {
    SignedNote n = SignedNote.parse(note("c2sp-example"));
    assertThat(n.body()).isEqualTo("This is an example message.\n");
    VerifierKey foo = vkey("c2sp-example");
    assertThat(n.verify(List.of(foo))).containsExactly(foo);
  }

  @Test
  void c2spIntroductionNoteHasEmptyLinesInItsText() throws Exception {
    SignedNote n = SignedNote.parse(note("c2sp-quasimodo"));
    assertThat(n.body())
        .isEqualTo(
            "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\n"
                + "ed è subito sera.\n");
    assertThat(n.signatures().get(0).name()).isEqualTo("quasimodo.example/salvatore");
    assertThatThrownBy(() -> n.verify(List.of(PETER)))
        .isInstanceOf(VerificationException.class)
        .hasMessage("no signature by a trusted key (signed by: quasimodo.example/salvatore+367ba04b)");
  }

  @Test
  void parseBytesRequiresValidUtf8() throws Exception {
    byte[] good = note("peterneumann").getBytes(StandardCharsets.UTF_8);
    assertThat(SignedNote.parse(good).text()).isEqualTo(note("peterneumann"));
    byte[] bad = ("\u00ff" + note("peterneumann")).getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> SignedNote.parse(bad))
        .isInstanceOf(FormatException.class)
        .hasMessage("malformed note: not valid UTF-8");
  }

  // ------------------------------------------------------------------ verification failures

  @Test
  void noTrustedSignatureFails() throws Exception {
    SignedNote n = SignedNote.parse(note("peterneumann-enochroot"));
    assertThatThrownBy(() -> n.verify(List.of()))
        .isInstanceOf(VerificationException.class)
        .hasMessage(
            "no signature by a trusted key (signed by: PeterNeumann+c74f20a3, EnochRoot+af0cfe78)");
    assertThatThrownBy(() -> n.verify(List.of(vkey("c2sp-example"))))
        .isInstanceOf(VerificationException.class)
        .hasMessageStartingWith("no signature by a trusted key");
  }

  /** Go's TestOpen "Invalid signature": ABCD spliced into the base64. */
  @Test
  void invalidSignatureByKnownKeyFailsWholeNote() throws Exception {
    String bad = TEXT + "\n" + PETER_SIG.substring(0, 60) + "ABCD" + PETER_SIG.substring(60);
    SignedNote n = SignedNote.parse(bad);
    assertThatThrownBy(() -> n.verify(List.of(PETER)))
        .isInstanceOf(VerificationException.class)
        .hasMessage("invalid signature by PeterNeumann+c74f20a3")
        .cause()
        .hasMessageContaining("must be 64 bytes, got 67");
    // Even when another trusted key signed correctly.
    SignedNote mixed = SignedNote.parse(
            TEXT + "\n" + ENOCH_SIG + PETER_SIG.substring(0, 60) + "ABCD" + PETER_SIG.substring(60));
    assertThatThrownBy(() -> mixed.verify(List.of(PETER, ENOCH)))
        .isInstanceOf(VerificationException.class)
        .hasMessage("invalid signature by PeterNeumann+c74f20a3");
  }

  @Test
  void tamperedBodyFails() throws Exception {
    String tampered = note("peterneumann").replace("answer", "Answer");
    SignedNote n = SignedNote.parse(tampered);
    assertThatThrownBy(() -> n.verify(List.of(PETER)))
        .isInstanceOf(VerificationException.class)
        .hasMessage("invalid signature by PeterNeumann+c74f20a3")
        .cause()
        .hasMessage("Ed25519 signature by PeterNeumann+c74f20a3 does not verify");
  }

  /** Spec: "Verifiers MUST ignore signatures from unknown keys, even if they share a name or ID". */
  @Test
  void sameNameOtherKeyIdOrSameIdOtherNameIsUnknown() throws Exception {
    String otherId = TEXT + "\n" + PETER_SIG.replace("x08go", "AAAAo") ;
    assertThatThrownBy(() -> SignedNote.parse(otherId).verify(List.of(PETER)))
        .isInstanceOf(VerificationException.class)
        .hasMessageStartingWith("no signature by a trusted key (signed by: PeterNeumann+");
    String otherName = TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "CarmenSandiego");
    assertThatThrownBy(() -> SignedNote.parse(otherName).verify(List.of(PETER)))
        .isInstanceOf(VerificationException.class)
        .hasMessage("no signature by a trusted key (signed by: CarmenSandiego+c74f20a3)");
  }

  /**
   * Two different keys with the same name and key ID in the trusted set would make the result
   * depend on which one is looked up. Key IDs are only 32 bits: the two keys below were found
   * by a birthday search (Ed25519 public keys of 3-byte little-endian counter seeds, ~2^16 tries)
   * and both carry the ID d7f3181e under the name "twin".
   */
  @Test
  void ambiguousTrustedKeysAreAConfigurationError() throws Exception {
    VerifierKey a =
        VerifierKey.ed25519(
            "twin", TestVectors.hex("1a201129bf9b5182c91a460531ff3f8e5ebbb728ef499e4c4284ad99106f3cc9"));
    VerifierKey b =
        VerifierKey.ed25519(
            "twin", TestVectors.hex("da72f0c4fd91f0709849a284c0c1dfd11ffafcb2f586c796275d85b82bfabe71"));
    assertThat(a).isNotEqualTo(b);
    assertThat(a.keyId()).isEqualTo(b.keyId());
    assertThat(a.keyId().hex()).isEqualTo("d7f3181e");
    SignedNote n = SignedNote.parse(note("peterneumann"));
    assertThatThrownBy(() -> n.verify(List.of(PETER, a, b)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ambiguous trusted keys: two different keys twin+d7f3181e");
    assertThat(n.verify(List.of(PETER, a, a))).containsExactly(PETER);
  }

  // ------------------------------------------------------------------ malformed notes

  static Stream<Arguments> malformedNotes() {
    String sigNoNewline = PETER_SIG.substring(0, PETER_SIG.length() - 1);
    return Stream.of(
        // Go's TestOpen badMsgs, in order.
        Arguments.of("text only", TEXT, "malformed note: no blank line between text and signatures"),
        Arguments.of("no signatures", TEXT + "\n", "malformed note: no signature lines after the blank line"),
        Arguments.of("missing final newline", TEXT + "\n" + sigNoNewline, "malformed note: does not end with a newline"),
        Arguments.of("control char", "\u0001" + TEXT + "\n" + PETER_SIG, "malformed note: control character U+0001 at offset 0"),
        Arguments.of("space in name", TEXT + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
            "malformed note: signature line 1: signature is not valid base64"),
        Arguments.of("text after signatures", TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
            "malformed note: signature line 2 does not start with an em dash (U+2014) and a space"),
        // Ours.
        Arguments.of("hyphen instead of em dash", TEXT + "\n" + PETER_SIG.replace("—", "-"),
            "malformed note: signature line 1 does not start with an em dash (U+2014) and a space"),
        Arguments.of("en dash", TEXT + "\n" + PETER_SIG.replace("—", "–"),
            "malformed note: signature line 1 does not start with an em dash (U+2014) and a space"),
        Arguments.of("CRLF line ends", (TEXT + "\n" + PETER_SIG).replace("\n", "\r\n"),
            "malformed note: control character U+000D at offset 56"),
        Arguments.of("tab", TEXT.replace(" ", "\t") + "\n" + PETER_SIG, "malformed note: control character U+0009 at offset 2"),
        Arguments.of("lone surrogate", "\ud800" + TEXT + "\n" + PETER_SIG, "malformed note: not valid Unicode (unpaired surrogate at 0)"),
        Arguments.of("no space after name", TEXT + "\n— PeterNeumann\n", "malformed note: signature line 1 has no space between key name and signature"),
        Arguments.of("empty signature", TEXT + "\n— PeterNeumann \n", "malformed note: signature line 1: signature is empty"),
        Arguments.of("empty name", TEXT + "\n—  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
            "malformed note: signature line 1: key name must not be empty"),
        Arguments.of("plus in name", TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "Peter+Neumann"),
            "malformed note: signature line 1: key name must not contain '+'"),
        Arguments.of("bad base64", TEXT + "\n" + PETER_SIG.replace("x08go/", "x08go*"),
            "malformed note: signature line 1: signature is not valid base64"),
        Arguments.of("base64 without padding", TEXT + "\n" + PETER_SIG.replace("=\n", "\n"),
            "malformed note: signature line 1: signature is not canonical base64 (padding or pad bits)"),
        Arguments.of("base64 with non-zero pad bits", TEXT + "\n" + PETER_SIG.replace("AM=\n", "AN=\n"),
            "malformed note: signature line 1: signature is not canonical base64 (padding or pad bits)"),
        Arguments.of("signature shorter than key ID + 1", TEXT + "\n— PeterNeumann x08gow==\n",
            "malformed note: signature line 1: signature is too short (4 bytes including the key ID)"),
        Arguments.of("duplicate signature line", TEXT + "\n" + PETER_SIG + PETER_SIG,
            "malformed note: key PeterNeumann+c74f20a3 signed more than once"),
        Arguments.of("same key, second signature differs", TEXT + "\n" + PETER_SIG + PETER_SIG.replace("AM=", "AA="),
            "malformed note: key PeterNeumann+c74f20a3 signed more than once"),
        Arguments.of("too many signatures", TEXT + "\n" + manySignatures(101),
            "malformed note: 101 signature lines, more than 100"),
        Arguments.of("oversized", "a".repeat(SignedNote.MAX_NOTE_BYTES) + "\n\n" + PETER_SIG,
            "malformed note: larger than 1048576 bytes"),
        Arguments.of("oversized signature", TEXT + "\n— big " + Base64.getEncoder().encodeToString(new byte[8197]) + "\n",
            "malformed note: signature line 1: signature is longer than 8192 bytes"));
  }

  private static String manySignatures(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(PETER_SIG.replace("PeterNeumann", "k" + i));
    }
    return b.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedNotes")
  void rejectsMalformedNote(String name, String text, String message) {
    assertThatThrownBy(() -> SignedNote.parse(text))
        .isInstanceOf(FormatException.class)
        .hasMessage(message);
  }

  /** Spec: "the text is separated from the signatures by the last empty line in the note". */
  @Test
  void blankLineAmongSignaturesMakesTheEarlierOnesText() throws Exception {
    SignedNote n = SignedNote.parse(TEXT + "\n" + PETER_SIG + "\n" + ENOCH_SIG);
    assertThat(n.body()).isEqualTo(TEXT + "\n" + PETER_SIG);
    assertThat(n.signatures()).extracting(NoteSignature::name).containsExactly("EnochRoot");
    assertThatThrownBy(() -> n.verify(List.of(PETER)))
        .isInstanceOf(VerificationException.class)
        .hasMessage("no signature by a trusted key (signed by: EnochRoot+af0cfe78)");
  }

  @Test
  void acceptsTheLimits() throws Exception {
    // Spec: verifiers MUST accept at least 16 signatures; we accept 100, as Go does.
    SignedNote n = SignedNote.parse(TEXT + "\n" + manySignatures(100));
    assertThat(n.signatures()).hasSize(100);
    assertThatThrownBy(() -> n.verify(List.of(PETER)))
        .hasMessageStartingWith("no signature by a trusted key (signed by: k0+c74f20a3, k1+c74f20a3");
    // Unknown algorithms may have long signatures (post-quantum); only known keys check length.
    SignedNote big =
        SignedNote.parse(
            note("peterneumann")
                + "— pq.example "
                + Base64.getEncoder().encodeToString(new byte[8196])
                + "\n");
    assertThat(big.verify(List.of(PETER))).containsExactly(PETER);
  }

  @Test
  void unicodeBodyRoundTrips() throws Exception {
    Ed25519Signer s = TestVectors.seeded("unicode.example/ключ", 7);
    String body = "ed è subito sera.\n🙂 astral plane\n\nempty line above\n";
    SignedNote n = SignedNote.sign(body, List.of(s));
    SignedNote back = SignedNote.parse(n.text().getBytes(StandardCharsets.UTF_8));
    assertThat(back.body()).isEqualTo(body);
    assertThat(back.verify(List.of(s.verifierKey()))).containsExactly(s.verifierKey());
  }

  // ------------------------------------------------------------------ signing

  @Test
  void signRejectsUnusableInput() {
    Ed25519Signer s = TestVectors.seeded("n", 1);
    assertThatThrownBy(() -> SignedNote.sign("abc", List.of(s)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("note text must end with a newline");
    assertThatThrownBy(() -> SignedNote.sign("a\u0000b\n", List.of(s)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("note text: control character U+0000 at offset 1");
    assertThatThrownBy(() -> SignedNote.sign("abc\n", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at least one signer is required");
  }

  @Test
  void signSkipsRepeatedSigner() throws Exception {
    Ed25519Signer s = TestVectors.seeded("n", 1);
    assertThat(SignedNote.sign("x\n", List.of(s, s)).signatures()).hasSize(1);
  }

  @Test
  void signChecksWhatTheSignerReturns() {
    Ed25519Signer real = TestVectors.seeded("remote.example", 3);
    Signer shortSig =
        new Signer() {
          @Override
          public VerifierKey verifierKey() {
            return real.verifierKey();
          }

          @Override
          public byte[] sign(byte[] message) {
            return new byte[63];
          }
        };
    assertThatThrownBy(() -> SignedNote.sign("x\n", List.of(shortSig)))
        .isInstanceOf(KeyException.class)
        .hasMessage(
            "signer remote.example+"
                + real.verifierKey().keyId()
                + " returned a signature of 63 bytes; Ed25519 signatures are 64 bytes");
    Ed25519Signer other = TestVectors.seeded("remote.example", 4);
    Signer wrongKey =
        new Signer() {
          @Override
          public VerifierKey verifierKey() {
            return real.verifierKey();
          }

          @Override
          public byte[] sign(byte[] message) {
            return other.sign(message);
          }
        };
    assertThatThrownBy(() -> SignedNote.sign("x\n", List.of(wrongKey)))
        .isInstanceOf(KeyException.class)
        .hasMessage(
            "signer remote.example+"
                + real.verifierKey().keyId()
                + " produced a signature that does not verify with its key");
  }

  @Test
  void signedBodyEndingInBlankLineSurvivesParsing() throws Exception {
    Ed25519Signer s = TestVectors.seeded("n", 1);
    SignedNote n = SignedNote.sign("a\n\n", List.of(s));
    assertThat(n.body()).isEqualTo("a\n\n");
    assertThat(SignedNote.parse(n.text()).verify(List.of(s.verifierKey()))).hasSize(1);
  }

  @Test
  void valueSemantics() throws Exception {
    SignedNote a = SignedNote.parse(note("peterneumann"));
    SignedNote b = SignedNote.parse(note("peterneumann"));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).hasToString(note("peterneumann"));
    assertThat(a.signatures().get(0)).isEqualTo(b.signatures().get(0));
    assertThatThrownBy(() -> a.signatures().clear()).isInstanceOf(UnsupportedOperationException.class);
    a.signatures().get(0).signature()[0] ^= 1;
    a.verify(List.of(PETER));
  }

  // ------------------------------------------------------------------ laws

  /** Any single flipped bit anywhere in a signed note makes parsing or verification fail. */
  @TestFactory
  Stream<DynamicTest> anyFlippedBitIsDetected() {
    return SeededTrials.check(300, g -> anyFlippedBitIsDetected(g.intBetween(0, 100_000), g.intBetween(0, 7)));
  }

  private static void anyFlippedBitIsDetected(int where, int bit) {
    byte[] b = note("peterneumann-enochroot").getBytes(StandardCharsets.UTF_8);
    int i = where % b.length;
    b[i] ^= (byte) (1 << bit);
    assertThatThrownBy(
            () -> {
              SignedNote n = SignedNote.parse(b);
              List<VerifierKey> ok = n.verify(List.of(PETER, ENOCH));
              // A flip inside a name or key ID turns that line into an unknown key's line; it is
              // then ignored, so the other key must still be the only one that verified.
              if (ok.size() < 2) {
                throw new VerificationException("one signature became unknown: " + ok);
              }
            })
        .isInstanceOf(LedgerException.class);
  }
}
