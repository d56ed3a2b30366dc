package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/FORMAT.md §7.2: ledgers written before issue 9's rules (by the CLI at commit 44fddc3:
 * every record kind, a custom kind, a text with a newline, 1e20 in free-form JSON, references
 * by name, a key rotation; one per signing mode) still verify, with the key pinned before the
 * rotation and with the two-line PATH.pub, and their signed key history still decides which
 * key may write. Only the public keys are committed.
 */
class CompatibilityTest {
  @TempDir Path dir;

  private Path copy(String name) throws Exception {
    for (String f : List.of(name + ".ledger", name + ".ledger.pub")) {
      try (InputStream in = getClass().getResourceAsStream("/compat/" + f)) {
        Files.copy(in, dir.resolve(f));
      }
    }
    return dir.resolve(name + ".ledger");
  }

  @ParameterizedTest
  @ValueSource(strings = {"per-record", "checkpoint-only"})
  void ledgersWrittenByTheEarlierCodeStillVerify(String name) throws Exception {
    Path f = copy(name);
    List<VerifierKey> pub = KeyFiles.readVerifierKeys(Path.of(f + ".pub"));
    VerifierKey original = pub.get(pub.size() - 1);
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      assertThat(l.signingMode().id()).isEqualTo(name);
      VerificationReport r = l.verify(VerifyOptions.builder().trustedKeys(List.of(original)).build());
      assertThat(r.ok()).isTrue();
      assertThat(r.keysAtEnd()).containsExactly(pub.get(0)); // followed the rotation
      assertThat(l.verify(VerifyOptions.builder().trustedKeys(pub).build()).ok()).isTrue();
      StoredCheckpoint latest = l.latestCheckpoint().orElseThrow();
      assertThat(l.openCheckpoint(latest.noteText(), List.of(original)).size()).isEqualTo(latest.size());
    }
    Ed25519Signer stranger = Ed25519Signer.generate("compat.example/" + name);
    assertThatThrownBy(() -> Ledger.open(f, LedgerOptions.builder().checkpointSigner(stranger).build()))
        .isInstanceOf(KeyException.class);
  }
}
