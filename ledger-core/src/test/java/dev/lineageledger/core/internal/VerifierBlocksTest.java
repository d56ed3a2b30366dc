package dev.lineageledger.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.core.VerificationReport;
import dev.lineageledger.core.VerifyOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verification prepares records in parallel blocks and checks them in order: whatever the
 * block size and the number of threads, the report — every failure, its sequence number,
 * reason and message, the counts — is the one a single thread checking one record at a time
 * gives. Tampering is placed on and around block boundaries (blocks of 1, 2, 3 and 7 records).
 */
class VerifierBlocksTest {
  private static final String ORIGIN = "test.example/blocks";
  private static final int RECORDS = 40; // checkpoints at 20 and 40
  private static final int[] BLOCKS = {1, 2, 3, 7, LedgerVerifier.BLOCK_RECORDS};
  private static final int[] THREADS = {1, 2, 4};

  @TempDir static Path dir;
  static Ed25519Signer key;
  static String firstCheckpoint;

  static Path pristine(SigningMode mode) {
    return dir.resolve("pristine-" + mode.id() + ".ledger");
  }

  @BeforeAll
  static void build() throws Exception {
    key = Ed25519Signer.generate(ORIGIN);
    for (SigningMode mode : SigningMode.values()) {
      LedgerOptions opts = LedgerOptions.builder().checkpointSigner(key).recordSigner(key)
          .durability(Durability.OS_BUFFERED).checkpointIntervalMillis(0)
          .checkpointEveryRecords(0).build();
      try (Ledger l = Ledger.create(pristine(mode), ORIGIN, mode, opts)) {
        List<Long> datasets = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
          if (i % 4 == 3) {
            l.append(RecordDraft.builder(RecordKind.TRANSFORM, "job@pipeline")
                .put("name", "t" + i).put("type", "feature-engineering")
                .put("inputs", List.of(datasets.get(datasets.size() - 1),
                    datasets.get(datasets.size() - 2)))
                .put("outputs", List.of(datasets.get(datasets.size() - 3)))
                .put("codeVersion", "git:4f2a9c1").put("runId", "run-" + i).build());
          } else {
            Receipt r = l.append(RecordDraft.builder(RecordKind.DATASET, "ingest@pipeline")
                .put("name", "d" + i).put("version", "1")
                .put("uri", "s3://lake/d" + i).put("digest", "sha256:" + "%064x".formatted(i))
                .put("schema", Map.of("fields", List.of(Map.of("name", "x", "type", "long"))))
                .build());
            datasets.add(r.seq());
          }
          if (i == RECORDS / 2 - 1) {
            String note = l.checkpoint().note().text();
            if (mode == SigningMode.CHECKPOINT_ONLY) {
              firstCheckpoint = note;
            }
          }
        }
        l.checkpoint();
      }
    }
  }

  /** SQL against a copy of a pristine ledger. */
  static Stream<Arguments> cases() {
    List<Arguments> c = new ArrayList<>();
    for (SigningMode m : SigningMode.values()) {
      c.add(Arguments.of("pristine", m, new String[0]));
      c.add(Arguments.of("bodies altered on block edges", m, sql(
          "UPDATE records SET body = CAST('{\"a\": 1}' AS BLOB) WHERE seq IN (2, 3, 6, 7, 13)")));
      c.add(Arguments.of("bodies swapped across a boundary", m, sql(
          "CREATE TEMP TABLE s AS SELECT seq, body, leaf_hash FROM records WHERE seq IN (6, 7)",
          "UPDATE records SET body = (SELECT body FROM s WHERE s.seq = 13 - records.seq),"
              + " leaf_hash = (SELECT leaf_hash FROM s WHERE s.seq = 13 - records.seq)"
              + " WHERE seq IN (6, 7)")));
      c.add(Arguments.of("records deleted", m, sql("DELETE FROM records WHERE seq IN (8, 21)")));
      c.add(Arguments.of("derived columns and tree nodes", m, sql(
          "UPDATE records SET name = 'x' WHERE seq = 1",
          "UPDATE records SET kind = 'model' WHERE seq = 14",
          "UPDATE records SET nodes = x'' WHERE seq = 15")));
      c.add(Arguments.of("an edge deleted", m, sql(
          "DELETE FROM edges WHERE rowid = (SELECT min(rowid) FROM edges WHERE record_seq = 7)")));
    }
    return c.stream();
  }

  private static String[] sql(String... statements) {
    return statements;
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("cases")
  void everyBlockSizeAndThreadCountGivesTheOneRecordAtATimeReport(String name, SigningMode mode,
      String[] sql, @TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("t.ledger");
    Files.copy(pristine(mode), file);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      for (String t : new String[] {"records_no_update", "records_no_delete", "edges_no_delete"}) {
        s.execute("DROP TRIGGER IF EXISTS " + t);
      }
      for (String q : sql) {
        s.execute(q);
      }
    }
    List<VerifyOptions> runs = new ArrayList<>();
    runs.add(VerifyOptions.builder().trustedKeys(List.of(key.verifierKey())).threads(1).build());
    if (mode == SigningMode.CHECKPOINT_ONLY) {
      runs.add(VerifyOptions.builder().trustedKeys(List.of(key.verifierKey())).threads(1)
          .trustedCheckpoint(firstCheckpoint).build());
    }
    for (VerifyOptions one : runs) {
      Object expected = summary(verify(file, mode, one, Integer.MAX_VALUE));
      for (int block : BLOCKS) {
        for (int threads : THREADS) {
          VerifyOptions opts = VerifyOptions.builder().trustedKeys(one.trustedKeys())
              .threads(threads).trustedCheckpoint(one.trustedCheckpoint().orElse(null)).build();
          assertThat(summary(verify(file, mode, opts, block)))
              .as("%s, blocks of %d, %d threads", name, block, threads).isEqualTo(expected);
        }
      }
      if (!name.equals("pristine") && one.trustedCheckpoint().isEmpty()) {
        assertThat(((List<?>) expected).get(0)).as("tampering is detected").isNotEqualTo(0L);
      }
    }
  }

  private static VerificationReport verify(Path file, SigningMode mode, VerifyOptions opts,
      int block) throws Exception {
    try (SqliteLedgerStore store = SqliteLedgerStore.open(file, Durability.OS_BUFFERED, 1000, true);
        LedgerStore.Reader r = store.read()) {
      return new LedgerVerifier(r, ORIGIN, mode, opts, block).run();
    }
  }

  private static List<Object> summary(VerificationReport r) {
    return List.of(r.failureCount(), r.failures(), r.fromSize(), r.size(), r.checkpointsChecked(),
        r.coveredSize(), r.keysAtEnd());
  }
}
