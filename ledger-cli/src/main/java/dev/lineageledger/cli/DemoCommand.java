package dev.lineageledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.LineageDirection;
import dev.lineageledger.core.LineageGraph;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.core.StoredCheckpoint;
import dev.lineageledger.core.VerificationReport;
import dev.lineageledger.core.VerifyOptions;
import dev.lineageledger.purview.PurviewAuth;
import dev.lineageledger.purview.PurviewClient;
import dev.lineageledger.purview.PurviewEndpoint;
import dev.lineageledger.purview.PurviewSync;
import dev.lineageledger.purview.PurviewSyncOptions;
import dev.lineageledger.purview.SyncResult;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Record a realistic ML pipeline into a fresh ledger, checkpoint it, verify it and"
        + " show the lineage of the deployed model.",
    footer = {"", "Example:", "  ledger demo && ledger log --ledger demo.ledger"})
final class DemoCommand implements Callable<Integer> {
  static final String ORIGIN_PREFIX = "demo.lineage-ledger.local/";

  @Spec CommandSpec spec;

  @Option(names = "--ledger", paramLabel = "PATH", defaultValue = "demo.ledger",
      description = "Where to write the demo ledger (default: ./demo.ledger; replaced if it is a demo ledger).")
  Path path;

  @Option(names = {"-v", "--verbose"}, description = "Show causes of errors, for debugging.")
  boolean verbose;

  private PrintWriter out;
  private Terminal t;
  private Ledger ledger;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    t = Terminal.detect();
    // The emulator and the Azure HTTP pipeline take a second to load: overlap it with the rest.
    java.util.concurrent.CompletableFuture<Purview> purview =
        java.util.concurrent.CompletableFuture.supplyAsync(DemoCommand::startPurview);
    clearPreviousDemo();
    String origin = ORIGIN_PREFIX + "fraud-detection";
    Ed25519Signer key = Ed25519Signer.generate(origin);
    KeyFileWriter.writePrivateKey(Path.of(path + ".key"), key, null);
    KeyFileWriter.writePublicKey(Path.of(path + ".pub"), key.verifierKey());

    out.println(t.bold("Lineage Ledger demo") + ": a fraud-detection model from raw data to production");
    out.println(t.dim("ledger " + path + "  origin " + origin + "  per-record Ed25519 signatures"));
    out.println(t.dim("signing key " + path + ".key (owner-only), verifier key " + key.verifierKey()));
    out.println();

