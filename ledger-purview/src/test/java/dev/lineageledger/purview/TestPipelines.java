package dev.lineageledger.purview;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Ledgers with realistic ML pipelines for the Purview tests, and fast sync options. */
final class TestPipelines {
  static final String ORIGIN = "test.example/ml/fraud";
  static final String TOKEN = "test-token-7f3a";

  private TestPipelines() {}

  static Ledger create(Path file) throws LedgerException {
    return Ledger.create(file, ORIGIN, SigningMode.CHECKPOINT_ONLY, LedgerOptions.builder()
        .durability(Durability.OS_BUFFERED).checkpointEveryRecords(0)
        .checkpointIntervalMillis(0).build());
  }

  /** Options for the emulator: static token, quick retries, short timeouts, no pacing. */
  static PurviewSyncOptions.Builder options(PurviewEmulator e) {
    return PurviewSyncOptions.builder(PurviewEndpoint.of(e.datamapUrl()), PurviewAuth.staticToken(TOKEN))
        .retryDelays(Duration.ofMillis(5), Duration.ofMillis(50)).maxRetries(6).opsPerSecond(0)
        .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  static String digest(int i) {
    return "sha256:" + String.format("%064x", i);
  }

  static RecordDraft dataset(String name, String version, int i, List<String> classes)
      throws LedgerException {
    RecordDraft.Builder b = RecordDraft.builder(RecordKind.DATASET, "ingest@pipeline")
        .put("name", name).put("version", version).put("uri", "abfss://lake/" + name + "/" + version)
        .put("digest", digest(i)).put("rowCount", 1000 + i)
        .put("schema", Map.of("columns", List.of("card_id:string", "amount:double")));
    if (!classes.isEmpty()) {
      b.put("classifications", classes);
    }
    return b.build();
  }

  /**
   * Every kind: raw datasets (PII), features, training, a model, an evaluation, an approval, a
   * deployment, a second model and deployment, a rollback, and a custom record. 14 records.
   */
  static List<Receipt> pipeline(Ledger l, String run) throws LedgerException {
    List<Receipt> out = new ArrayList<>();
    Receipt tx = l.append(dataset("transactions", run, 1, List.of("PII", "PCI")));
    Receipt cb = l.append(dataset("chargebacks", run, 2, List.of("PII")));
    Receipt features = l.append(dataset("fraud-features", run, 3, List.of()));
    out.add(tx);
    out.add(cb);
    out.add(features);
    out.add(l.append(RecordDraft.builder(RecordKind.TRANSFORM, "features@ml")
        .put("name", "featurize").put("type", "feature-engineering")
        .put("inputs", List.of(tx.seq(), cb.seq())).put("outputs", List.of(features.seq()))
        .put("codeVersion", "git:4f2a9c1").put("runId", "fe-" + run)
        .put("parameters", Map.of("window", "1h")).build()));
    Receipt m1 = l.append(model("1", run, 0.97));
    out.add(m1);
    out.add(l.append(training(features, m1, "train-1-" + run)));
    Receipt holdout = l.append(dataset("holdout", run, 4, List.of()));
    out.add(holdout);
    out.add(l.append(RecordDraft.builder(RecordKind.TRANSFORM, "eval@ml")
        .put("name", "evaluate").put("type", "evaluation")
        .put("inputs", List.of(m1.seq(), holdout.seq())).put("codeVersion", "git:4f2a9c1")
        .put("runId", "eval-" + run).put("metrics", Map.of("auc", 0.96)).build()));
    Receipt a1 = l.append(RecordDraft.builder(RecordKind.APPROVAL, "risk@bank")
        .put("subject", m1.seq()).put("approver", "risk-officer@bank.example")
        .put("decision", "approved").put("comment", "MRM-2211").build());
    out.add(a1);
    Receipt d1 = l.append(deployment(m1, a1, "deploy", null));
    out.add(d1);
    Receipt m2 = l.append(model("2", run, 0.98));
    out.add(m2);
    Receipt d2 = l.append(deployment(m2, null, "deploy", d1));
    out.add(d2);
    out.add(l.append(deployment(m1, a1, "rollback", d2)));
    out.add(l.append(RecordDraft.builder(RecordKind.of("com.acme/labeling-job"), "labeler@acme")
        .put("name", "label-fraud").put("inputs", List.of(tx.seq()))
        .put("vendor", "acme").build()));
    return out;
  }

  static RecordDraft model(String version, String run, double auc) throws LedgerException {
    return RecordDraft.builder(RecordKind.MODEL, "trainer@ml")
        .put("name", "fraud-detector-" + run).put("version", version)
        .put("digest", digest(100 + Integer.parseInt(version))).put("framework", "xgboost 2.1.1")
        .put("metrics", Map.of("auc", auc, "trees", 400)).build();
  }

  static RecordDraft training(Receipt features, Receipt model, String run) throws LedgerException {
    return RecordDraft.builder(RecordKind.TRANSFORM, "trainer@ml")
        .put("name", "train").put("type", "training")
        .put("inputs", List.of(features.seq())).put("outputs", List.of(model.seq()))
        .put("codeVersion", "git:4f2a9c1").put("runId", run)
        .put("startedAt", "2026-11-01T10:00:00Z").put("endedAt", "2026-11-01T11:30:00Z")
        .put("parameters", Map.of("eta", 0.1)).build();
  }

  static RecordDraft deployment(Receipt model, Receipt approval, String action, Receipt replaces)
      throws LedgerException {
    RecordDraft.Builder b = RecordDraft.builder(RecordKind.DEPLOYMENT, "release@ci")
        .put("model", model.seq()).put("target", "aks://prod/fraud-scoring")
        .put("action", action).put("environment", "production");
    if (approval != null) {
      b.put("approval", approval.seq());
    }
    if (replaces != null) {
      b.put("replaces", replaces.seq());
    }
    return b.build();
  }

  /** {@code n} independent datasets, then a transform reading all of them in chunks of 10. */
  static void many(Ledger l, int n) throws LedgerException {
    List<RecordDraft> drafts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      drafts.add(dataset("part-" + i, "v1", 1000 + i, i % 7 == 0 ? List.of("PII") : List.of()));
    }
    List<Receipt> rs = l.appendAll(drafts);
    drafts.clear();
    for (int i = 0; i + 10 <= n; i += 10) {
      List<Long> in = new ArrayList<>();
      for (int j = i; j < i + 10; j++) {
        in.add(rs.get(j).seq());
      }
      drafts.add(RecordDraft.builder(RecordKind.TRANSFORM, "etl@ml").put("name", "merge")
          .put("type", "ingestion").put("inputs", in).put("codeVersion", "v1")
          .put("runId", "merge-" + i).build());
    }
    l.appendAll(drafts);
  }
}
