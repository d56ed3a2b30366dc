package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trust findings of issue 9: unsigned parameters, key confusion, unchecked signer output,
 * rules of docs/FORMAT.md that verification must enforce, and the uncovered tail told apart
 * from tampering. Each test fails on the code before the fix.
 */
class TrustTest {
  @TempDir Path dir;
  final TestLedgers keys = TestLedgers.keys();

  private Path pipelineLedger(String name, SigningMode mode) throws Exception {
    Path f = dir.resolve(name);
    try (Ledger l = keys.create(f, mode)) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
    }
    return f;
  }

  private static void sql(Path f, String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f);
        Statement s = c.createStatement()) {
      for (String q : statements) {
        s.execute(q);
      }
    }
  }

  /** The report, whether verification passed or failed; an exception when it cannot open. */
  private VerificationReport verify(Path f, VerifyOptions o) throws LedgerException {
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      return l.verify(o);
    } catch (LedgerVerificationException e) {
      return e.report();
    }
  }

  private VerificationReport verify(Path f) throws LedgerException {
    return verify(f, keys.verifyOptions());
  }

  // ------------------------------------------------------------ unauthenticated parameters

  @Test
  void perRecordLedgerRelabelledCheckpointOnlyFailsWithUnexpectedSignature() throws Exception {
    Path f = pipelineLedger("mode.ledger", SigningMode.PER_RECORD);
    sql(f, "UPDATE ledger_meta SET value = 'checkpoint-only' WHERE key = 'signing_mode'");
    VerificationReport r = verify(f);
    assertThat(r.ok()).isFalse();
    assertThat(r.firstFailure().orElseThrow().seq()).isZero();
    assertThat(r.firstFailure().orElseThrow().reason()).isEqualTo(FailureReason.UNEXPECTED_SIGNATURE);
    // And the writer refuses to extend a ledger whose parameters contradict its signed records.
    assertThatThrownBy(() -> Ledger.open(f, keys.options().build()))
        .isInstanceOfSatisfying(LedgerStorageException.class,
            e -> assertThat(e.reason()).isEqualTo(LedgerStorageException.Reason.CORRUPT))
        .hasMessageContaining("signing_mode");
  }

  @Test
  void changedOriginFormatOrUnknownMetaRowsAreDetected() throws Exception {
    Path pristine = pipelineLedger("meta.ledger", SigningMode.CHECKPOINT_ONLY);
    String[][] attacks = {
        {"UPDATE ledger_meta SET value = 'evil.example/log' WHERE key = 'origin'"},
        {"UPDATE ledger_meta SET value = 'other-format' WHERE key = 'format'"},
        {"UPDATE ledger_meta SET value = '2' WHERE key = 'format_version'"},
        {"UPDATE ledger_meta SET value = 'per-recordX' WHERE key = 'signing_mode'"},
        {"INSERT INTO ledger_meta(key, value) VALUES ('signing_mode_override', 'none')"},
        {"DELETE FROM ledger_meta WHERE key = 'created'"},
    };
    for (String[] attack : attacks) {
      Path f = dir.resolve("meta-work.ledger");
      Files.copy(pristine, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      sql(f, attack);
      try {
        VerificationReport r = verify(f);
        assertThat(r.ok()).as(attack[0]).isFalse();
        assertThat(r.failures()).as(attack[0]).anyMatch(x -> x.reason() == FailureReason.LEDGER_META);
      } catch (LedgerStorageException e) {
        // A value this build cannot even read the ledger under is refused when opening.
        assertThat(e.reason()).as(attack[0]).isEqualTo(LedgerStorageException.Reason.CORRUPT);
      }
    }
  }

  @Test
  void theOriginMustBeTheNameOfATrustedKey() throws Exception {
    Path f = pipelineLedger("origin.ledger", SigningMode.CHECKPOINT_ONLY);
    Ed25519Signer other = Ed25519Signer.generate("other.example/log");
    VerificationReport r = verify(f, VerifyOptions.builder()
        .trustedKeys(List.of(other.verifierKey())).build());
    assertThat(r.failures()).anyMatch(x -> x.reason() == FailureReason.LEDGER_META && x.seq() == -1);
  }

  // ------------------------------------------------------------ key confusion

  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void theWriterRefusesAKeyTheLedgersSignedHistoryDoesNotTrust(SigningMode mode) throws Exception {
    Path f = pipelineLedger("k.ledger", mode);
    long size;
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      size = l.size();
    }
    Ed25519Signer stranger = Ed25519Signer.generate(TestLedgers.ORIGIN);
    Ed25519Signer otherLedgers = Ed25519Signer.generate("other.example/ledger");
    for (Ed25519Signer k : List.of(stranger, otherLedgers)) {
      assertThatThrownBy(() -> Ledger.open(f, LedgerOptions.builder().checkpointSigner(k).build()))
          .isInstanceOf(KeyException.class).hasMessageContaining("signing key");
    }
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      assertThat(l.size()).isEqualTo(size);
      assertThat(l.verify(keys.verifyOptions()).ok()).isTrue(); // not poisoned
    }
    try (Ledger l = Ledger.open(f, keys.options().build())) {
      l.append(TestLedgers.dataset("own-key", "1", 1)); // the ledger's own key still writes
    }
  }

  // ------------------------------------------------------------ signer output is checked

  @Test
  void aSignatureThatDoesNotVerifyIsNeverStoredOrAcknowledged() throws Exception {
    Path f = dir.resolve("zeros.ledger");
    keys.create(f, SigningMode.PER_RECORD).close();
    Signer zeros = new Signer() {
      @Override
      public VerifierKey verifierKey() {
        return keys.key.verifierKey();
      }

      @Override
      public byte[] sign(byte[] message) {
        return new byte[64];
      }
    };
    try (Ledger l = Ledger.open(f, keys.options().recordSigner(zeros).build())) {
      assertThatThrownBy(() -> l.append(TestLedgers.dataset("d", "1", 1)))
          .isInstanceOf(KeyException.class).hasMessageContaining("does not verify");
      assertThat(l.size()).isZero();
    }
  }

  // ------------------------------------------------------------ origin

  @Test
  void anOriginWithAPlusOrAnInvalidStoredOriginIsRefused() throws Exception {
    assertThatThrownBy(() -> Ledger.create(dir.resolve("plus.ledger"), "example.com/a+b",
        SigningMode.PER_RECORD, keys.options().build())).isInstanceOf(InvalidRecordException.class).hasMessageContaining("'+'");
    Path f = pipelineLedger("origin.ledger", SigningMode.PER_RECORD);
    sql(f, "UPDATE ledger_meta SET value = 'test.example/ledger' || char(27) || '[2J'"
        + " WHERE key = 'origin'");
    // A writer refuses it as corrupt (one line, escaped), never an internal error.
    assertThatThrownBy(() -> Ledger.open(f, keys.options().build()))
        .isInstanceOfSatisfying(LedgerStorageException.class,
            e -> assertThat(e.reason()).isEqualTo(LedgerStorageException.Reason.CORRUPT))
        .hasMessageContaining("invalid origin").hasMessageNotContaining("\u001b");
  }

  // ------------------------------------------------------------ rows outside [0, size)

  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void rowsOutsideTheLogAreReportedAndNeverRead(SigningMode mode) throws Exception {
    Path edges = pipelineLedger("out-edges-" + mode + ".ledger", mode);
    LineageGraph before;
    try (Ledger l = Ledger.open(edges, LedgerOptions.readOnly())) {
      before = l.lineage(4, LineageDirection.UPSTREAM, 0);
    }
    sql(edges, "INSERT INTO edges VALUES (-1, 7, 4, 'inputs')", "INSERT INTO edges VALUES (-5, 8, 4, 'inputs')");
    VerificationReport e = verify(edges);
    assertThat(e.failures()).anyMatch(f -> f.reason() == FailureReason.EDGE_MISMATCH);
    try (Ledger l = Ledger.open(edges, LedgerOptions.readOnly())) {
      assertThat(l.lineage(4, LineageDirection.UPSTREAM, 0).links()).isEqualTo(before.links());
    }

    Path recs = pipelineLedger("out-recs-" + mode + ".ledger", mode);
    sql(recs, "INSERT INTO records SELECT -1, randomblob(32), body, sig, nodes, kind, name, 'evil',"
        + " actor, time, signer FROM records WHERE seq = 4");
    VerificationReport r = verify(recs);
    assertThat(r.failures()).anyMatch(f -> f.reason() == FailureReason.MISSING_RECORD);
    try (Ledger l = Ledger.open(recs, LedgerOptions.readOnly())) {
      assertThat(l.record(-1)).isEmpty();
      assertThatThrownBy(() -> l.resolve("model:fraud-detector@evil"))
          .isInstanceOf(LedgerException.class);
    }

    Path cps = pipelineLedger("out-cps-" + mode + ".ledger", mode);
    sql(cps, "INSERT INTO checkpoints(size, root, body, created) SELECT -1, root, body, created"
        + " FROM checkpoints ORDER BY size LIMIT 1");
    assertThat(verify(cps).failures()).anyMatch(f -> f.reason() == FailureReason.CHECKPOINT_MALFORMED);
    // The writer takes its genesis key from real checkpoints only.
    try (Ledger l = Ledger.open(cps, keys.options().build())) {
      l.append(TestLedgers.dataset("after", "1", 9));
    }
  }

  // ------------------------------------------------------------ uncovered tail

  @Test
  void anUncoveredTailIsToldApartAndCoveredByTheNextWriterThatOpens() throws Exception {
    Path f = dir.resolve("tail.ledger");
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, SigningMode.PER_RECORD,
        keys.options().checkpointOnClose(false).checkpointIntervalMillis(0).build())) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
      l.append(TestLedgers.dataset("after-crash", "1", 5));
    }
    VerificationReport r = verify(f);
    assertThat(r.ok()).isFalse();
    assertThat(r.onlyUncoveredTail()).isTrue();
    assertThat(r.firstFailure().orElseThrow().reason()).isEqualTo(FailureReason.UNCOVERED);
    // Opening with the key (closing does not sign here) covers the tail.
    try (Ledger l = Ledger.open(f, keys.options().checkpointOnClose(false).build())) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (l.latestCheckpoint().orElseThrow().size() < l.size() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
    }
    assertThat(verify(f).ok()).isTrue();
    // Tampering is never reported as "only uncovered".
    sql(f, "DROP TRIGGER records_no_update", "UPDATE records SET actor = 'x' WHERE seq = 1");
    assertThat(verify(f).onlyUncoveredTail()).isFalse();
  }

  /** Deletes the checkpoints (and their signatures) of size greater than {@code keep}. */
  private static void dropCheckpointsAbove(Path f, long keep) throws Exception {
    sql(f, "DROP TRIGGER checkpoints_no_delete", "DROP TRIGGER checkpoint_signatures_no_delete",
        "DELETE FROM checkpoint_signatures WHERE size > " + keep,
        "DELETE FROM checkpoints WHERE size > " + keep);
  }

  @Test
  void checkpointOnlyBatchesCommitWithTheirOwnCheckpoint() throws Exception {
    Path f = dir.resolve("co-batch.ledger");
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, SigningMode.CHECKPOINT_ONLY,
        keys.options().checkpointOnClose(false).checkpointIntervalMillis(0).build())) {
      TestLedgers.pipeline(l, 1);
      // No timer, no close: the checkpoint came with the batch, so no honest tail exists.
      assertThat(l.latestCheckpoint().orElseThrow().size()).isEqualTo(l.size());
    }
    assertThat(verify(f).ok()).isTrue();
  }

  @Test
  void anUnsignedTailOfACheckpointOnlyLedgerIsNeverCoveredWithoutTheOperator() throws Exception {
    Path f = dir.resolve("co-tail.ledger");
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, SigningMode.CHECKPOINT_ONLY,
        keys.options().checkpointOnClose(false).build())) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
    }
    long covered;
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      covered = l.size();
    }
    // Records nobody signed after the last checkpoint: what an insertion by whoever can write
    // the file looks like (and, before checkpoints came with their batch, a crash).
    try (Ledger l = Ledger.open(f, keys.options().checkpointOnClose(false).build())) {
      l.append(TestLedgers.dataset("inserted", "1", 7));
    }
    dropCheckpointsAbove(f, covered);
    VerificationReport r = verify(f);
    assertThat(r.firstFailure().orElseThrow().reason()).isEqualTo(FailureReason.UNCOVERED);
    assertThat(r.onlyUncoveredTail()).as("not 'not tampering' in checkpoint-only mode").isFalse();
    assertThat(r.firstFailure().orElseThrow().message()).contains("--accept-tail");
    // A writer that opens (and closes, and appends) never signs over the tail.
    try (Ledger l = Ledger.open(f, keys.options().build())) {
      Thread.sleep(50);
      assertThatThrownBy(() -> l.append(TestLedgers.dataset("honest", "1", 8)))
          .isInstanceOfSatisfying(LedgerStorageException.class,
              e -> assertThat(e.reason()).isEqualTo(LedgerStorageException.Reason.CORRUPT))
          .hasMessageContaining("--accept-tail");
      assertThatThrownBy(l::checkpoint).hasMessageContaining("carry no signature");
    }
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      assertThat(l.latestCheckpoint().orElseThrow().size()).isEqualTo(covered);
      assertThat(l.size()).isEqualTo(covered + 1);
    }
    // The operator's explicit acceptance covers it; appends work again.
    try (Ledger l = Ledger.open(f, keys.options().build())) {
      assertThat(l.checkpointAcceptingTail().size()).isEqualTo(covered + 1);
      l.append(TestLedgers.dataset("honest", "1", 8));
    }
    assertThat(verify(f).ok()).isTrue();
  }

  @Test
  void aPerRecordTailIsCoveredOnlyOnceItsSignaturesVerify() throws Exception {
    Path f = dir.resolve("pr-tail.ledger");
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, SigningMode.PER_RECORD,
        keys.options().checkpointOnClose(false).checkpointIntervalMillis(0).build())) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
      l.append(TestLedgers.dataset("tail", "1", 5));
    }
    long size;
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      size = l.size();
    }
    // The tail record's signature replaced by another record's: it no longer authenticates.
    sql(f, "DROP TRIGGER records_no_update",
        "UPDATE records SET sig = (SELECT sig FROM records WHERE seq = 0) WHERE seq = " + (size - 1));
    try (Ledger l = Ledger.open(f, keys.options().build())) {
      assertThatThrownBy(() -> l.append(TestLedgers.dataset("honest", "1", 8)))
          .hasMessageContaining("do not verify under its key");
    }
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      assertThat(l.latestCheckpoint().orElseThrow().size()).isEqualTo(size - 1);
    }
  }

  // ------------------------------------------------------------ FORMAT.md rules, re-signed

  private VerificationFailure forgedTail(SigningMode mode, Consumer<ObjectNode> edit) throws Exception {
    Path f = dir.resolve("forge-" + System.nanoTime() + ".ledger");
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, mode,
        keys.options().checkpointOnClose(false).build())) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
      l.append(RecordDraft.builder(RecordKind.TRANSFORM, "trainer@aml").put("name", "t")
          .put("type", "training").put("inputs", List.of(0)).put("codeVersion", "git:1")
          .put("runId", "r1").put("startedAt", "2026-11-01T00:00:00Z").build());
    }
    Forge.rewriteLast(f, keys.key, TestLedgers.ORIGIN, edit);
    VerificationReport r = verify(f, VerifyOptions.builder().trustedKeys(List.of(keys.key.verifierKey()))
        .allowUncoveredTail(true).build());
    assertThat(r.ok()).isFalse();
    return r.firstFailure().orElseThrow();
  }

  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void aKeyRecordCannotBringInAnotherLogsKey(SigningMode mode) throws Exception {
    VerifierKey stranger = Ed25519Signer.generate("other.example/z").verifierKey();
    try (Ledger l = keys.create(dir.resolve("kz-" + mode + ".ledger"), mode)) {
      assertThatThrownBy(() -> l.addKey("sec", stranger, null))
          .isInstanceOf(InvalidRecordException.class).hasMessageContaining("body.key")
          .hasMessageContaining("origin");
      assertThat(l.size()).isZero();
    }
    // Written anyway (re-signed by the ledger's key): the verifier reports it.
    Path f = dir.resolve("kz-forged-" + mode + ".ledger");
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, mode,
        keys.options().checkpointOnClose(false).checkpointIntervalMillis(0).build())) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
      l.addKey("sec", Ed25519Signer.generate(TestLedgers.ORIGIN).verifierKey(), null);
    }
    dropCheckpointsAbove(f, 0);
    Forge.rewriteLast(f, keys.key, TestLedgers.ORIGIN,
        e -> ((ObjectNode) e.get("body")).put("key", stranger.toString()));
    VerificationReport r = verify(f, VerifyOptions.builder()
        .trustedKeys(List.of(keys.key.verifierKey())).allowUncoveredTail(true).build());
    assertThat(r.firstFailure().orElseThrow().reason()).isEqualTo(FailureReason.INVALID_RECORD);
    assertThat(r.firstFailure().orElseThrow().message()).contains("origin");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-01T00:00:00Z", "2026-13-01T00:00:00.000Z", "2026-02-30T00:00:00.000Z",
      "2026-11-01t00:00:00.000z", "2026-11-01T24:00:00.000Z", "2026-11-01 00:00:00.000Z"})
  void envelopeTimeMustBeARealMillisecondUtcInstant(String time) throws Exception {
    VerificationFailure f = forgedTail(SigningMode.PER_RECORD, e -> e.put("time", time));
    assertThat(f.seq()).isEqualTo(9);
    assertThat(f.reason()).isEqualTo(FailureReason.MALFORMED_RECORD);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a\nb", "evil\u001b[2J", "admin\u202Etxt.exe", "\u0085"})
  void actorMustBeOneTo256CharactersWithoutControlOrBidi(String actor) throws Exception {
    VerificationFailure f = forgedTail(SigningMode.PER_RECORD, e -> e.put("actor", actor));
    assertThat(f.reason()).isEqualTo(FailureReason.MALFORMED_RECORD);
    assertThatThrownBy(() -> RecordDraft.builder(RecordKind.DATASET, actor).build())
        .isInstanceOf(InvalidRecordException.class);
  }

  @Test
  void actorLengthCountsCodePoints() throws Exception {
    String emoji = "\uD83D\uDE00".repeat(256); // 256 code points, 512 UTF-16 units
    VerificationFailure tooLong = forgedTail(SigningMode.PER_RECORD, e -> e.put("actor", emoji + "x"));
    assertThat(tooLong.reason()).isEqualTo(FailureReason.MALFORMED_RECORD);
    RecordDraft.builder(RecordKind.DATASET, emoji); // at the limit: accepted
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-01T00:61:00Z",
      "2026-11-01t00:00:00z", "2026-11-01T00:00:00+24:00"})
  void bodyTimestampsMustBeRealRfc3339Times(String ts) throws Exception {
    VerificationFailure f = forgedTail(SigningMode.PER_RECORD,
        e -> ((ObjectNode) e.get("body")).put("startedAt", ts));
    assertThat(f.reason()).isEqualTo(FailureReason.INVALID_RECORD);
    try (Ledger l = keys.create(dir.resolve("ts-" + System.nanoTime() + ".ledger"),
        SigningMode.CHECKPOINT_ONLY)) {
      assertThatThrownBy(() -> l.append(RecordDraft.builder(RecordKind.TRANSFORM, "a")
          .put("name", "t").put("type", "training").put("inputs", List.of()).put("codeVersion", "1")
          .put("runId", "1").put("startedAt", ts).build()))
          .isInstanceOf(InvalidRecordException.class).hasMessageContaining("body.startedAt");
    }
  }

  @Test
  void aSignerOnANonKeyRecordOfACheckpointOnlyLedgerIsUnexpected() throws Exception {
    String label = keys.key.verifierKey().name() + "+" + keys.key.verifierKey().keyId().hex();
    VerificationFailure f = forgedTail(SigningMode.CHECKPOINT_ONLY, e -> e.put("signer", label));
    assertThat(f.seq()).isEqualTo(9);
    assertThat(f.reason()).isEqualTo(FailureReason.UNEXPECTED_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"com.-acme/x", "acme/x", "Com.acme/x", "com.acme/"})
  void customKindsFollowTheExactGrammar(String kind) throws Exception {
    VerificationFailure f = forgedTail(SigningMode.PER_RECORD, e -> e.put("kind", kind));
    assertThat(f.reason()).isEqualTo(FailureReason.INVALID_RECORD);
    RecordKind.of("com.acme-/x"); // a label may end with '-' (FORMAT.md §3.3 grammar)
  }

  @Test
  void aSecondBodyUnderAnIdentityIsADuplicate() throws Exception {
    Path f = dir.resolve("dup.ledger");
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, SigningMode.CHECKPOINT_ONLY,
        keys.options().checkpointOnClose(false).build())) {
      l.append(TestLedgers.dataset("ds", "1", 1));
      l.checkpoint();
      l.append(TestLedgers.dataset("ds", "2", 2));
    }
    // The attacker's own tooling relabels version 2 as a second, different version 1.
    Forge.rewriteLast(f, keys.key, TestLedgers.ORIGIN,
        e -> ((ObjectNode) e.get("body")).put("version", "1"));
    VerificationReport r = verify(f, VerifyOptions.builder().trustedKeys(List.of(keys.key.verifierKey()))
        .allowUncoveredTail(true).build());
    assertThat(r.failures()).anyMatch(x -> x.seq() == 1 && x.reason() == FailureReason.DUPLICATE_IDENTITY);
  }

  @Test
  void aStoredCheckpointWithExtensionLinesIsMalformed() throws Exception {
    Path f = pipelineLedger("ext.ledger", SigningMode.CHECKPOINT_ONLY);
    StoredCheckpoint cp;
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      cp = l.latestCheckpoint().orElseThrow();
    }
    Checkpoint withExt = new Checkpoint(cp.checkpoint().origin(), cp.size(), cp.root(), List.of("x"));
    SignedNote note = withExt.sign(List.of(keys.key));
    String line = note.signatures().get(0).line().strip().replace("'", "''");
    sql(f, "DROP TRIGGER checkpoints_no_update", "DROP TRIGGER checkpoint_signatures_no_delete",
        "UPDATE checkpoints SET body = '" + withExt.body().replace("'", "''") + "' WHERE size = " + cp.size(),
        "DELETE FROM checkpoint_signatures WHERE size = " + cp.size(),
        "INSERT INTO checkpoint_signatures(size, line) VALUES (" + cp.size() + ", '" + line + "')");
    VerificationReport r = verify(f);
    assertThat(r.failures()).anyMatch(x -> x.reason() == FailureReason.CHECKPOINT_MALFORMED);
  }

  @Test
  void aRecordCannotBeBothInputAndOutput() throws Exception {
    VerificationFailure f = forgedTail(SigningMode.PER_RECORD, e -> {
      ObjectNode b = (ObjectNode) e.get("body");
      b.set("outputs", b.get("inputs").deepCopy());
    });
    assertThat(f.reason()).isEqualTo(FailureReason.BAD_REFERENCE);
    try (Ledger l = Ledger.open(pipelineLedger("cycle.ledger", SigningMode.CHECKPOINT_ONLY),
        keys.options().build())) {
      assertThatThrownBy(() -> l.append(RecordDraft.builder(RecordKind.TRANSFORM, "a")
          .put("name", "t").put("type", "training").put("inputs", List.of(0))
          .put("outputs", List.of("dataset:transactions@v1")).put("codeVersion", "1")
          .put("runId", "cyc").build()))
          .isInstanceOf(InvalidRecordException.class).hasMessageContaining("cycle");
    }
  }

  @Test
  void noRecordMayCloseALongerLineageCycle() throws Exception {
    Path f = dir.resolve("loop.ledger");
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, SigningMode.PER_RECORD,
        keys.options().checkpointOnClose(false).build())) {
      l.append(TestLedgers.dataset("a", "1", 1)); // 0
      l.append(RecordDraft.builder(RecordKind.TRANSFORM, "a").put("name", "t1").put("type", "other")
          .put("inputs", List.of(0)).put("codeVersion", "1").put("runId", "1").build()); // 1
      l.append(RecordDraft.builder(RecordKind.of("com.acme/consumer"), "a").put("name", "c")
          .put("inputs", List.of(1)).build()); // 2: data flows 1 -> 2
      // Claiming to have produced record 1 from record 2 would close 1 -> 2 -> X -> 1.
      RecordDraft loop = RecordDraft.builder(RecordKind.TRANSFORM, "a").put("name", "x")
          .put("type", "other").put("inputs", List.of(2)).put("outputs", List.of(1))
          .put("codeVersion", "1").put("runId", "x").build();
      assertThatThrownBy(() -> l.append(loop)).isInstanceOf(InvalidRecordException.class)
          .hasMessageContaining("output record 1 already leads to input record 2");
      // The same inside one batch: the consumer and the loop appended together.
      assertThatThrownBy(() -> l.appendAll(List.of(
          RecordDraft.builder(RecordKind.of("com.acme/consumer"), "a").put("name", "c2")
              .put("inputs", List.of(1)).build(),
          RecordDraft.builder(RecordKind.TRANSFORM, "a").put("name", "y").put("type", "other")
              .put("inputs", List.of(3)).put("outputs", List.of(1)).put("codeVersion", "1")
              .put("runId", "y").build())))
          .isInstanceOf(InvalidRecordException.class).hasMessageContaining("lineage cycle");
      l.checkpoint();
      l.append(RecordDraft.builder(RecordKind.TRANSFORM, "a").put("name", "x").put("type", "other")
          .put("inputs", List.of(2)).put("codeVersion", "1").put("runId", "x").build()); // 3
    }
    String hash1;
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      hash1 = l.record(1).orElseThrow().leafHash().hex();
    }
    // An attacker with the key adds the output anyway.
    Forge.rewriteLast(f, keys.key, TestLedgers.ORIGIN, e -> ((ObjectNode) e.get("body"))
        .putArray("outputs").addObject().put("hash", hash1).put("seq", 1));
    VerificationReport r = verify(f, VerifyOptions.builder().trustedKeys(List.of(keys.key.verifierKey()))
        .allowUncoveredTail(true).build());
    VerificationFailure first = r.firstFailure().orElseThrow();
    assertThat(first.seq()).isEqualTo(3);
    assertThat(first.reason()).isEqualTo(FailureReason.BAD_REFERENCE);
    assertThat(first.message()).contains("lineage cycle");
  }

  @Test
  void aNameWithABidiOverrideIsRejected() throws Exception {
    try (Ledger l = keys.create(dir.resolve("bidi.ledger"), SigningMode.CHECKPOINT_ONLY)) {
      assertThatThrownBy(() -> l.append(TestLedgers.dataset("model\u202Egpj.exe", "1", 1)))
          .isInstanceOf(InvalidRecordException.class).hasMessageContaining("U+202E");
    }
  }

  // ------------------------------------------------------------ versions are immutable

  @Test
  void recordingAVersionAgainReturnsItsReceiptAndOtherContentIsRejected() throws Exception {
    Path f = dir.resolve("imm.ledger");
    try (Ledger l = keys.create(f, SigningMode.CHECKPOINT_ONLY)) {
      Receipt first = l.append(TestLedgers.dataset("ds", "1", 1));
      Receipt again = l.append(TestLedgers.dataset("ds", "1", 1));
      assertThat(again).isEqualTo(first);
      assertThat(l.size()).isEqualTo(1);
      // A re-run of a whole stream duplicates nothing, and a batch may repeat itself.
      List<Receipt> rerun = l.appendAll(List.of(TestLedgers.dataset("ds", "1", 1),
          TestLedgers.dataset("ds", "2", 2), TestLedgers.dataset("ds", "2", 2)));
      assertThat(rerun.get(0)).isEqualTo(first);
      assertThat(rerun.get(2)).isEqualTo(rerun.get(1));
      assertThat(l.size()).isEqualTo(2);
      assertThatThrownBy(() -> l.append(TestLedgers.dataset("ds", "1", 99)))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessageContaining("dataset:ds@1 is already record 0");
      assertThat(l.size()).isEqualTo(2);
      assertThat(l.resolve("dataset:ds@1").seq()).isZero();
    }
  }

  // ------------------------------------------------------------ rotations, offline

  @Test
  void aCheckpointSignedAfterRotationsOpensWithTheKeyPinnedFirst() throws Exception {
    Path f = dir.resolve("rot.ledger");
    Ed25519Signer k1 = keys.key;
    Ed25519Signer k2 = Ed25519Signer.generate(TestLedgers.ORIGIN);
    Ed25519Signer k3 = Ed25519Signer.generate(TestLedgers.ORIGIN);
    try (Ledger l = keys.create(f, SigningMode.CHECKPOINT_ONLY)) {
      TestLedgers.pipeline(l, 1);
      l.addKey("sec", k2.verifierKey(), null);
    }
    try (Ledger l = Ledger.open(f, LedgerOptions.builder().checkpointSigner(k2).build())) {
      l.revokeKey("sec", k1.verifierKey(), null);
      l.addKey("sec", k3.verifierKey(), null);
    }
    String note;
    try (Ledger l = Ledger.open(f, LedgerOptions.builder().checkpointSigner(k3).build())) {
      l.revokeKey("sec", k2.verifierKey(), null);
      TestLedgers.pipeline(l, 2);
      note = l.checkpoint().noteText();
      assertThatThrownBy(() -> Checkpoint.open(note, List.of(k1.verifierKey()), TestLedgers.ORIGIN))
          .isInstanceOf(VerificationException.class);
      assertThat(l.openCheckpoint(note, List.of(k1.verifierKey())).size()).isEqualTo(l.size());
      // ... and an auditor who pinned k1 verifies incrementally from that checkpoint.
      TestLedgers.pipeline(l, 3);
      l.checkpoint();
      assertThat(l.verify(VerifyOptions.builder().trustedKeys(List.of(k1.verifierKey()))
          .trustedCheckpoint(note).build()).ok()).isTrue();
      // A stranger's key follows nothing.
      assertThatThrownBy(() -> l.openCheckpoint(note,
          List.of(Ed25519Signer.generate(TestLedgers.ORIGIN).verifierKey())))
          .isInstanceOf(VerificationException.class);
    }
  }

  // ------------------------------------------------------------ cosign goes through the writer

  @Test
  void aCosignatureNeverLandsInABatchThatRollsBack() throws Exception {
    Path f = dir.resolve("cosign.ledger");
    long size;
    try (Ledger l = keys.create(f, SigningMode.PER_RECORD)) {
      TestLedgers.pipeline(l, 1);
      size = l.checkpoint().size();
    }
    java.util.concurrent.CountDownLatch signing = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Signer failsMidBatch = new Signer() {
      @Override
      public VerifierKey verifierKey() {
        return keys.key.verifierKey();
      }

      @Override
      public byte[] sign(byte[] message) throws KeyException {
        signing.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new KeyException("the KMS went away");
      }
    };
    Ed25519Signer witness = Ed25519Signer.generate("witness.example/w");
    try (Ledger l = Ledger.open(f, keys.options().recordSigner(failsMidBatch).build())) {
      var append = l.appendAsync(TestLedgers.dataset("x", "1", 1));
      signing.await(); // the writer is inside its transaction now
      var cosign = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return l.cosign(size, witness);
        } catch (LedgerException e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      Thread.sleep(200); // give a cosign that bypasses the writer time to write into its batch
      release.countDown();
      assertThatThrownBy(append::join).hasCauseInstanceOf(KeyException.class);
      assertThat(cosign.get().note().signatures()).hasSize(2);
    }
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      assertThat(l.checkpoint(size).orElseThrow().note().signatures()).hasSize(2);
    }
  }
}
