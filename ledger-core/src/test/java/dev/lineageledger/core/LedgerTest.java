package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
  @TempDir Path dir;
  final TestLedgers t = TestLedgers.keys();

  @Test
  void appendReadRoundTripWithChainAndResolvedReferences() throws Exception {
    try (Ledger l = t.create(dir.resolve("a.ledger"), SigningMode.CHECKPOINT_ONLY)) {
      List<Receipt> rs = TestLedgers.pipeline(l, 1);
      assertThat(l.size()).isEqualTo(rs.size());
      LedgerRecord r0 = l.record(0).orElseThrow();
      assertThat(r0.prev().hex()).isEqualTo("0".repeat(64));
      assertThat(r0.leafHash()).isEqualTo(MerkleTree.leafHash(r0.canonicalBytes()));
      LedgerRecord r1 = l.record(1).orElseThrow();
      assertThat(r1.prev()).isEqualTo(r0.leafHash());
      assertThat(CanonicalJson.isCanonical(r1.canonicalBytes())).isTrue();
      LedgerRecord fe = l.record(rs.get(3).seq()).orElseThrow();
      assertThat(fe.body().get("inputs").toString()).isEqualTo(
          "[{\"hash\":\"" + rs.get(0).leafHash().hex() + "\",\"seq\":0},{\"hash\":\""
              + rs.get(1).leafHash().hex() + "\",\"seq\":1}]");
      assertThat(l.record(rs.get(4).leafHash()).orElseThrow().text("name")).isEqualTo("fraud-detector");
      assertThat(l.resolve("model:fraud-detector@1").seq()).isEqualTo(rs.get(4).seq());
      assertThat(l.resolve("dataset:labels").seq()).isEqualTo(1);
      assertThat(l.records(new Ledger.Query("dataset", null, null, 0, 100))).hasSize(3);
      l.checkpoint();
      VerificationReport rep = l.verify(t.verifyOptions());
      assertThat(rep.size()).isEqualTo(rs.size());
      assertThat(rep.coveredSize()).isEqualTo(rs.size());
      // Checkpoint-only: each append commits with its own checkpoint (docs/FORMAT.md §5).
      assertThat(rep.checkpointsChecked()).isEqualTo(rs.size());
    }
  }

  @Test
  void findAnswersEmptyWhereResolveWouldRefuseADanglingReference() throws Exception {
    try (Ledger l = t.create(dir.resolve("a.ledger"), SigningMode.CHECKPOINT_ONLY)) {
      List<Receipt> rs = TestLedgers.pipeline(l, 1);
      Receipt model = rs.get(4);
      for (String ref : List.of("model:fraud-detector@1", "model:fraud-detector",
          String.valueOf(model.seq()), "#" + model.seq(), "sha256:" + model.leafHash().hex(),
          model.leafHash().hex().toUpperCase(java.util.Locale.ROOT))) {
        assertThat(l.find(ref)).as(ref).map(LedgerRecord::seq).contains(model.seq());
      }
      for (String ref : List.of("model:fraud-detector@2", "model:nobody", "999",
          "sha256:" + "ab".repeat(32))) {
        assertThat(l.find(ref)).as(ref).isEmpty();
        assertThatThrownBy(() -> l.resolve(ref)).as(ref).isInstanceOf(InvalidRecordException.class)
            .hasMessageContaining("dangling reference");
      }
      assertThatThrownBy(() -> l.resolve("sha256:" + "AB".repeat(32)))
          .hasMessageContaining("no record with hash " + "ab".repeat(32));
      assertThatThrownBy(() -> l.resolve("#999")).hasMessageContaining("record 999 does not exist");
      assertThatThrownBy(() -> l.resolve("model:nobody@3"))
          .hasMessageContaining("no model record named 'nobody@3'");
      // Not a reference at all: refused by both, not answered as "nothing".
      for (String ref : List.of("sha256:abc", "no-kind-here", "model:@1")) {
        assertThatThrownBy(() -> l.find(ref)).as(ref).isInstanceOf(InvalidRecordException.class)
            .hasMessageContaining("not a record");
      }
    }
  }

  @Test
  void perRecordSignaturesVerifyAndNameTheSigner() throws Exception {
    Path f = dir.resolve("p.ledger");
    try (Ledger l = t.create(f, SigningMode.PER_RECORD)) {
      TestLedgers.pipeline(l, 1);
      LedgerRecord r = l.record(2).orElseThrow();
      assertThat(r.signer()).contains(TestLedgers.ORIGIN + "+" + t.key.verifierKey().keyId().hex());
      byte[] msg = dev.lineageledger.core.internal.Envelope.recordSignatureMessage(
          TestLedgers.ORIGIN, r.leafHash());
      t.key.verifierKey().verify(msg, r.signature().orElseThrow());
    }
    try (Ledger l = Ledger.open(f, LedgerOptions.readOnly())) {
      assertThat(l.verify(t.verifyOptions()).size()).isEqualTo(l.size());
      VerifyOptions other = VerifyOptions.builder()
          .trustedKeys(List.of(Ed25519Signer.generate(TestLedgers.ORIGIN).verifierKey())).build();
      assertThatThrownBy(() -> l.verify(other))
          .isInstanceOf(LedgerVerificationException.class)
          .hasMessageContaining("record 0: untrusted-signer");
    }
  }

  @Test
  void perRecordLedgerRefusesUnsignedAppends() throws Exception {
    Path f = dir.resolve("p.ledger");
    t.create(f, SigningMode.PER_RECORD).close();
    try (Ledger l = Ledger.open(f, LedgerOptions.builder().build())) {
      assertThatThrownBy(() -> l.append(TestLedgers.dataset("d", "1", 1)))
          .hasMessageContaining("requires per-record signatures");
      assertThat(l.size()).isZero();
    }
  }

  @Test
  void invalidRecordsAreRejectedBeforeWritingAndNameTheField() throws Exception {
    try (Ledger l = t.create(dir.resolve("a.ledger"), SigningMode.CHECKPOINT_ONLY)) {
      l.append(TestLedgers.dataset("d", "1", 1));
      assertThatThrownBy(() -> l.append(RecordDraft.fromJson(
          "{\"kind\":\"dataset\",\"actor\":\"a\",\"body\":{\"name\":\"x\",\"version\":\"1\"}}")))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessage("body.uri: is required for kind dataset");
      assertThatThrownBy(() -> l.append(RecordDraft.builder(RecordKind.DATASET, "a")
          .put("name", "x").put("version", "1").put("uri", "s3://x").put("digest", "sha256:12")
          .build())).hasMessageStartingWith("body.digest: must be ALGORITHM:LOWERCASE-HEX");
      assertThatThrownBy(() -> l.append(RecordDraft.builder(RecordKind.DATASET, "a")
          .put("name", "x".repeat(300)).put("version", "1").put("uri", "s3://x")
          .put("digest", TestLedgers.digest(1)).build()))
          .hasMessage("body.name: is too long (300 characters, at most 256)");
      assertThatThrownBy(() -> l.append(RecordDraft.builder(RecordKind.DATASET, "a")
          .put("name", "x").put("version", "1").put("uri", "s3://x").put("rowCount", "many")
          .put("digest", TestLedgers.digest(1)).build()))
          .hasMessage("body.rowCount: must be a non-negative integer up to 2^53");
      assertThatThrownBy(() -> l.append(RecordDraft.builder(RecordKind.TRANSFORM, "a")
          .put("name", "t").put("type", "training").put("inputs", List.of(0, 7))
          .put("codeVersion", "c").put("runId", "r").build()))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessage("body.inputs[1]: dangling reference: record 7 does not exist");
      assertThatThrownBy(() -> l.append(RecordDraft.builder(RecordKind.DEPLOYMENT, "a")
          .put("model", 0).put("target", "t").put("action", "deploy").build()))
          .hasMessage("body.model: must reference a model record, but record 0 is a dataset");
      assertThatThrownBy(() -> RecordKind.of("widget"))
          .hasMessageStartingWith("kind: unknown kind 'widget'");
      assertThatThrownBy(() -> RecordDraft.fromJson("{\"kind\":\"dataset\",\"actor\":\"a\"}"))
          .hasMessage("body: is required");
      assertThat(l.size()).isEqualTo(1);
      assertThat(l.verify(VerifyOptions.builder().trustedKeys(List.of(t.key.verifierKey()))
          .allowUncoveredTail(true).build()).size()).isEqualTo(1);
    }
  }

  /**
   * A body built in code can hold values that JSON text cannot: NaN, infinities, lone
   * surrogates, integers no double represents, non-JSON nodes. They used to pass validation and
   * fail in the writer as a LedgerStorageException (CLI exit 3, "I/O error"), or for custom kinds
   * escape appendAsync as an IllegalArgumentException. They are invalid records, with a path.
   */
  @Test
  void valuesWithoutCanonicalFormAreInvalidRecordsNamingTheField() throws Exception {
    try (Ledger l = t.create(dir.resolve("a.ledger"), SigningMode.CHECKPOINT_ONLY)) {
      RecordDraft nanMetric = model().put("metrics", java.util.Map.of("auc", Double.NaN)).build();
      assertThatThrownBy(() -> l.append(nanMetric))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessage("body.metrics.auc: NaN is not a JSON number"
              + " (RFC 8785 §3.2.2.3: NaN and Infinity are invalid)");
      RecordDraft loneSurrogate = model().put("description", "broken \ud800 text").build();
      assertThatThrownBy(() -> l.append(loneSurrogate))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessage("body.description: is not valid Unicode (lone surrogate)");
      RecordDraft customInfinity = RecordDraft.builder(RecordKind.of("com.acme/x"), "a")
          .put("extra", List.of(1, Double.POSITIVE_INFINITY)).build();
      CompletableFuture<Receipt> f = l.appendAsync(customInfinity);
      assertThat(f).failsWithin(java.time.Duration.ofSeconds(10))
          .withThrowableThat().havingCause().isInstanceOf(InvalidRecordException.class)
          .withMessage("body.extra[1]: Infinity is not a JSON number"
              + " (RFC 8785 §3.2.2.3: NaN and Infinity are invalid)");
      RecordDraft bigInteger = RecordDraft.builder(RecordKind.of("com.acme/x"), "a")
          .put("n", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
              .numberNode(new java.math.BigInteger("9007199254740993"))).build();
      assertThatThrownBy(() -> l.append(bigInteger))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessageStartingWith("body.n: integer '9007199254740993' exceeds 2^53");
      RecordDraft binary = RecordDraft.builder(RecordKind.of("com.acme/x"), "a")
          .put("b", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
              .binaryNode(new byte[] {1})).build();
      assertThatThrownBy(() -> l.append(binary))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessage("body.b: is not a JSON value (BINARY)");
      assertThatThrownBy(() -> RecordDraft.builder(RecordKind.DATASET, "\udc00").build())
          .isInstanceOf(InvalidRecordException.class)
          .hasMessage("actor: is not valid Unicode (lone surrogate)");
      assertThat(l.size()).isZero();
    }
  }

  private static RecordDraft.Builder model() {
    return RecordDraft.builder(RecordKind.MODEL, "a").put("name", "m").put("version", "1")
        .put("digest", TestLedgers.digest(1)).put("framework", "f");
  }

  @Test
  void appendAllIsAllOrNothingAndMayReferenceItsOwnRecords() throws Exception {
    try (Ledger l = t.create(dir.resolve("a.ledger"), SigningMode.PER_RECORD)) {
      RecordDraft ds = TestLedgers.dataset("in", "1", 1);
      RecordDraft model = RecordDraft.builder(RecordKind.MODEL, "a").put("name", "m")
          .put("version", "1").put("digest", TestLedgers.digest(2)).put("framework", "torch").build();
      RecordDraft tr = RecordDraft.builder(RecordKind.TRANSFORM, "a").put("name", "t")
          .put("type", "training").put("inputs", List.of("dataset:in@1"))
          .put("outputs", List.of("model:m@1")).put("codeVersion", "c").put("runId", "r").build();
      List<Receipt> rs = l.appendAll(List.of(ds, model, tr));
      assertThat(rs).extracting(Receipt::seq).containsExactly(0L, 1L, 2L);
      RecordDraft bad = RecordDraft.builder(RecordKind.APPROVAL, "a").put("subject", 99)
          .put("approver", "x").put("decision", "approved").build();
      assertThatThrownBy(() -> l.appendAll(List.of(TestLedgers.dataset("z", "1", 3), bad)))
          .hasMessage("body.subject: record 2 of 2: dangling reference: record 99 does not exist");
      assertThat(l.size()).isEqualTo(3);
      LineageGraph up = l.lineage(1, LineageDirection.UPSTREAM, 0);
      assertThat(up.nodes().keySet()).containsExactlyInAnyOrder(0L, 1L, 2L);
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void concurrentAppendsAreGroupCommittedWithContiguousSequence() throws Exception {
    try (Ledger l = Ledger.create(dir.resolve("c.ledger"), TestLedgers.ORIGIN,
        SigningMode.PER_RECORD, t.options().checkpointEveryRecords(100).build())) {
      List<CompletableFuture<Receipt>> fs = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      List<Receipt> sync = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int th = 0; th < 8; th++) {
        int id = th;
        Thread x = new Thread(() -> {
          try {
            for (int i = 0; i < 100; i++) {
              sync.add(l.append(TestLedgers.dataset("t" + id, "v" + i, i)));
            }
          } catch (LedgerException e) {
            throw new AssertionError(e);
          }
        });
        threads.add(x);
        x.start();
      }
      for (int i = 0; i < 200; i++) {
        fs.add(l.appendAsync(TestLedgers.dataset("async", "v" + i, i)));
      }
      for (Thread x : threads) {
        x.join();
      }
      for (CompletableFuture<Receipt> f : fs) {
        sync.add(f.get());
      }
      assertThat(sync).extracting(Receipt::seq).doesNotHaveDuplicates().hasSize(1000);
      assertThat(l.size()).isEqualTo(1000);
      for (Receipt r : sync) {
        assertThat(l.record(r.seq()).orElseThrow().leafHash()).isEqualTo(r.leafHash());
      }
      l.checkpoint();
      assertThat(l.checkpoints()).extracting(StoredCheckpoint::size).contains(1000L);
      VerificationReport rep = l.verify(t.verifyOptions());
      assertThat(rep.size()).isEqualTo(1000);
      assertThat(rep.coveredSize()).isEqualTo(1000);
    }
  }

  @Test
  void checkpointsAreSignedNotesAndProofsVerify() throws Exception {
    try (Ledger l = t.create(dir.resolve("a.ledger"), SigningMode.CHECKPOINT_ONLY)) {
      for (int i = 0; i < 3; i++) {
        TestLedgers.pipeline(l, i);
      }
      StoredCheckpoint old = l.checkpoint();
      TestLedgers.pipeline(l, 9);
      StoredCheckpoint cp = l.checkpoint();
      Checkpoint parsed = Checkpoint.open(cp.noteText(), List.of(t.key.verifierKey()), TestLedgers.ORIGIN);
      assertThat(parsed.size()).isEqualTo(l.size());
      assertThat(parsed.root()).isEqualTo(l.root(l.size()));
      for (long i = 0; i < cp.size(); i++) {
        InclusionProof p = l.proveInclusion(i, cp.size());
        p.verify(l.record(i).orElseThrow().leafHash(), cp.root());
      }
      ConsistencyProof c = l.proveConsistency(old.size(), cp.size());
      c.verify(old.root(), cp.root());
      Ed25519Signer witness = Ed25519Signer.generate("witness.example/w1");
      StoredCheckpoint cosigned = l.cosign(cp.size(), witness);
      assertThat(cosigned.note().signatures()).hasSize(2);
      assertThat(cosigned.note().verify(List.of(witness.verifierKey()))).hasSize(1);
      assertThat(l.latestCheckpoint().orElseThrow().noteText()).isEqualTo(cosigned.noteText());
    }
  }

  /**
   * By count and by time, one policy per ledger: with both on, a machine slow enough to take
   * 50 ms between two appends gets a timed checkpoint first and shifts the counted ones (this
   * test failed that way at load average ~6).
   */
  @Test
  void automaticCheckpointsByCountAndTime() throws Exception {
    // The policy is per-record mode's: checkpoint-only batches each carry their own checkpoint.
    try (Ledger l = Ledger.create(dir.resolve("a.ledger"), TestLedgers.ORIGIN,
        SigningMode.PER_RECORD, t.options().checkpointEveryRecords(5)
            .checkpointIntervalMillis(0).checkpointOnClose(false).build())) {
      for (int i = 0; i < 12; i++) {
        l.append(TestLedgers.dataset("d", "v" + i, i));
      }
      assertThat(l.checkpoints()).extracting(StoredCheckpoint::size).containsExactly(5L, 10L);
    }
    try (Ledger l = Ledger.create(dir.resolve("b.ledger"), TestLedgers.ORIGIN,
        SigningMode.PER_RECORD, t.options().checkpointEveryRecords(0)
            .checkpointIntervalMillis(50).checkpointOnClose(false).build())) {
      for (int i = 0; i < 12; i++) {
        l.append(TestLedgers.dataset("d", "v" + i, i));
      }
      // The timer covers the tail within about 50 ms; the bound only ends a failing test.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (l.latestCheckpoint().map(StoredCheckpoint::size).orElse(0L) < 12
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(l.latestCheckpoint().orElseThrow().size()).isEqualTo(12);
    }
  }

  @Test
  void lineageClosureBothWays() throws Exception {
    try (Ledger l = t.create(dir.resolve("a.ledger"), SigningMode.CHECKPOINT_ONLY)) {
      List<Receipt> rs = TestLedgers.pipeline(l, 1);
      long deploy = rs.get(7).seq();
      LineageGraph up = l.lineage(deploy, LineageDirection.UPSTREAM, 0);
      assertThat(up.nodes().values()).extracting(LineageGraph.Node::label).contains(
          "dataset transactions@v1", "dataset labels@v1", "dataset features@v1",
          "transform featurize@fe-1", "transform train@train-1", "model fraud-detector@1");
      assertThat(up.nodes()).doesNotContainKey(rs.get(8).seq());
      LineageGraph down = l.lineage(0, LineageDirection.DOWNSTREAM, 0);
      assertThat(down.nodes().keySet()).contains(deploy, rs.get(8).seq());
      LineageGraph shallow = l.lineage(deploy, LineageDirection.UPSTREAM, 1);
      assertThat(shallow.nodes().keySet()).containsExactlyInAnyOrder(deploy, rs.get(4).seq(), rs.get(6).seq());
      assertThat(shallow.truncated()).isTrue();
    }
  }

  @Test
  void foreignNewerAndCorruptFilesGetClearErrors() throws Exception {
    Path notDb = dir.resolve("notes.txt");
    Files.writeString(notDb, "hello, this is not a database at all".repeat(100));
    assertThatThrownBy(() -> Ledger.open(notDb, LedgerOptions.readOnly()))
        .isInstanceOf(LedgerStorageException.class)
        .hasMessageContaining("not a ledger (the file is not an SQLite database)");
    Path other = dir.resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE x(y)");
    }
    assertThatThrownBy(() -> Ledger.open(other, LedgerOptions.readOnly()))
        .hasMessageContaining("is not a Lineage Ledger file");
    Path newer = dir.resolve("newer.ledger");
    t.create(newer, SigningMode.CHECKPOINT_ONLY).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + newer);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version=99");
    }
    assertThatThrownBy(() -> Ledger.open(newer, LedgerOptions.readOnly()))
        .hasMessageContaining("has ledger schema version 99, newer than this build supports");
    assertThatThrownBy(() -> Ledger.open(dir.resolve("missing.ledger"), LedgerOptions.readOnly()))
        .hasMessageContaining("no ledger at");
    Path corrupt = dir.resolve("corrupt.ledger");
    try (Ledger l = t.create(corrupt, SigningMode.CHECKPOINT_ONLY)) {
      for (int i = 0; i < 200; i++) {
        l.append(TestLedgers.dataset("d", "v" + i, i));
      }
    }
    byte[] bytes = Files.readAllBytes(corrupt);
    for (int i = 4096; i < bytes.length; i += 7) {
      bytes[i] ^= 0x5a;
    }
    Files.write(corrupt, bytes);
    Files.deleteIfExists(dir.resolve("corrupt.ledger-wal"));
    assertThatThrownBy(() -> {
      try (Ledger l = Ledger.open(corrupt, LedgerOptions.readOnly())) {
        l.verify(t.verifyOptions());
      }
    }).isInstanceOf(LedgerException.class).satisfies(e ->
        assertThat(e.getMessage()).doesNotContain("\n").containsAnyOf("corrupt", "malformed", "not a"));
  }

  @Test
  void appendFailsCleanlyWhileAnotherWriterHoldsTheLockThenRecovers() throws Exception {
    Path f = dir.resolve("locked.ledger");
    try (Ledger l = Ledger.create(f, TestLedgers.ORIGIN, SigningMode.CHECKPOINT_ONLY,
        t.options().busyTimeoutMillis(200).build())) {
      l.append(TestLedgers.dataset("d", "1", 1));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f);
          Statement s = c.createStatement()) {
        s.execute("BEGIN EXCLUSIVE");
        assertThatThrownBy(() -> l.append(TestLedgers.dataset("d", "2", 2)))
            .isInstanceOf(LedgerStorageException.class)
            .hasMessageContaining("locked by another writer")
            .satisfies(e -> assertThat(((LedgerStorageException) e).reason())
                .isEqualTo(LedgerStorageException.Reason.LOCKED));
        s.execute("ROLLBACK");
      }
      assertThat(l.append(TestLedgers.dataset("d", "3", 3)).seq()).isEqualTo(1);
    }
  }

  @Test
  void appendOnlyTriggersRefuseUpdates() throws Exception {
    Path f = dir.resolve("a.ledger");
    try (Ledger l = t.create(f, SigningMode.CHECKPOINT_ONLY)) {
      l.append(TestLedgers.dataset("d", "1", 1));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f);
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("UPDATE records SET actor = 'x'"))
          .hasMessageContaining("append-only");
      assertThatThrownBy(() -> s.execute("DELETE FROM records")).hasMessageContaining("append-only");
    }
  }

  @Test
  void oversizedRecordIsRejected() throws Exception {
    try (Ledger l = t.create(dir.resolve("a.ledger"), SigningMode.CHECKPOINT_ONLY)) {
      RecordDraft.Builder b = RecordDraft.builder(RecordKind.of("com.acme/blob"), "a");
      for (int i = 0; i < 5; i++) {
        b.put("part" + i, "x".repeat(15_000)); // each field is within its 16 KiB limit
      }
      RecordDraft big = b.build();
      assertThatThrownBy(() -> l.append(big))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessageStartingWith("record is too large (")
          .hasMessageEndingWith("bytes canonical, at most 65536)");
      assertThatThrownBy(() -> l.append(RecordDraft.builder(RecordKind.of("com.acme/blob"), "a")
          .put("data", "x".repeat(17_000)).build()))
          .hasMessageStartingWith("body.data: is too large (17002 bytes canonical, at most 16384)");
      assertThat(l.size()).isZero();
    }
  }
}
