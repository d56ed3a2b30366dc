package dev.lineageledger.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.InclusionProofFile;
import dev.lineageledger.core.KeyFiles;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.SignedNote;
import dev.lineageledger.core.internal.RecordSchema;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed inputs must stay meaningful: a format change that made every seed fail early would
 * leave the fuzzer stuck at the first check without any test noticing. So the valid seeds are
 * checked to pass all the way: proofs and notes verify, records validate, keys load.
 */
class SeedInputsTest {
  @TempDir Path tmp;

  @Test
  void proofSeedsVerify() throws Exception {
    for (Path p : seeds("ProofJsonFuzzTestInputs/proofJson", "proof-")) {
      InclusionProofFile proof = InclusionProofFile.parse(Files.readAllBytes(p));
      Checkpoint cp = proof.verify(FuzzKeys.TRUSTED, FuzzKeys.ORIGIN);
      assertThat(proof.leafHash()).as(p.toString()).isEqualTo(FuzzTree.leaf(proof.index()));
      assertThat(cp.root()).isEqualTo(FuzzTree.root((int) proof.size()));
    }
  }

  @Test
  void noteSeedsVerify() throws Exception {
    List<Path> notes = seeds("SignedNoteFuzzTestInputs/signedNote", "");
    assertThat(notes).hasSizeGreaterThanOrEqualTo(6);
    for (Path p : notes) {
      SignedNote note = SignedNote.parse(Files.readAllBytes(p));
      assertThat(note.verify(FuzzKeys.TRUSTED)).as(p.toString()).isNotEmpty();
      if (p.getFileName().toString().startsWith("checkpoint-")) {
        assertThat(Checkpoint.open(note.text(), FuzzKeys.TRUSTED, FuzzKeys.ORIGIN).size()).isPositive();
      }
    }
  }

  @Test
  void validRecordSeedsValidate() throws Exception {
    List<Path> records = seeds("RecordFuzzTestInputs/recordJson", "");
    int valid = 0;
    for (Path p : records) {
      if (p.getFileName().toString().contains("invalid") || p.getFileName().toString().startsWith("crash-")) {
        continue;
      }
      RecordDraft d = RecordDraft.fromJson(Files.readAllBytes(p));
      RecordSchema.validate(d.kind(), d.body());
      valid++;
    }
    assertThat(valid).as("one valid seed per built-in kind and a custom one").isGreaterThanOrEqualTo(6);
  }

  @Test
  void keySeedsLoad() throws Exception {
    for (Path p : seeds("KeyFileFuzzTestInputs/keyFile", "pkcs8-")) {
      Path copy = tmp.resolve(p.getFileName());
      Files.copy(p, copy);
      assertThat(KeyFiles.readPrivateKey(copy, FuzzKeys.ORIGIN, KeyFileFuzzTest.PASSPHRASE.toCharArray(), true)
              .verifierKey())
          .as(p.toString())
          .isEqualTo(FuzzKeys.KEY);
    }
    for (Path p : Stream.concat(
            seeds("KeyFileFuzzTestInputs/keyFile", "vkey").stream(),
            seeds("KeyFileFuzzTestInputs/keyFile", "spki-").stream())
        .toList()) {
      assertThat(KeyFiles.readVerifierKey(p, FuzzKeys.ORIGIN)).as(p.toString()).isEqualTo(FuzzKeys.KEY);
    }
  }

  @Test
  void validJsonSeedsParse() throws Exception {
    for (String name : List.of("numbers", "member-order", "escapes", "whitespace", "depth-64")) {
      Path p = seeds("CanonicalJsonFuzzTestInputs/canonicalize", name).get(0);
      assertThat(CanonicalJson.canonicalize(Files.readAllBytes(p))).as(name).isNotEmpty();
    }
  }

  private static List<Path> seeds(String dir, String prefix) throws IOException, URISyntaxException {
    Path d = Path.of(SeedInputsTest.class.getResource(dir).toURI());
    try (Stream<Path> s = Files.list(d)) {
      List<Path> l = s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
      assertThat(l).as("seeds %s/%s*", dir, prefix).isNotEmpty();
      return l;
    }
  }
}
