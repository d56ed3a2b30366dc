package dev.lineageledger.core;

import dev.lineageledger.core.testing.PostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Builds small, realistic ledgers for tests: every record kind, references, checkpoints. */
final class TestLedgers {
  static final String ORIGIN = "test.example/ledger";

  /**
   * The test PostgreSQL server's password, asked only when a PostgreSQL ledger connects (so a
   * test of file ledgers never starts the server).
   */
  static final Supplier<char[]> PG_PASSWORD = () -> PostgresServer.shared().password().toCharArray();

  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static String database;

  final Ed25519Signer key = Ed25519Signer.generate(ORIGIN);

  private TestLedgers() {}

  /** A location for a new PostgreSQL ledger: a schema not used yet in this JVM's database. */
  static String postgresLocation() {
    return PostgresServer.shared().location(database(), "l" + SCHEMAS.incrementAndGet());
  }

  /** The database of this JVM's PostgreSQL ledgers, created on first use. */
  static synchronized String database() {
    if (database == null) {
      database = PostgresServer.shared().freshDatabase();
    }
    return database;
  }

  /** Read-only options that can also open a PostgreSQL ledger of the tests. */
  static LedgerOptions readOnly() {
    return LedgerOptions.builder().readOnly(true).passwordSupplier(PG_PASSWORD).build();
  }

  static TestLedgers keys() {
    return new TestLedgers();
  }

  LedgerOptions.Builder options() {
    return LedgerOptions.builder().checkpointSigner(key).durability(Durability.OS_BUFFERED)
        .checkpointIntervalMillis(0).checkpointEveryRecords(0).passwordSupplier(PG_PASSWORD);
  }

  Ledger create(Path file, SigningMode mode) throws LedgerException {
    return Ledger.create(file, ORIGIN, mode, options().build());
  }

  /** A new ledger at a file path or a PostgreSQL location. */
  Ledger create(String location, SigningMode mode) throws LedgerException {
    return Ledger.create(location, ORIGIN, mode, options().build());
  }

  VerifyOptions verifyOptions() {
    return VerifyOptions.builder().trustedKeys(List.of(key.verifierKey())).build();
  }

  static String digest(int i) {
    return "sha256:" + String.format("%064x", i);
  }

  static RecordDraft dataset(String name, String version, int i) throws InvalidRecordException {
    return RecordDraft.builder(RecordKind.DATASET, "ingest@pipeline")
        .put("name", name).put("version", version).put("uri", "s3://lake/" + name + "/" + version)
        .put("digest", digest(i)).put("rowCount", 1000 + i)
        .put("classifications", List.of("PII"))
        .put("schema", Map.of("fields", List.of(Map.of("name", "amount", "type", "double"))))
        .build();
  }

  /** The ML lifecycle: datasets, features, training, model, evaluation, approval, deploy, rollback. */
  static List<Receipt> pipeline(Ledger l, int n) throws LedgerException {
    List<Receipt> out = new ArrayList<>();
    Receipt raw = l.append(dataset("transactions", "v" + n, n));
    Receipt labels = l.append(dataset("labels", "v" + n, n + 1));
    out.add(raw);
    out.add(labels);
    Receipt features = l.append(dataset("features", "v" + n, n + 2));
    out.add(features);
    out.add(l.append(RecordDraft.builder(RecordKind.TRANSFORM, "featurize@airflow")
        .put("name", "featurize").put("type", "feature-engineering")
        .put("inputs", List.of(raw.seq(), "dataset:labels@v" + n))
        .put("outputs", List.of("sha256:" + features.leafHash().hex()))
        .put("codeVersion", "git:4f2a9c1").put("runId", "fe-" + n)
        .put("parameters", Map.of("window", "30d", "scale", 0.5)).build()));
    Receipt model = l.append(RecordDraft.builder(RecordKind.MODEL, "trainer@aml")
        .put("name", "fraud-detector").put("version", String.valueOf(n)).put("digest", digest(n + 3))
        .put("framework", "xgboost 2.1").put("metrics", Map.of("auc", 0.9731, "logloss", 0.0712))
        .build());
    out.add(model);
    out.add(l.append(RecordDraft.builder(RecordKind.TRANSFORM, "trainer@aml")
        .put("name", "train").put("type", "training").put("inputs", List.of(features.seq()))
        .put("outputs", List.of(model.seq())).put("codeVersion", "git:4f2a9c1")
        .put("runId", "train-" + n).put("parameters", Map.of("eta", 0.1, "depth", 6)).build()));
    Receipt approval = l.append(RecordDraft.builder(RecordKind.APPROVAL, "risk-officer@corp")
        .put("subject", model.seq()).put("approver", "risk-officer@corp")
        .put("decision", "approved").build());
    out.add(approval);
    Receipt deploy = l.append(RecordDraft.builder(RecordKind.DEPLOYMENT, "release@ci")
        .put("model", model.seq()).put("target", "aks://prod/fraud").put("action", "deploy")
        .put("approval", approval.seq()).build());
    out.add(deploy);
    out.add(l.append(RecordDraft.builder(RecordKind.of("com.acme/drift-report"), "monitor@corp")
        .put("name", "drift").put("inputs", List.of(deploy.seq())).put("psi", 0.02).build()));
    return out;
  }
}
