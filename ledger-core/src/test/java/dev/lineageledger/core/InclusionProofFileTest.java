package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InclusionProofFileTest {
  @TempDir Path dir;

  @Test
  void writtenFileParsesBackAndVerifiesOffline() throws Exception {
    TestLedgers t = TestLedgers.keys();
    try (Ledger l = t.create(dir.resolve("p.ledger"), SigningMode.CHECKPOINT_ONLY)) {
      TestLedgers.pipeline(l, 1);
      StoredCheckpoint cp = l.checkpoint();
      LedgerRecord r = l.record(4).orElseThrow();
      InclusionProofFile f = new InclusionProofFile(4, cp.size(), r.leafHash(),
          l.proveInclusion(4, cp.size()).path(), cp.noteText());
      InclusionProofFile back = InclusionProofFile.parse(f.toJson().getBytes(StandardCharsets.UTF_8));
      assertThat(back).isEqualTo(f);
      assertThat(back.verify(List.of(t.key.verifierKey()), TestLedgers.ORIGIN).root()).isEqualTo(cp.root());
      InclusionProofFile wrongIndex = new InclusionProofFile(5, f.size(), f.leafHash(), f.proof(), f.checkpoint());
      assertThatThrownBy(() -> wrongIndex.verify(List.of(t.key.verifierKey()), TestLedgers.ORIGIN))
          .isInstanceOf(VerificationException.class);
    }
  }

  @Test
  void malformedFilesAreFormatErrors() {
    assertThatThrownBy(() -> InclusionProofFile.parse("{\"index\":".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FormatException.class).hasMessageStartingWith("proof file: ");
    assertThatThrownBy(() -> InclusionProofFile.parse("{\"index\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FormatException.class)
        .hasMessage("proof file: \"index\" must be a non-negative integer");
  }
}
