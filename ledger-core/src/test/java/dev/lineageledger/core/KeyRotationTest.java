package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** A new signing key is introduced by a record signed with the old one; verification follows. */
class KeyRotationTest {
  @TempDir Path dir;

  private static LedgerOptions with(Ed25519Signer k) {
    return LedgerOptions.builder().checkpointSigner(k).durability(Durability.OS_BUFFERED)
        .checkpointEveryRecords(0).checkpointIntervalMillis(0).build();
  }

  private static VerifyOptions trusting(VerifierKey... keys) {
    return VerifyOptions.builder().trustedKeys(List.of(keys)).build();
  }

  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void auditorsHoldingOnlyTheOldKeyFollowTheRotation(SigningMode mode) throws Exception {
    Path f = dir.resolve("r.ledger");
    Ed25519Signer oldKey = Ed25519Signer.generate(TestLedgers.ORIGIN);
    Ed25519Signer newKey = Ed25519Signer.generate(TestLedgers.ORIGIN);
    StoredCheckpoint beforeRotation;
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, mode, with(oldKey))) {
      TestLedgers.pipeline(l, 1);
      beforeRotation = l.checkpoint();
      Receipt add = l.addKey("security@corp", newKey.verifierKey(), "yearly rotation");
      assertThat(l.record(add.seq()).orElseThrow().signature()).isPresent();
    }
    try (Ledger l = Ledger.open(f, with(newKey))) {
      l.revokeKey("security@corp", oldKey.verifierKey(), "retired");
      TestLedgers.pipeline(l, 2);
      l.checkpoint();
      // verify() throws unless intact; what it returns says how much it checked.
      assertThat(l.verify(trusting(oldKey.verifierKey())).size()).isEqualTo(l.size());
      // Incremental from a pre-rotation checkpoint, also holding only the old key.
      VerificationReport inc = l.verify(VerifyOptions.builder().trustedKeys(List.of(oldKey.verifierKey()))
          .trustedCheckpoint(beforeRotation.noteText()).build());
      assertThat(inc.fromSize()).isEqualTo(beforeRotation.size());
      assertThat(inc.size()).isEqualTo(l.size());
      assertThat(inc.consistencyFromTrusted()).isNotNull();
    }
    // After the revocation, the writer refuses the old key; written anyway (an attacker's own
    // tooling), verification rejects what it signs.
    assertThatThrownBy(() -> Ledger.open(f, with(oldKey))).isInstanceOf(KeyException.class)
        .hasMessageContaining("not one this ledger's signed key history trusts now");
    try (Ledger l = Ledger.openAsAttacker(f, with(oldKey))) {
      Receipt late = l.append(RecordDraft.builder(RecordKind.KEY, "attacker")
          .put("action", "add").put("key", Ed25519Signer.generate(TestLedgers.ORIGIN).verifierKey().toString())
          .build());
      assertThatThrownBy(() -> l.verify(VerifyOptions.builder()
          .trustedKeys(List.of(oldKey.verifierKey())).allowUncoveredTail(true).build()))
          .isInstanceOfSatisfying(LedgerVerificationException.class, e -> {
            VerificationFailure first = e.report().firstFailure().orElseThrow();
            assertThat(first.seq()).isEqualTo(late.seq());
            assertThat(first.reason()).isEqualTo(FailureReason.UNTRUSTED_SIGNER);
          });
    }
  }

  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void aKeyRecordSignedByAnUntrustedKeyGrantsNothing(SigningMode mode) throws Exception {
    Path f = dir.resolve("u.ledger");
    Ed25519Signer owner = Ed25519Signer.generate(TestLedgers.ORIGIN);
    Ed25519Signer attacker = Ed25519Signer.generate(TestLedgers.ORIGIN);
    Ed25519Signer accomplice = Ed25519Signer.generate(TestLedgers.ORIGIN);
    long forged;
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, mode, with(owner))) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
    }
    try (Ledger l = Ledger.openAsAttacker(f, with(attacker))) {
      forged = l.addKey("attacker", accomplice.verifierKey(), null).seq();
    }
    try (Ledger l = Ledger.openAsAttacker(f, with(accomplice))) {
      TestLedgers.pipeline(l, 2);
      l.checkpoint();
      assertThatThrownBy(() -> l.verify(trusting(owner.verifierKey())))
          .isInstanceOfSatisfying(LedgerVerificationException.class, e -> {
            VerificationFailure first = e.report().firstFailure().orElseThrow();
            assertThat(first.seq()).isEqualTo(forged);
            assertThat(first.reason()).isEqualTo(FailureReason.UNTRUSTED_SIGNER);
            assertThat(e.report().failures()).anyMatch(x -> x.reason() == FailureReason.CHECKPOINT_SIGNATURE);
          });
    }
  }

  private static void sql(Path f, String... statements) throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + f);
        java.sql.Statement s = c.createStatement()) {
      for (String q : statements) {
        s.execute(q);
      }
    }
  }

  /** A rotated ledger: old adds new, new revokes old, then a checkpoint signed by new. */
  private record Rotated(Path file, Ed25519Signer oldKey, Ed25519Signer newKey, long add,
      long revoke, StoredCheckpoint after) {}

  private Rotated rotated(String name, SigningMode mode) throws Exception {
    Path f = dir.resolve(name);
    Ed25519Signer oldKey = Ed25519Signer.generate(TestLedgers.ORIGIN);
    Ed25519Signer newKey = Ed25519Signer.generate(TestLedgers.ORIGIN);
    long add;
    long revoke;
    StoredCheckpoint after;
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, mode, with(oldKey))) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
      add = l.addKey("sec", newKey.verifierKey(), null).seq();
    }
    try (Ledger l = Ledger.open(f, with(newKey))) {
      revoke = l.revokeKey("sec", oldKey.verifierKey(), null).seq();
      after = l.checkpoint();
    }
    return new Rotated(f, oldKey, newKey, add, revoke, after);
  }

  private static VerificationReport incremental(Rotated r, VerifierKey pinned) throws Exception {
    try (Ledger l = Ledger.open(r.file(), LedgerOptions.readOnly())) {
      return l.verify(VerifyOptions.builder().trustedKeys(List.of(pinned))
          .trustedCheckpoint(r.after().noteText()).allowUncoveredTail(true).build());
    } catch (LedgerVerificationException e) {
      return e.report();
    }
  }

  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void aRevokeHiddenByItsKindColumnRevivesNoKey(SigningMode mode) throws Exception {
    Rotated r = rotated("hide-revoke.ledger", mode);
    sql(r.file(), "DROP TRIGGER records_no_update",
        "UPDATE records SET kind = 'dataset' WHERE seq = " + r.revoke());
    // The writer finds the revoke from the signed bytes: the retired key stays refused.
    assertThatThrownBy(() -> Ledger.open(r.file(), with(r.oldKey())))
        .isInstanceOf(LedgerException.class).hasMessageContaining("kind column");
    // Incremental verification finds it too, and names the relabelled row.
    VerificationReport inc = incremental(r, r.oldKey().verifierKey());
    assertThat(inc.ok()).isFalse();
    assertThat(inc.failures()).anyMatch(x -> x.seq() == r.revoke()
        && x.reason() == FailureReason.DERIVED_COLUMN_MISMATCH);
    // Proof evidence (prove --json, openCheckpoint) still carries the revoke.
    try (Ledger l = Ledger.open(r.file(), LedgerOptions.readOnly())) {
      assertThat(l.keyEvidence(l.size())).extracting(KeyRecordProof::seq).contains(r.revoke());
    }
  }

  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void anAddHiddenByItsKindColumnIsALedgerFailureNotTheAuditorsCheckpoints(SigningMode mode)
      throws Exception {
    Rotated r = rotated("hide-add.ledger", mode);
    sql(r.file(), "DROP TRIGGER records_no_update",
        "UPDATE records SET kind = 'dataset' WHERE seq = " + r.add());
    VerificationReport inc = incremental(r, r.oldKey().verifierKey());
    assertThat(inc.failures()).anyMatch(x -> x.seq() == r.add()
        && x.reason() == FailureReason.DERIVED_COLUMN_MISMATCH);
  }

  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void aKeyRecordWhoseBytesWereAlteredToHideItIsDetectedIncrementally(SigningMode mode)
      throws Exception {
    Rotated r = rotated("alter-revoke.ledger", mode);
    sql(r.file(), "DROP TRIGGER records_no_update",
        "UPDATE records SET kind = 'dataset', body = CAST(replace(CAST(body AS TEXT),"
            + " '\"kind\":\"key\"', '\"kind\":\"kez\"') AS BLOB) WHERE seq = " + r.revoke());
    VerificationReport inc = incremental(r, r.oldKey().verifierKey());
    assertThat(inc.ok()).isFalse();
    assertThat(inc.failures()).anyMatch(x -> x.seq() == r.revoke()
        && x.reason() == FailureReason.LEAF_HASH_MISMATCH);
    // The same hiding of the add: the auditor's checkpoint cannot be opened, and that is
    // reported as the ledger's failure (not an error in the auditor's input).
    Rotated a = rotated("alter-add.ledger", mode);
    sql(a.file(), "DROP TRIGGER records_no_update",
        "UPDATE records SET kind = 'dataset', body = CAST(replace(CAST(body AS TEXT),"
            + " '\"kind\":\"key\"', '\"kind\":\"kez\"') AS BLOB) WHERE seq = " + a.add());
    VerificationReport incA = incremental(a, a.oldKey().verifierKey());
    assertThat(incA.failures()).anyMatch(x -> x.seq() == a.add()
        && x.reason() == FailureReason.LEAF_HASH_MISMATCH);
  }

  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void aWriterOpenWhileAnotherProcessRotatesStopsSigningWithTheRevokedKey(SigningMode mode)
      throws Exception {
    Path f = dir.resolve("concurrent-" + mode + ".ledger");
    Ed25519Signer oldKey = Ed25519Signer.generate(TestLedgers.ORIGIN);
    Ed25519Signer newKey = Ed25519Signer.generate(TestLedgers.ORIGIN);
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, mode, with(oldKey))) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
    }
    try (Ledger streaming = Ledger.open(f, with(oldKey))) {
      streaming.append(TestLedgers.dataset("before", "1", 1));
      // Another writer (another process) rotates meanwhile.
      try (Ledger other = Ledger.open(f, with(oldKey))) {
        other.addKey("sec", newKey.verifierKey(), null);
      }
      try (Ledger other = Ledger.open(f, with(newKey))) {
        other.revokeKey("sec", oldKey.verifierKey(), null);
      }
      long size = streaming.size();
      assertThatThrownBy(() -> streaming.append(TestLedgers.dataset("after", "1", 2)))
          .isInstanceOf(KeyException.class).hasMessageContaining("trusts now");
      assertThat(streaming.size()).isEqualTo(size);
    }
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      assertThat(l.verify(VerifyOptions.builder().trustedKeys(List.of(oldKey.verifierKey()))
          .allowUncoveredTail(true).build()).ok()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void aWriterNeverRevokesTheKeyItSignsWith(SigningMode mode) throws Exception {
    Ed25519Signer k = Ed25519Signer.generate(TestLedgers.ORIGIN);
    try (Ledger l = Ledger.create(dir.resolve("self-" + mode + ".ledger"), TestLedgers.ORIGIN, mode,
        with(k))) {
      TestLedgers.pipeline(l, 1);
      long size = l.size();
      assertThatThrownBy(() -> l.revokeKey("sec", k.verifierKey(), null))
          .isInstanceOf(InvalidRecordException.class).hasMessageContaining("signs with");
      assertThat(l.size()).isEqualTo(size);
      l.append(TestLedgers.dataset("still", "1", 3));
      l.checkpoint();
      assertThat(l.verify(trusting(k.verifierKey())).ok()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void keyRecordsNeedASigningKeyAndAValidVerifierKey(SigningMode mode) throws Exception {
    Ed25519Signer k = Ed25519Signer.generate(TestLedgers.ORIGIN);
    try (Ledger l = Ledger.create(dir.resolve("k.ledger"), TestLedgers.ORIGIN, mode, with(k))) {
      assertThatThrownBy(() -> l.append(RecordDraft.builder(RecordKind.KEY, "a").put("action", "add")
          .put("key", "not a key").build()))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessageStartingWith("body.key: must be a C2SP verifier key");
    }
  }
}
