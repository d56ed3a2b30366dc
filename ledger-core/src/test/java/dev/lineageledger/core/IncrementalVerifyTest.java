package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verification from a checkpoint an auditor kept: extension, truncation, equivocation. */
class IncrementalVerifyTest {
  @TempDir Path dir;
  final TestLedgers t = TestLedgers.keys();

  private VerifyOptions from(StoredCheckpoint trusted) {
    return VerifyOptions.builder().trustedKeys(List.of(t.key.verifierKey()))
        .trustedCheckpoint(trusted.noteText()).build();
  }

  @Test
  void checksOnlyTheNewRecordsAndProvesConsistency() throws Exception {
    try (Ledger l = t.create(dir.resolve("a.ledger"), SigningMode.PER_RECORD)) {
      TestLedgers.pipeline(l, 1);
      StoredCheckpoint old = l.checkpoint();
      TestLedgers.pipeline(l, 2);
      l.checkpoint();
      VerificationReport r = l.verify(from(old));
      assertThat(r.fromSize()).isEqualTo(old.size());
      assertThat(r.size()).isEqualTo(l.size());
      assertThat(r.consistencyFromTrusted()).isNotNull();
      r.consistencyFromTrusted().verify(old.root(), l.latestCheckpoint().orElseThrow().root());
    }
  }

  @Test
  void tamperingAfterTheTrustedCheckpointIsLocated() throws Exception {
    Path f = dir.resolve("a.ledger");
    StoredCheckpoint old;
    try (Ledger l = t.create(f, SigningMode.CHECKPOINT_ONLY)) {
      TestLedgers.pipeline(l, 1);
      old = l.checkpoint();
      TestLedgers.pipeline(l, 2);
      l.checkpoint();
    }
    long victim = old.size() + 2;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER records_no_update");
      s.execute("UPDATE records SET body = replace(body, 'features', 'featureZ') WHERE seq = " + victim);
    }
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      assertThatThrownBy(() -> l.verify(from(old)))
          .isInstanceOfSatisfying(LedgerVerificationException.class, e ->
              assertThat(e.report().firstFailure().orElseThrow().seq()).isEqualTo(victim));
    }
  }

  @Test
  void truncationBelowTheTrustedCheckpointIsDetected() throws Exception {
    Path f = dir.resolve("a.ledger");
    StoredCheckpoint trusted;
    try (Ledger l = t.create(f, SigningMode.CHECKPOINT_ONLY)) {
      TestLedgers.pipeline(l, 1);
      TestLedgers.pipeline(l, 2);
      trusted = l.checkpoint();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
      for (String tb : List.of("records", "edges", "checkpoints", "checkpoint_signatures")) {
        s.execute("DROP TRIGGER " + tb + "_no_delete");
      }
      s.execute("DELETE FROM checkpoint_signatures");
      s.execute("DELETE FROM checkpoints");
      s.execute("DELETE FROM edges WHERE record_seq >= 5");
      s.execute("DELETE FROM records WHERE seq >= 5");
    }
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      assertThatThrownBy(() -> l.verify(from(trusted)))
          .isInstanceOfSatisfying(LedgerVerificationException.class, e -> {
            VerificationFailure first = e.report().firstFailure().orElseThrow();
            assertThat(first.reason()).isEqualTo(FailureReason.TRUNCATED);
            assertThat(first.seq()).isEqualTo(5);
          });
    }
  }

  @Test
  void twoValidlySignedButConflictingCheckpointsAreEquivocation() throws Exception {
    // The same key signs two different histories of the same size: a forked log.
    LedgerOptions opts = t.options().build();
    Path a = dir.resolve("a.ledger");
    Path b = dir.resolve("b.ledger");
    StoredCheckpoint seenByAuditor;
    try (Ledger la = Ledger.create(a, TestLedgers.ORIGIN, SigningMode.CHECKPOINT_ONLY, opts);
        Ledger lb = Ledger.create(b, TestLedgers.ORIGIN, SigningMode.CHECKPOINT_ONLY, opts)) {
      TestLedgers.pipeline(la, 1);
      TestLedgers.pipeline(lb, 1);
      la.append(TestLedgers.dataset("fork", "a", 1));
      lb.append(TestLedgers.dataset("fork", "b", 2));
      seenByAuditor = la.checkpoint();
      StoredCheckpoint other = lb.checkpoint();
      assertThat(other.size()).isEqualTo(seenByAuditor.size());
      assertThat(other.root()).isNotEqualTo(seenByAuditor.root());
      assertThatThrownBy(() -> lb.verify(from(seenByAuditor)))
          .isInstanceOfSatisfying(LedgerVerificationException.class, e -> {
            VerificationFailure first = e.report().firstFailure().orElseThrow();
            assertThat(first.reason()).isEqualTo(FailureReason.EQUIVOCATION);
            assertThat(first.seq()).isEqualTo(seenByAuditor.size() - 1);
          });
    }
    assertThat(Files.exists(a)).isTrue();
  }

  @Test
  void aTrustedCheckpointThatDoesNotVerifyIsAnInputError() throws Exception {
    try (Ledger l = t.create(dir.resolve("a.ledger"), SigningMode.CHECKPOINT_ONLY)) {
      TestLedgers.pipeline(l, 1);
      StoredCheckpoint cp = l.checkpoint();
      VerifyOptions untrusted = VerifyOptions.builder()
          .trustedKeys(List.of(Ed25519Signer.generate("other.example/k").verifierKey()))
          .trustedCheckpoint(cp.noteText()).build();
      assertThatThrownBy(() -> l.verify(untrusted))
          .isInstanceOf(VerificationException.class)
          .isNotInstanceOf(LedgerVerificationException.class);
    }
  }
}
