package dev.lineageledger.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON result files into benchmarks/RESULTS.md: each issue figure beside the raw
 * ceiling measured in the same run, the ratio and its target; then the settings, the machine,
 * the hand-written analysis, and every raw result. From the same parsed results it writes
 * SUMMARY.json, one object per figure with a target (its score, ceiling, ratio, target, whether
 * it was met, and the source commit), so that the two can never disagree.
 *
 * <p>Usage: {@code Report RESULTS.json[,RERUN.json...] MACHINE.txt ANALYSIS.md OUT.md
 * SUMMARY.json MODE COMMAND COMMIT}. A result file may be JMH's or {@link DiskFootprint}'s; the
 * commit its results measured is read from {@code NAME.commit} beside it, else it is COMMIT. A
 * figure whose benchmark is missing from the results (a filtered run) is listed as "not run".
 */
public final class Report {
  private static final String PKG = "dev.lineageledger.benchmarks.";

  /** One measured result, and the source commit that produced it. */
  private record Result(String name, Map<String, String> params, String mode, int threads,
      double score, double error, String unit, int samples, boolean rerun, String commit) {
    boolean matches(String n, Map<String, String> p) {
      if (!name.equals(n)) {
        return false;
      }
      for (Map.Entry<String, String> e : p.entrySet()) {
        if (!e.getValue().equals(params.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }

    /** Half-width of the 99.9% interval; NaN (one sample) prints as "±?". */
    String withError() {
      return num(score) + (Double.isNaN(error) ? " ± ?" : " ± " + num(error));
    }

    double relError() {
      return Double.isNaN(error) ? 0 : error / score;
    }
  }

  /**
   * A throughput figure compared with a ceiling: met at {@code ratio >= target}, stretch met at
   * {@code ratio >= stretch}. Target NaN means "reported, no target" (information only, and not
   * in the summary); stretch NaN means none.
   */
  private record Ratio(String id, String figure, String what, String bench,
      Map<String, String> params, String ceilingWhat, String ceilingBench,
      Map<String, String> ceilingParams, double target, double stretch) {
    String targetText() {
      return Double.isNaN(target) ? "— (information)" : "≥ " + trim(target)
          + (Double.isNaN(stretch) ? "" : " (stretch " + trim(stretch) + ")");
    }
  }

  /**
   * Figure 8's informational bound on bytes on disk per stored-row byte; issue 11 sets no target
   * for it. A quarter of a row for B-tree pages, indexes and checkpoints: the schema of
   * migration 001 costs a little more (~1.3 at 100k records, its three secondary indexes most
   * of it), a records table without secondary indexes would cost much less.
   */
  static final double FOOTPRINT_TARGET = 1.25;
  /**
   * Figure 5's informational bound: generation and verification time may grow at most twice as
   * much as log2 n (the audit path) does. Linear growth would be thousands of times more.
   */
  static final double LOG_GROWTH_TARGET = 2;

  private final List<Result> results;
  private final String commit;
  private final StringBuilder out = new StringBuilder();
  private final List<Map<String, Object>> summary = new ArrayList<>();

  private Report(List<Result> results, String commit) {
    this.results = results;
    this.commit = commit;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 8) {
      System.err.println("usage: Report RESULTS.json[,RERUN.json...] MACHINE.txt ANALYSIS.md"
          + " OUT.md SUMMARY.json MODE COMMAND COMMIT");
      System.exit(2);
    }
    // Files named rerun-* (reruns of disturbed figures) replace earlier results of the same
    // benchmark and parameters.
    Map<String, Result> byKey = new LinkedHashMap<>();
    JsonNode root = null;
    for (String file : args[0].split(",")) {
      Path path = Paths.get(file);
      JsonNode doc = new ObjectMapper().readTree(Files.readAllBytes(path));
      boolean rerun = path.getFileName().toString().startsWith("rerun-");
      Path commitFile = path.resolveSibling(
          path.getFileName().toString().replaceFirst("\\.json$", "") + ".commit");
      String commit = Files.exists(commitFile) ? Files.readString(commitFile).strip() : args[7];
      List<Result> parsed = new ArrayList<>();
      if (doc.isObject() && "disk-footprint".equals(doc.path("kind").asText())) {
        parsed.addAll(footprint(doc));
      } else {
        for (JsonNode b : doc) {
          parsed.add(parse(b));
        }
        root = root == null ? doc : root;
      }
      for (Result r : parsed) {
        r = new Result(r.name, r.params, r.mode, r.threads, r.score, r.error, r.unit,
            r.samples, rerun, commit);
        byKey.put(r.name + r.params, r);
      }
    }
    List<Result> results = new ArrayList<>(byKey.values());
    Report r = new Report(results, args[7]);
    r.write(root, Files.readString(Paths.get(args[1])), Paths.get(args[2]), args[5], args[6]);
    Files.writeString(Paths.get(args[3]), r.out.toString(), StandardCharsets.UTF_8);
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(Paths.get(args[4]).toFile(),
        r.summary);
  }

  /**
   * {@link DiskFootprint}'s one build as results: bytes on disk per record after close (the
   * figure), while still open (information), and the stored row and canonical record sizes.
   */
  private static List<Result> footprint(JsonNode f) {
    long n = f.get("records").asLong();
    Map<String, String> p = p("records", Long.toString(n));
    return List.of(
        single("DiskFootprint.bytesPerRecord", p, f.get("closed").get("total").asDouble() / n,
            "B/record"),
        single("DiskFootprint.bytesPerRecordWhileOpen", p,
            f.get("open").get("total").asDouble() / n, "B/record"),
        single("DiskFootprint.storedRowBytes", p(), f.get("storedRowBytes").asDouble(), "B"),
        single("DiskFootprint.canonicalBytes", p, f.get("canonicalBytes").asDouble(), "B"),
        single("DiskFootprint.buildTime", p, f.get("buildSeconds").asDouble(), "s"));
  }

  private static Result single(String name, Map<String, String> params, double score,
      String unit) {
    return new Result(name, params, "ss", 1, score, Double.NaN, unit, 1, false, null);
  }

  private static Result parse(JsonNode b) {
    Map<String, String> params = new LinkedHashMap<>();
    JsonNode p = b.get("params");
    if (p != null) {
      for (Map.Entry<String, JsonNode> e : p.properties()) {
        params.put(e.getKey(), e.getValue().asText());
      }
    }
    JsonNode m = b.get("primaryMetric");
    double err = m.get("scoreError").isNumber() ? m.get("scoreError").asDouble() : Double.NaN;
    int samples = 0;
    for (JsonNode fork : m.get("rawData")) {
      samples += fork.size();
    }
    return new Result(b.get("benchmark").asText().replace(PKG, ""), params,
        b.get("mode").asText(), b.get("threads").asInt(), m.get("score").asDouble(), err,
        m.get("scoreUnit").asText(), samples, false, null);
  }

  private Result find(String name, Map<String, String> params) {
    for (Result r : results) {
      if (r.matches(name, params)) {
        return r;
      }
    }
    return null;
  }

  private void line(String s) {
    out.append(s).append('\n');
  }

  private void write(JsonNode root, String machine, Path analysis, String mode, String command)
      throws IOException {
    line("# Lineage Ledger benchmarks: results");
    line("");
    if (mode.equals("quick")) {
      line("> **quick run: a smoke check, not a measurement.** One short iteration per"
          + " benchmark, no warmup; the numbers below only show that everything runs.");
      line("");
    }
    line("Generated by `benchmarks/run.sh` from JMH's JSON output (`" + command + "`)."
        + " Every ledger figure is set beside the raw ceiling that bounds it, measured in the"
        + " same run on the same machine, and the targets of issues 11 and 12 are stated as ratios to"
        + " those ceilings. Errors are JMH's 99.9% confidence half-widths; a ratio's error"
        + " combines both relative errors. The same results, for every figure with a target"
        + " (all but figure 6, which has none), are in `"
        + (mode.equals("quick") ? "benchmarks/target/summary-quick.json" : "benchmarks/results/"
            + "summary.json") + "`.");
    line("");
    ratios();
    proofs();
    lineage();
    latency();
    footprint();
    purview();
    settings(root, machine);
    if (Files.exists(analysis)) {
      line(Files.readString(analysis).strip());
      line("");
    }
    everything();
  }

  private static Map<String, String> p(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /**
   * One summary.json object. {@code score}, {@code ceiling} and {@code ratio} are null when
   * not run; {@code met} is then false (nothing measured met anything).
   */
  private void summarize(String figure, String what, Double score, String unit, Double ceiling,
      Double ratio, double target, double stretch, boolean met, Result... legs) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("figure", figure);
    o.put("what", what);
    o.put("score", score);
    o.put("unit", unit);
    o.put("ceiling", ceiling);
    o.put("ratio", ratio);
    o.put("target", target);
    if (!Double.isNaN(stretch)) {
      o.put("stretch", stretch);
    }
    o.put("met", met);
    o.put("commit", commitOf(legs));
    summary.add(o);
  }

  /** The commits that measured these results (a rerun may differ from the full run). */
  private String commitOf(Result... legs) {
    List<String> cs = new ArrayList<>();
    for (Result r : legs) {
      String c = r == null || r.commit == null ? commit : r.commit;
      if (!cs.contains(c)) {
        cs.add(c);
      }
    }
    return cs.isEmpty() ? commit : String.join(",", cs);
  }

  private void ratios() {
    String batches = AppendBatches.CALLERS + " callers × " + AppendBatches.BATCH
        + "-record batches";
    List<Ratio> rows = List.of(
        new Ratio(null, "1", "append, per-record signatures, signing on 1 thread",
            "AppendPerRecordSigned.append", p("signingThreads", "1"),
            "Ed25519 sign, 1 thread", "CeilingEd25519.sign1Thread", p(), Double.NaN,
            Double.NaN),
        new Ratio("1", "1", "append, per-record signatures, signing on all cores",
            "AppendPerRecordSigned.append", p("signingThreads", "all"),
            "Ed25519 sign, all cores", "CeilingEd25519.signAllCores", p(), 0.6, 0.85),
        new Ratio("2 FSYNC", "2", "append, checkpoint-only, " + batches + ", FSYNC",
            "AppendBatches.appendAll", p("durability", "FSYNC"),
            "SQLite batched insert (1024/txn, plain table), FSYNC", "CeilingSqlite.batchedInsert",
            p("durability", "FSYNC"), 0.5, 0.8),
        new Ratio("2 OS_BUFFERED", "2", "append, checkpoint-only, " + batches + ", OS_BUFFERED",
            "AppendBatches.appendAll", p("durability", "OS_BUFFERED"),
            "SQLite batched insert (1024/txn, plain table), OS_BUFFERED",
            "CeilingSqlite.batchedInsert", p("durability", "OS_BUFFERED"), 0.5, 0.8),
        new Ratio("3", "3", "durable append, FSYNC, " + AppendDurable.CALLERS
            + " callers each awaiting its receipt", "AppendDurable.append", p(),
            "SQLite one row per fsync'd transaction", "CeilingSqlite.oneRowPerTransaction",
            p("durability", "FSYNC"), 5, Double.NaN),
        new Ratio("4 checkpoint-only", "4", "full verification, checkpoint-only ledger ("
            + VerifyLedger.RECORDS + " records)", "VerifyLedger.checkpointOnly", p(),
            "raw read + SHA-256 of the same records on all cores (plain table)",
            "VerifyLedger.rawReadSha256AllCores", p(), 0.4, 0.7),
        new Ratio("4 per-record", "4", "full verification, per-record-signed ledger ("
            + VerifyLedger.RECORDS + " records)", "VerifyLedger.perRecord", p(),
            "Ed25519 verify, all cores", "CeilingEd25519.verifyAllCores", p(), 0.85,
            Double.NaN),
        new Ratio("9 checkpoint-only, 1 writer", "9", "PostgreSQL append, checkpoint-only, 1"
            + " writer × " + PostgresAppend.BATCH + "-record batches, FSYNC",
            "PostgresAppend.checkpointOnly1", p(), "PostgreSQL batched insert ("
            + PostgresAppend.BATCH + "/txn, plain table), 1 connection",
            "PostgresAppend.rawBatchedInsert1", p(), 0.5, Double.NaN),
        new Ratio("9 checkpoint-only, 4 writers", "9", "PostgreSQL append, checkpoint-only, 4"
            + " writers (own ledger handles) × " + PostgresAppend.BATCH + "-record batches, FSYNC",
            "PostgresAppend.checkpointOnly4", p(), "PostgreSQL batched insert ("
            + PostgresAppend.BATCH + "/txn, plain table), 4 connections",
            "PostgresAppend.rawBatchedInsert4", p(), 0.5, Double.NaN),
        new Ratio(null, "9", "PostgreSQL append, per-record signatures, 1 writer",
            "PostgresAppend.perRecordSigned1", p(), "PostgreSQL batched insert, 1 connection",
            "PostgresAppend.rawBatchedInsert1", p(), Double.NaN, Double.NaN),
        new Ratio(null, "9", "PostgreSQL append, per-record signatures, 4 writers",
            "PostgresAppend.perRecordSigned4", p(), "PostgreSQL batched insert, 4 connections",
            "PostgresAppend.rawBatchedInsert4", p(), Double.NaN, Double.NaN));
    line("## Throughput figures against their ceilings");
    line("");
    line("Records/s (signatures/s, rows/s for the ceilings); higher is better. A target is met"
        + " when the ratio reaches it; \"stretch met\" when it also reaches the stretch target.");
    line("");
    line("| fig | ledger figure | score | ceiling | ceiling score | ratio | target | met? |");
    line("|---|---|---:|---|---:|---:|---|---|");
    for (Ratio r : rows) {
      Result s = find(r.bench, r.params);
      Result c = find(r.ceilingBench, r.ceilingParams);
      String ratio = "—";
      String met = "not run";
      Double q = null;
      boolean ok = false;
      if (s != null && c != null) {
        q = s.score / c.score;
        double e = q * Math.hypot(s.relError(), c.relError());
        ratio = fix(q) + " ± " + fix(e);
        ok = q >= r.target;
        met = Double.isNaN(r.target) ? "—" : q >= r.stretch ? "**stretch met**"
            : ok ? "**yes**" : "**no**";
      }
      line("| " + r.figure + " | " + r.what + " | " + (s == null ? "not run" : s.withError()
          + (s.rerun ? " *rerun*" : "")) + " | " + r.ceilingWhat + " | "
          + (c == null ? "not run" : c.withError() + (c.rerun ? " *rerun*" : "")) + " | "
          + ratio + " | " + r.targetText() + " | " + met + " |");
      if (r.id != null) {
        summarize(r.id, r.what + ", against " + r.ceilingWhat, s == null ? null : s.score,
            "records/s",
            c == null ? null : c.score, q, r.target, r.stretch, ok, s, c);
      }
    }
    line("");
    Result schema = find("CeilingSqlite.batchedInsertLedgerSchema", p("durability", "FSYNC"));
    Result schemaOs = find("CeilingSqlite.batchedInsertLedgerSchema",
        p("durability", "OS_BUFFERED"));
    if (schema != null || schemaOs != null) {
      line("Reference for figure 2 (information, not a ceiling): the same raw batched insert"
          + " into a table with the ledger's records schema and its three secondary indexes: "
          + (schema == null ? "" : schema.withError() + " rows/s under FSYNC")
          + (schema != null && schemaOs != null ? ", " : "")
          + (schemaOs == null ? "" : schemaOs.withError() + " rows/s under OS_BUFFERED") + ".");
      line("");
    }
    Result ledgerRead = find("VerifyLedger.readAndSha256", p());
    Result plainRead = find("VerifyLedger.rawReadSha256OneThread", p());
    if (ledgerRead != null || plainRead != null) {
      line("References for figure 4 (information): raw read + SHA-256 on one thread, "
          + (plainRead == null ? "" : "from the plain table " + plainRead.withError()
              + " records/s")
          + (ledgerRead != null && plainRead != null ? ", " : "")
          + (ledgerRead == null ? "" : "from the ledger file itself (the ceiling before issue"
              + " 11) " + ledgerRead.withError() + " records/s") + ".");
      line("");
    }
    Result sha = find("CeilingSha256.leafHash", p());
    Result shaAll = find("CeilingSha256.leafHashAllCores", p());
    if (sha != null || shaAll != null) {
      line("Raw JDK SHA-256 of one stored record (leaf hash), without reading it: "
          + (sha == null ? "" : sha.withError() + " hashes/s on 1 thread")
          + (sha != null && shaAll != null ? ", " : "")
          + (shaAll == null ? "" : shaAll.withError() + " on all cores") + ".");
      line("");
    }
  }

  private void footprint() {
    Result b = find("DiskFootprint.bytesPerRecord", p());
    Result open = find("DiskFootprint.bytesPerRecordWhileOpen", p());
    Result row = find("DiskFootprint.storedRowBytes", p());
    Result canonical = find("DiskFootprint.canonicalBytes", p());
    Result time = find("DiskFootprint.buildTime", p());
    String n = b == null ? "N" : String.format(Locale.ROOT, "%,d",
        Long.parseLong(b.params.get("records")));
    line("## Figure 8: bytes on disk per record (checkpoint-only, " + n + " sample records)");
    line("");
    line("Lower is better. The ledger is built in " + DiskFootprint.BATCH + "-record"
        + " `appendAll` batches (one commit and one checkpoint each, as figure 2's commit"
        + " groups) and closed; every byte of its file and of any `-wal`/`-shm` left beside it"
        + " is divided by the number of records, and set beside the stored row (what the SQLite"
        + " ceilings insert per row).");
    line("");
    line("| bytes on disk per record | stored row (bytes) | ratio | target | met? |");
    line("|---:|---:|---:|---|---|");
    Double q = b == null || row == null ? null : b.score / row.score;
    boolean ok = q != null && q <= FOOTPRINT_TARGET;
    line("| " + (b == null ? "not run" : num(b.score) + (b.rerun ? " *rerun*" : "")) + " | "
        + (row == null ? "not run" : num(row.score)) + " | " + (q == null ? "—" : fix(q))
        + " | ≤ " + trim(FOOTPRINT_TARGET) + " (information; issue 11 sets none) | "
        + (q == null ? "not run" : ok ? "**yes**" : "**no**") + " |");
    line("");
    if (b != null) {
      line("While the ledger was still open, its file and WAL came to "
          + (open == null ? "?" : num(open.score)) + " B/record; the records' canonical bytes"
          + " average " + (canonical == null ? "?" : num(canonical.score)) + " B (the stored"
          + " row is measured on the first " + StoredSample.COUNT + " of them). Building took "
          + (time == null ? "?" : num(time.score)) + " s.");
      line("");
    }
    summarize("8", "bytes on disk per record after close (" + n + " checkpoint-only sample"
        + " records), against the stored row size; lower is better, target for information",
        b == null ? null : b.score, "B/record", row == null ? null : row.score, q,
        FOOTPRINT_TARGET, Double.NaN, ok, b, row);
  }

  private void proofs() {
    line("## Figure 5: proofs (RFC 9162), time per operation");
    line("");
    List<String> sizes = new ArrayList<>();
    for (Result r : results) {
      if (r.name.startsWith("Proofs.") && !sizes.contains(r.params.get("treeSize"))) {
        sizes.add(r.params.get("treeSize"));
      }
    }
    sizes.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
    if (sizes.isEmpty()) {
      line("Not run.");
      line("");
      return;
    }
    String first = sizes.get(0);
    String last = sizes.get(sizes.size() - 1);
    StringBuilder head = new StringBuilder("| operation |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String s : sizes) {
      head.append(" n = ").append(grouped(s)).append(" (µs) |");
      rule.append("---:|");
    }
    for (String s : sizes.subList(1, sizes.size())) {
      head.append(" growth ").append(grouped(first)).append(" → ").append(grouped(s))
          .append(" |");
      rule.append("---:|");
    }
    line(head.toString());
    line(rule.toString());
    for (String op : List.of("proveInclusion", "proveConsistency", "verifyInclusion",
        "verifyConsistency")) {
      StringBuilder row = new StringBuilder("| " + op + " |");
      for (String s : sizes) {
        Result r = find("Proofs." + op, p("treeSize", s));
        row.append(' ').append(r == null ? "not run" : r.withError()
            + (r.rerun ? " *rerun*" : "")).append(" |");
      }
      Result a = find("Proofs." + op, p("treeSize", first));
      for (String s : sizes.subList(1, sizes.size())) {
        Result z = find("Proofs." + op, p("treeSize", s));
        row.append(' ').append(a == null || z == null ? "—" : fix(z.score / a.score) + "×")
            .append(" |");
      }
      line(row.toString());
      Result z = find("Proofs." + op, p("treeSize", last));
      double path = log2(Long.parseLong(last)) / log2(Long.parseLong(first));
      Double growth = a == null || z == null || first.equals(last) ? null : z.score / a.score;
      Double q = growth == null ? null : growth / path;
      summarize("5 " + op, op + ": growth of its time from n = " + grouped(first) + " to n = "
          + grouped(last) + " (score), against the growth of log2 n (ceiling); target for"
          + " information", growth, "×", path, q, LOG_GROWTH_TARGET, Double.NaN,
          q != null && q <= LOG_GROWTH_TARGET, a, z);
    }
    StringBuilder logRow = new StringBuilder("| log2 n (audit path length) |");
    for (String s : sizes) {
      logRow.append(' ').append(String.format(Locale.ROOT, "%.1f", log2(Long.parseLong(s))))
          .append(" |");
    }
    for (String s : sizes.subList(1, sizes.size())) {
      logRow.append(' ').append(fix(log2(Long.parseLong(s)) / log2(Long.parseLong(first))))
          .append("× |");
    }
    line(logRow.toString());
    line("");
    line(String.format(Locale.ROOT, "O(log n) check: from n = %s to n = %s the audit path"
        + " grows %.2f× (the last row) while n grows %,.0f×. Generation time that grows by about"
        + " the path's factor, not n's, is logarithmic; the summary's informational target is a"
        + " growth at most %s× the path's.", grouped(first), grouped(last),
        log2(Long.parseLong(last)) / log2(Long.parseLong(first)),
        (double) Long.parseLong(last) / Long.parseLong(first), trim(LOG_GROWTH_TARGET)));
    line("");
    line("The ledgers hold the smallest record the schema accepts (a custom kind with an empty"
        + " body), built by `ProofLedgers` as fast as the public API allows (checkpoint-only,"
        + " OS_BUFFERED, " + String.format(Locale.ROOT, "%,d", ProofLedgers.BATCH) + "-record"
        + " `appendAll` batches from " + ProofLedgers.CALLERS + " concurrent callers), once per"
        + " run and size; the build times are in the machine notes (\"Proof ledgers\"). The"
        + " sizes are run.sh's PROOF_SIZES setting (full run: 1,000, 1,000,000 and 10,000,000;"
        + " `--quick`: 1,000 and 100,000).");
    line("");
  }

  private static String grouped(String n) {
    return String.format(Locale.ROOT, "%,d", Long.parseLong(n));
  }

  private void lineage() {
    line("## Figure 6: lineage closure over a " + String.format(Locale.ROOT, "%,d",
        LineageClosure.NODES) + "-node graph");
    line("");
    line("| graph shape | Ledger.lineage (ms) | recursive SQL reference (ms) | ledger ÷ reference |");
    line("|---|---:|---:|---:|");
    for (String shape : List.of("chain", "random")) {
      Result l = find("LineageClosure.ledgerLineage", p("shape", shape));
      Result s = find("LineageClosure.recursiveSql", p("shape", shape));
      line("| " + shape + " | " + (l == null ? "not run" : l.withError()) + " | "
          + (s == null ? "not run" : s.withError()) + " | "
          + (l == null || s == null ? "—" : fix(l.score / s.score) + "×") + " |");
    }
    line("");
  }

  private void latency() {
    line("## Figure 7: append → signed checkpoint covering it (default policy: 1000 records or"
        + " 1 s)");
    line("");
    line("| load | latency (ms) | samples | policy bound | met? |");
    line("|---|---:|---:|---|---|");
    for (String load : List.of("idle", "busy")) {
      Result r = find("CheckpointLatency.appendToSignedCheckpoint", p("load", load));
      // Idle: the 1 s timer, plus one commit (50 ms allowed). Busy: 1000 records come sooner.
      double bound = load.equals("idle") ? 1050 : 1000;
      String text = load.equals("idle") ? "≤ 1000 ms + one commit" : "≤ 1000 ms (1000 records"
          + " arrive sooner)";
      boolean met = r != null && r.score <= bound;
      summarize("7 " + load, "append to the signed checkpoint covering it, " + load
          + " ledger (ms), against the policy bound " + text + "; lower is better",
          r == null ? null : r.score, "ms",
          bound, r == null ? null : r.score / bound, 1, Double.NaN, met, r);
      if (r == null) {
        line("| " + load + " | not run | | | |");
        continue;
      }
      line("| " + load + " | " + r.withError() + " | " + r.samples + " | " + text + " | "
          + (met ? "**yes**" : "**no**") + " |");
    }
    line("");
  }

  private void purview() {
    line("## Purview sync (issue 4): entities/s to the local emulator, 20 ms per request");
    line("");
    line("| batch size | injected latency | score (entities/s) | request-rate bound | target | met? |");
    line("|---:|---:|---:|---:|---|---|");
    Result r = find("PurviewSyncThroughput.fullSync", p("latencyMillis", "20"));
    if (r == null) {
      line("| 100 | 20 ms | not run | 5,000 | ≥ 500 | |");
    } else {
      line("| 100 | 20 ms | " + r.withError() + " | 5,000 | ≥ 500 | "
          + (r.score >= 500 ? "**yes**" : "**no**") + " |");
    }
    line("");
    line("A full sync of 600 entities (200 feature-engineering triples) per invocation; the bound"
        + " is one 100-entity bulk request per 20 ms round trip, sent one after the other.");
    line("");
    summarize("purview", "Purview full sync, entities/s to the emulator at 20 ms per request,"
        + " against the request-rate bound; target ≥ 500 entities/s (0.1 of the bound)",
        r == null ? null : r.score, "entities/s", 5000.0, r == null ? null : r.score / 5000, 0.1, Double.NaN,
        r != null && r.score >= 500, r);
  }

  private void settings(JsonNode root, String machine) {
    JsonNode b = root != null && root.size() > 0 ? root.get(0) : null;
    line("## Settings and machine");
    line("");
    if (b != null) {
      line("- JMH " + b.path("jmhVersion").asText() + ", " + b.path("forks").asInt()
          + " fork(s) per benchmark; default warmup " + b.path("warmupIterations").asInt()
          + " × " + b.path("warmupTime").asText() + ", measurement "
          + b.path("measurementIterations").asInt() + " × " + b.path("measurementTime").asText()
          + " (figure 7 is single-shot: see the raw table for its sample counts).");
      line("- JVM: " + b.path("vmName").asText() + " " + b.path("vmVersion").asText() + " (JDK "
          + b.path("jdkVersion").asText() + "), `" + b.path("jvm").asText() + "`, arguments "
          + b.path("jvmArgs").toString() + ".");
    }
    for (String l : machine.strip().split("\n")) {
      line("- " + l);
    }
    line("");
  }

  private void everything() {
    line("## Every result of this run");
    line("");
    line("Results marked *rerun* come from a rerun of those benchmarks alone (`run.sh --rerun`),"
        + " to replace results disturbed by other load or to measure a fix; the machine notes"
        + " name the commit each run measured.");
    line("");
    line("| benchmark | parameters | mode | threads | score ± error | unit | samples |");
    line("|---|---|---|---:|---:|---|---:|");
    for (Result r : results) {
      line("| " + r.name + (r.rerun ? " *rerun*" : "") + " | "
          + (r.params.isEmpty() ? "" : r.params.toString()) + " | " + r.mode + " | "
          + r.threads + " | " + r.withError() + " | " + r.unit + " | " + r.samples + " |");
    }
    line("");
  }

  private static double log2(long n) {
    return Math.log(n) / Math.log(2);
  }

  /** A target as written in the issue: 0.6, 0.85, 5. */
  private static String trim(double d) {
    return d == Math.rint(d) ? String.format(Locale.ROOT, "%.0f", d)
        : String.valueOf(d);
  }

  private static String fix(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }

  /** Three significant digits, grouped: 48,300 / 912 / 3.27. */
  static String num(double d) {
    if (Double.isNaN(d)) {
      return "?";
    }
    double a = Math.abs(d);
    if (a >= 1000) {
      double mag = Math.pow(10, Math.floor(Math.log10(a)) - 2);
      return String.format(Locale.ROOT, "%,.0f", Math.round(d / mag) * mag);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", d);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", d);
    }
    return String.format(Locale.ROOT, "%.2f", d);
  }
}
