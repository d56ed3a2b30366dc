package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckpointTest {
  static final String ROOT = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
  static final String ORIGIN = "example.com/behind-the-sofa";

  /** The c2sp.org/tlog-checkpoint introduction example. */
  @Test
  void parsesSpecExample() throws Exception {
    SignedNote n = SignedNote.parse(TestVectors.note("c2sp-checkpoint"));
    Checkpoint c = Checkpoint.parse(n.body()); // test only: no key is published for it
    assertThat(c.origin()).isEqualTo(ORIGIN);
    assertThat(c.size()).isEqualTo(20852163L);
    assertThat(c.root().base64()).isEqualTo(ROOT);
    assertThat(c.extensions()).isEmpty();
    assertThat(c.body()).isEqualTo(n.body());
  }

  @Test
  void openVerifiesBeforeItTrustsTheBody() {
    // The spec example is signed by a key we do not know: opening it must fail on the
    // signature, never return the checkpoint.
    assertThatThrownBy(
            () ->
                Checkpoint.open(
                    TestVectors.note("c2sp-checkpoint"),
                    List.of(TestVectors.vkey("peterneumann")),
                    ORIGIN))
        .isInstanceOf(VerificationException.class)
        .hasMessage(
            "no signature by a trusted key (signed by: example.com/behind-the-sofa+033de0ae)");
  }

  @Test
  void signAndOpenRoundTrip() throws Exception {
    Ed25519Signer log = TestVectors.seeded("log.example/ml", 5);
    Ed25519Signer witness = TestVectors.seeded("witness.example/w1", 6);
    Checkpoint c =
        new Checkpoint(
            "log.example/ml", 42, Hash.fromBase64(ROOT), List.of("extension one", "ext 2"));
    SignedNote note = c.sign(List.of(log, witness));
    assertThat(note.body())
        .isEqualTo("log.example/ml\n42\n" + ROOT + "\nextension one\next 2\n");
    Checkpoint back =
        Checkpoint.open(note.text(), List.of(log.verifierKey()), "log.example/ml");
    assertThat(back).isEqualTo(c);
    assertThat(Checkpoint.open(note.text(), List.of(witness.verifierKey()), "log.example/ml"))
        .isEqualTo(c);
  }

  @Test
  void openRejectsOtherOrigin() throws Exception {
    Ed25519Signer log = TestVectors.seeded("log.example/ml", 5);
    SignedNote note = new Checkpoint("log.example/ml", 1, Hash.fromBase64(ROOT)).sign(List.of(log));
    assertThatThrownBy(
            () -> Checkpoint.open(note.text(), List.of(log.verifierKey()), "log.example/other"))
        .isInstanceOf(VerificationException.class)
        .hasMessage("checkpoint origin is \"log.example/ml\", expected \"log.example/other\"");
  }

  @Test
  void openRejectsTamperedCheckpoint() throws Exception {
    Ed25519Signer log = TestVectors.seeded("log.example/ml", 5);
    String text = new Checkpoint("log.example/ml", 10, Hash.fromBase64(ROOT)).sign(List.of(log)).text();
    assertThatThrownBy(
            () ->
                Checkpoint.open(
                    text.replace("\n10\n", "\n11\n"), List.of(log.verifierKey()), "log.example/ml"))
        .isInstanceOf(VerificationException.class)
        .hasMessage("invalid signature by log.example/ml+" + log.verifierKey().keyId());
  }

  /** A correctly signed note whose body is not a checkpoint fails only after verification. */
  @Test
  void openReportsBadBodyAfterVerification() throws Exception {
    Ed25519Signer log = TestVectors.seeded("log.example/ml", 5);
    String text = SignedNote.sign("log.example/ml\n010\n" + ROOT + "\n", List.of(log)).text();
    assertThatThrownBy(() -> Checkpoint.open(text, List.of(log.verifierKey()), "log.example/ml"))
        .isInstanceOf(FormatException.class)
        .hasMessage("checkpoint tree size has a leading zero: \"010\"");
    Ed25519Signer stranger = TestVectors.seeded("stranger", 9);
    assertThatThrownBy(
            () -> Checkpoint.open(text, List.of(stranger.verifierKey()), "log.example/ml"))
        .isInstanceOf(VerificationException.class);
  }

  static Stream<Arguments> malformedBodies() {
    String ok = ORIGIN + "\n5\n" + ROOT + "\n";
    return Stream.of(
        Arguments.of("missing final newline", ok.substring(0, ok.length() - 1),
            "checkpoint must end with a newline"),
        Arguments.of("two lines", ORIGIN + "\n5\n", "checkpoint has 2 line(s); it needs at least origin, tree size and root hash"),
        Arguments.of("empty origin", "\n5\n" + ROOT + "\n", "checkpoint origin must not be empty"),
        Arguments.of("leading zero", ORIGIN + "\n05\n" + ROOT + "\n", "checkpoint tree size has a leading zero: \"05\""),
        Arguments.of("double zero", ORIGIN + "\n00\n" + ROOT + "\n", "checkpoint tree size has a leading zero: \"00\""),
        Arguments.of("negative", ORIGIN + "\n-1\n" + ROOT + "\n", "checkpoint tree size must be a decimal number without sign: \"-1\""),
        Arguments.of("plus sign", ORIGIN + "\n+1\n" + ROOT + "\n", "checkpoint tree size must be a decimal number without sign: \"+1\""),
        Arguments.of("hex size", ORIGIN + "\n0x1\n" + ROOT + "\n", "checkpoint tree size must be a decimal number without sign: \"0x1\""),
        Arguments.of("space in size", ORIGIN + "\n 1\n" + ROOT + "\n", "checkpoint tree size must be a decimal number without sign: \" 1\""),
        Arguments.of("non-ASCII digit", ORIGIN + "\n\u0661\n" + ROOT + "\n", "checkpoint tree size must be a decimal number without sign: \"\u0661\""),
        Arguments.of("size overflow", ORIGIN + "\n9223372036854775808\n" + ROOT + "\n", "checkpoint tree size is out of range: \"9223372036854775808\""),
        Arguments.of("empty size", ORIGIN + "\n\n" + ROOT + "\n", "checkpoint line 2 must not be empty"),
        Arguments.of("short root", ORIGIN + "\n5\n" + "AAAA" + "\n", "checkpoint root hash must be 32 bytes, got 3"),
        Arguments.of("long root", ORIGIN + "\n5\n" + "A".repeat(44) + "AAAA\n", "checkpoint root hash must be 32 bytes, got 36"),
        Arguments.of("unpadded root", ORIGIN + "\n5\n" + ROOT.replace("=", "") + "\n", "checkpoint root hash is not canonical base64 (padding or pad bits)"),
        Arguments.of("pad bits set", ORIGIN + "\n5\n" + ROOT.replace("2I=", "2J=") + "\n", "checkpoint root hash is not canonical base64 (padding or pad bits)"),
        Arguments.of("hex root", ORIGIN + "\n5\n" + "00".repeat(32) + "\n", "checkpoint root hash must be 32 bytes, got 48"),
        Arguments.of("url-safe base64", ORIGIN + "\n5\n" + ROOT.replace("/", "_") + "\n", "checkpoint root hash is not valid base64"),
        Arguments.of("empty extension line", ok + "\n", "checkpoint line 4 must not be empty"),
        Arguments.of("empty extension in the middle", ok + "a\n\nb\n", "checkpoint line 5 must not be empty"),
        Arguments.of("CR in origin", ORIGIN + "\r\n5\n" + ROOT + "\n", "checkpoint origin contains control character U+000D"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedBodies")
  void rejectsMalformedBody(String name, String body, String message) {
    assertThatThrownBy(() -> Checkpoint.parse(body))
        .isInstanceOf(FormatException.class)
        .hasMessage(message);
  }

  @Test
  void acceptsZeroAndMaxSize() throws Exception {
    assertThat(Checkpoint.parse(ORIGIN + "\n0\n" + ROOT + "\n").size()).isZero();
    assertThat(Checkpoint.parse(ORIGIN + "\n9223372036854775807\n" + ROOT + "\n").size())
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void constructorValidates() throws Exception {
    Hash root = Hash.fromBase64(ROOT);
    assertThatThrownBy(() -> new Checkpoint("", 1, root))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("checkpoint origin must not be empty");
    assertThatThrownBy(() -> new Checkpoint("a\nb", 1, root))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("checkpoint origin must not contain a newline");
    assertThatThrownBy(() -> new Checkpoint("a", -1, root))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("checkpoint size must be >= 0, got -1");
    assertThatThrownBy(() -> new Checkpoint("a", 1, root, List.of("")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("checkpoint extension line must not be empty");
    List<String> ext = new ArrayList<>(List.of("x"));
    Checkpoint c = new Checkpoint("a", 1, root, ext);
    ext.add("y");
    assertThat(c.extensions()).containsExactly("x");
  }

  /** body() and parse() are inverse for every size and root. */
  @TestFactory
  Stream<DynamicTest> bodyParseRoundTrip() {
    return SeededTrials.check(200, g -> {
      long size = g.longBetween(0, Long.MAX_VALUE);
      byte[] root = Arrays.copyOf(g.bytesUpTo(40), 32);
      Checkpoint c = new Checkpoint("log.example/p", size, Hash.of(root));
      assertThat(Checkpoint.parse(c.body())).isEqualTo(c);
    });
  }
}
