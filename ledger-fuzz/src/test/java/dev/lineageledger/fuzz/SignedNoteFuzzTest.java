package dev.lineageledger.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.NoteSignature;
import dev.lineageledger.core.SignedNote;
import dev.lineageledger.core.VerificationException;
import dev.lineageledger.core.VerifierKey;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Checkpoints and C2SP signed notes: {@link Checkpoint#parse} on the raw text, {@link
 * SignedNote#parse} and {@link SignedNote#verify} with fixed trusted keys, and {@link
 * Checkpoint#open}. Only {@link FormatException} and {@link VerificationException} may come out.
 *
 * <p>Laws: a parsed checkpoint or note prints back to exactly its input (one textual form each);
 * and since Ed25519 signing is deterministic, a signature that verifies under the fuzz key must be
 * byte for byte the one the fuzz key makes, so no mutated (malleated) signature is ever accepted.
 */
class SignedNoteFuzzTest {

  @FuzzTest
  void signedNote(byte[] input) throws Exception {
    String text = new String(input, StandardCharsets.UTF_8);
    try {
      Checkpoint c = Checkpoint.parse(text);
      assertThat(c.body()).as("checkpoint round trip").isEqualTo(text);
    } catch (FormatException e) {
      Oracles.oneLine(e);
    }

    SignedNote note;
    try {
      note = SignedNote.parse(input);
    } catch (FormatException e) {
      Oracles.oneLine(e);
      return;
    }
    assertThat(note.text()).as("note text").isEqualTo(text);
    assertThat(SignedNote.parse(note.text())).as("parse(String) agrees with parse(byte[])").isEqualTo(note);
    assertThat(note.signatures()).isNotEmpty().hasSizeLessThanOrEqualTo(SignedNote.MAX_SIGNATURES);

    try {
      List<VerifierKey> verified = note.verify(FuzzKeys.TRUSTED);
      assertThat(verified).isNotEmpty();
      if (verified.contains(FuzzKeys.KEY)) {
        String expected = SignedNote.sign(note.body(), List.of(FuzzKeys.SIGNER)).signatures().get(0).line();
        for (NoteSignature s : note.signatures()) {
          if (s.claimsKey(FuzzKeys.KEY)) {
            assertThat(s.line()).as("the only valid signature by the fuzz key").isEqualTo(expected);
          }
        }
      }
    } catch (VerificationException e) {
      Oracles.oneLine(e);
    }

    try {
      Checkpoint c = Checkpoint.open(note.text(), FuzzKeys.TRUSTED, FuzzKeys.ORIGIN);
      assertThat(c.origin()).isEqualTo(FuzzKeys.ORIGIN);
      assertThat(c.body()).isEqualTo(note.body());
    } catch (FormatException | VerificationException e) {
      Oracles.oneLine(e);
    }
  }
}