    Receipt deployed;
    long servingModel;
    try (Ledger l = Ledger.create(path, origin, SigningMode.PER_RECORD,
        LedgerOptions.builder().checkpointSigner(key).build())) {
      ledger = l;
      deployed = pipeline();
      servingModel = l.record(deployed.seq()).orElseThrow().body().get("model").get("seq").asLong();
      out.println();
      StoredCheckpoint cp = l.checkpoint();
      out.println(t.bold("Checkpoint") + " (C2SP signed note, tree size " + cp.size() + "):");
      for (String line : cp.noteText().split("\n")) {
        out.println("  " + line);
      }
      VerificationReport rep = l.verify(VerifyOptions.builder()
          .trustedKeys(List.of(key.verifierKey())).build());
      out.println(t.bold("Verify") + ": " + t.green("OK") + ", " + rep.size() + " records, "
          + rep.checkpointsChecked() + " checkpoint, every record signature and hash checks out");
      out.println();
      LineageGraph g = l.lineage(servingModel, LineageDirection.UPSTREAM, 0);
      out.println(t.bold("Lineage of the deployed model") + " (#" + deployed.seq()
          + " rolled production back to it):");
      out.print(LineageCommand.tree(g, t));
      out.println();
      purview(l, servingModel, purview.join());
    }
    out.println();
    out.println(t.bold("Next, try:"));
    String p = path.toString();
    out.println("  ./ledger log --ledger " + p);
    out.println("  ./ledger show model:fraud-detector@1 --ledger " + p);
    out.println("  ./ledger lineage dataset:transactions@2026-11-01 --downstream --ledger " + p);
    out.println("  ./ledger verify --ledger " + p + " --key " + p + ".pub   # auditors: --key with the key they were given");
    out.println("  ./ledger lineage " + deployed.seq() + " --format mermaid --ledger " + p);
    out.println("  ./ledger prove " + deployed.seq() + " --json --ledger " + p + " > proof.json");
    out.println("  ./ledger verify-proof proof.json --key \"$(./ledger key verifier --ledger " + p + ")\"");
    out.println("  ./ledger checkpoint --ledger " + p + " > demo.note   # keep it; later: ./ledger consistency demo.note --key " + p + ".pub --ledger " + p);
    out.println("  ./ledger purview emulator &   # then: LEDGER_PURVIEW_TOKEN=dev ./ledger sync purview"
        + " --endpoint http://127.0.0.1:8585/datamap/api --ledger " + p);
    return ExitCodes.OK;
  }

  /** An in-process emulator with a client for it. */
  private record Purview(PurviewEmulator emulator, PurviewSyncOptions options, PurviewClient client) {}

  private static Purview startPurview() {
    try {
      PurviewEmulator emulator = PurviewEmulator.start();
      PurviewSyncOptions o = PurviewSyncOptions.builder(PurviewEndpoint.of(emulator.datamapUrl()),
          // Unpaced: the in-process emulator has no capacity units to respect.
          PurviewAuth.staticToken(java.util.UUID.randomUUID().toString())).opsPerSecond(0).build();
      return new Purview(emulator, o, new PurviewClient(o));
    } catch (Exception e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  /** Syncs to the in-process Purview emulator and prints the lineage Purview gives back. */
  private void purview(Ledger l, long servingModel, Purview p) throws Exception {
    try (PurviewEmulator emulator = p.emulator()) {
      SyncResult r = PurviewSync.sync(l, p.options());
      out.println(t.bold("Purview") + ": synced to an in-process emulator (" + emulator.datamapUrl()
          + "): " + r.records() + " records as " + r.entities() + " Atlas entities in " + r.batches()
          + " bulk request" + (r.batches() == 1 ? "" : "s") + ", " + r.typesCreated() + " types created");
      JsonNode model = p.client().entityOfRecord(l, servingModel).orElseThrow();
      JsonNode lineage = p.client().lineage(model.get("guid").asText(), "INPUT", 10);
      out.println(t.bold("Lineage read back from Purview") + " (" + lineage.get("relations").size()
          + " relations upstream of the deployed model; each entity carries its ledger seq and hash):");
      out.print(purviewTree(lineage, t));
      JsonNode a = model.get("attributes");
      out.println(t.dim("  " + a.get("qualifiedName").asText() + "  ledgerSeq " + a.get("ledgerSeq").asLong()
          + "  recordHash " + a.get("recordHash").asText().substring(0, 23) + "…"
          + (a.has("approvalDecision") ? "  " + a.get("approvalDecision").asText() + " by "
              + a.get("approvedBy").asText() + " (#" + a.get("approvalSeq").asLong() + ")" : "")));
    }
  }

  /** Purview's lineage answer as a tree, upstream from its base entity. */
  static String purviewTree(JsonNode lineage, Terminal t) {
    StringBuilder b = new StringBuilder();
    String base = lineage.get("baseEntityGuid").asText();
    b.append("  ").append(t.bold(purviewLabel(lineage, base, t))).append('\n');
    purviewWalk(lineage, base, "  ", new java.util.HashSet<>(List.of(base)), b, t);
    return b.toString();
  }

  private static void purviewWalk(JsonNode lineage, String guid, String prefix,
      java.util.Set<String> seen, StringBuilder b, Terminal t) {
    List<String> kids = new java.util.ArrayList<>();
    for (JsonNode r : lineage.get("relations")) {
      if (r.get("toEntityId").asText().equals(guid)) {
        kids.add(r.get("fromEntityId").asText());
      }
    }
    kids.sort(java.util.Comparator.comparing(k -> purviewLabel(lineage, k, Terminal.plain())));
    for (int i = 0; i < kids.size(); i++) {
      String k = kids.get(i);
      boolean last = i == kids.size() - 1;
      b.append(prefix).append(last ? "└── " : "├── ").append(purviewLabel(lineage, k, t));
      if (!seen.add(k)) {
        b.append(t.dim(" (see above)")).append('\n');
        continue;
      }
      b.append('\n');
      purviewWalk(lineage, k, prefix + (last ? "    " : "│   "), seen, b, t);
    }
  }

  private static String purviewLabel(JsonNode lineage, String guid, Terminal t) {
    JsonNode h = lineage.get("guidEntityMap").get(guid);
    String type = h.get("typeName").asText().replace("lineage_ledger_", "").replace('_', ' ');
    StringBuilder s = new StringBuilder(h.get("attributes").get("name").asText());
    s.append(t.dim("  " + type));
    List<String> cs = new java.util.ArrayList<>();
    h.path("classificationNames").forEach(c -> cs.add(c.asText()));
    if (!cs.isEmpty()) {
      s.append("  ").append(t.red(String.join(", ", cs)));
    }
    return s.toString();
  }

  private void clearPreviousDemo() throws Exception {
    if (Files.exists(path)) {
      String origin;
      try (Ledger l = Ledger.open(path, LedgerOptions.readOnly())) {
        origin = l.origin();
      } catch (LedgerException e) {
        throw new UsageException(path + " exists and is not a demo ledger; choose another --ledger");
      }
      if (!origin.startsWith(ORIGIN_PREFIX)) {
        throw new UsageException(path + " is a ledger (" + origin + "), not a demo ledger;"
            + " choose another --ledger");
      }
      out.println(t.dim("replacing the previous demo ledger " + path));
    }
    for (String suffix : List.of("", "-wal", "-shm", ".key", ".pub")) {
      Files.deleteIfExists(Path.of(path + suffix));
    }
  }

  private Receipt pipeline() throws Exception {
    Random rnd = new Random(20261101);
    Receipt tx = step("ingest@etl.bank.example", dataset("transactions", "2026-11-01",
        "abfss://lake@bank.dfs.core.windows.net/raw/transactions/2026-11-01.parquet",
        csv(rnd, 5000), 5000, List.of("PII", "PCI"), "card_id:string,amount:double,merchant:string,ts:timestamp"));
    Receipt cb = step("ingest@etl.bank.example", dataset("chargebacks", "2026-11-01",
        "abfss://lake@bank.dfs.core.windows.net/raw/chargebacks/2026-11-01.parquet",
        csv(rnd, 180), 180, List.of("PII"), "card_id:string,chargeback:boolean"));
    Receipt features = step("features@ml-platform", dataset("fraud-features", "2026-11-01",
        "abfss://lake@bank.dfs.core.windows.net/features/fraud/2026-11-01.parquet",
        csv(rnd, 5000), 5000, List.of(), "amount_z:double,merchant_risk:double,velocity_1h:int,label:boolean"));
    step("features@ml-platform", RecordDraft.builder(RecordKind.TRANSFORM, "features@ml-platform")
        .put("name", "featurize-fraud").put("type", "feature-engineering")
        .put("inputs", List.of(tx.seq(), cb.seq())).put("outputs", List.of(features.seq()))
        .put("codeVersion", "git:4f2a9c1").put("runId", "fe-2026-11-01")
        .put("parameters", Map.of("window", "1h", "pseudonymise", "card_id")).build());
    Receipt holdout = step("features@ml-platform", dataset("fraud-holdout", "2026-11-01",
        "abfss://lake@bank.dfs.core.windows.net/features/fraud/holdout-2026-11-01.parquet",
        csv(rnd, 800), 800, List.of(), "amount_z:double,merchant_risk:double,velocity_1h:int,label:boolean"));
    Receipt m1 = step("trainer@ml-platform", model("1", 0.9731, 0.0712, rnd));
    step("trainer@ml-platform", training(features, m1, "train-381", 0.1));
    step("evaluator@ml-platform", RecordDraft.builder(RecordKind.TRANSFORM, "evaluator@ml-platform")
        .put("name", "evaluate-fraud-detector").put("type", "evaluation")
        .put("inputs", List.of(m1.seq(), holdout.seq())).put("codeVersion", "git:4f2a9c1")
        .put("runId", "eval-381").put("metrics", Map.of("auc", 0.9688, "recall_at_1pct_fpr", 0.812))
        .build());
    Receipt a1 = step("risk-officer@bank.example", approval(m1, "approved",
        "Model risk review MRM-2211: bias and stability checks passed"));
    Receipt d1 = step("release@ci.bank.example", deployment(m1, a1, "deploy", null, null));
    Receipt m2 = step("trainer@ml-platform", model("2", 0.9764, 0.0690, rnd));
    step("trainer@ml-platform", training(features, m2, "train-402", 0.05));
    Receipt a2 = step("risk-officer@bank.example", approval(m2, "approved", "MRM-2240: approved"));
    Receipt d2 = step("release@ci.bank.example", deployment(m2, a2, "deploy", d1, null));
    return step("release@ci.bank.example", deployment(m1, a1, "rollback", d2,
        "p99 scoring latency regression in v2; rolling back to v1"));
  }

  private Receipt step(String actor, RecordDraft d) throws LedgerException {
    Receipt r = ledger.append(d);
    String label = ledger.record(r.seq()).orElseThrow().label();
    out.printf("  %s %-58s %s  %s%n", t.bold(String.format("#%-2d", r.seq())), label,
        t.dim(String.format("%-26s", actor)), t.dim("sha256:" + r.leafHash().hex().substring(0, 16) + "…"));
    return r;
  }

  private static RecordDraft dataset(String name, String version, String uri, byte[] content,
      long rows, List<String> classes, String schema) throws InvalidRecordException {
    RecordDraft.Builder b = RecordDraft.builder(RecordKind.DATASET,
        name.startsWith("fraud-") ? "features@ml-platform" : "ingest@etl.bank.example")
        .put("name", name).put("version", version).put("uri", uri)
        .put("digest", "sha256:" + sha256(content)).put("rowCount", rows)
        .put("schema", Map.of("format", "parquet", "columns", List.of(schema.split(","))));
    if (!classes.isEmpty()) {
      b.put("classifications", classes);
    }
    return b.build();
  }

  private static RecordDraft model(String version, double auc, double logloss, Random rnd)
      throws InvalidRecordException {
    return RecordDraft.builder(RecordKind.MODEL, "trainer@ml-platform")
        .put("name", "fraud-detector").put("version", version)
        .put("digest", "sha256:" + sha256(csv(rnd, 100))).put("framework", "xgboost 2.1.1")
        .put("uri", "azureml://registries/bank/models/fraud-detector/versions/" + version)
        .put("metrics", Map.of("auc", auc, "logloss", logloss)).build();
  }

  private static RecordDraft training(Receipt features, Receipt model, String run, double eta)
      throws InvalidRecordException {
    return RecordDraft.builder(RecordKind.TRANSFORM, "trainer@ml-platform")
        .put("name", "train-fraud-detector").put("type", "training")
        .put("inputs", List.of(features.seq())).put("outputs", List.of(model.seq()))
        .put("codeVersion", "git:4f2a9c1").put("runId", run)
        .put("parameters", Map.of("eta", eta, "max_depth", 6, "n_estimators", 400)).build();
  }

  private static RecordDraft approval(Receipt subject, String decision, String comment)
      throws InvalidRecordException {
    return RecordDraft.builder(RecordKind.APPROVAL, "risk-officer@bank.example")
        .put("subject", subject.seq()).put("approver", "risk-officer@bank.example")
        .put("decision", decision).put("comment", comment).build();
  }

  private static RecordDraft deployment(Receipt model, Receipt approval, String action,
      Receipt replaces, String comment) throws InvalidRecordException {
    RecordDraft.Builder b = RecordDraft.builder(RecordKind.DEPLOYMENT, "release@ci.bank.example")
        .put("model", model.seq()).put("target", "aks://prod-westeurope/fraud-scoring")
        .put("action", action).put("approval", approval.seq()).put("environment", "production");
    if (replaces != null) {
      b.put("replaces", replaces.seq());
    }
    if (comment != null) {
      b.put("comment", comment);
    }
    return b.build();
  }

  /** Synthetic file content, so that every digest is the real SHA-256 of some bytes. */
  private static byte[] csv(Random rnd, int rows) {
    StringBuilder b = new StringBuilder("id,value\n");
    for (int i = 0; i < rows; i++) {
      b.append(i).append(',').append(rnd.nextGaussian()).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
