package dev.lineageledger.cli;

import static dev.lineageledger.cli.Cli.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.KeyFiles;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI never surprises: usage errors are one line with exit 2, help is copy-pasteable, and
 * each input gets the exit code of its kind. In-process through {@link Main#run}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CliBehaviourTest {
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir);
  }

  private void init(String ledger, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("init", "--ledger", ledger));
    args.addAll(List.of(more));
    Cli.Result r = cli.run(args.toArray(String[]::new));
    assertThat(r.code()).as(r.toString()).isZero();
  }

  // ------------------------------------------------------------------ usage and help

  @Test
  void emptyKeyIsAUsageErrorNotTheCurrentDirectory() throws Exception {
    init("l.ledger");
    // What --key "$(cat fraud.vkey)" gives when fraud.vkey does not exist.
    assertOneLineError(cli.run("verify", "--ledger", "l.ledger", "--key", ""), 2, "--key is empty");
    assertOneLineError(cli.run("consistency", "x.note", "--ledger", "l.ledger", "--key", " "), 2,
        "--key is empty");
    assertOneLineError(cli.run("verify-proof", "proof.json", "--key", ""), 2, "--key is empty");
  }

  @Test
  void initSaysWhereTheKeysAreAndHowToKeepThem() throws Exception {
    Cli.Result r = cli.run("init", "--ledger", "l.ledger");
    assertThat(r.code()).as(r.toString()).isZero();
    String vkey = cli.run("key", "verifier", "--ledger", "l.ledger").out().strip();
    assertThat(r.out()).contains("l.ledger.key (owner-only; keep *.key out of version control)")
        .contains("verifier key: " + vkey).contains("l.ledger.pub; give it to auditors");
  }

  @Test
  void unknownOptionIsOneLine() throws Exception {
    Cli.Result r = cli.run("log", "--no-such-option");
    assertOneLineError(r, 2, "Unknown option: '--no-such-option'");
    assertThat(r.err()).contains("'ledger log --help'");
    assertOneLineError(cli.run("verify", "--lock-timeout", "soon"), 2, "--lock-timeout");
  }

  @Test
  void groupsWithoutTheirCommandPrintUsageAndExit2() throws Exception {
    for (String group : List.of("key", "sync", "purview")) {
      Cli.Result r = cli.run(group);
      assertThat(r.code()).as(r.toString()).isEqualTo(2);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).startsWith("ledger: 'ledger " + group + "' needs a command: ")
          .contains("Usage: ledger " + group);
    }
    Cli.Result none = cli.run();
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("Usage: ledger");
  }

  /** Only the command named is built (start-up), yet help, errors and suggestions see them all. */
  @Test
  void onlyTheNamedCommandIsBuilt() throws Exception {
    assertThat(Main.commandLine(Invocation.ofProcess(), "log", "--ledger", "x").getSubcommands())
        .containsOnlyKeys("log");
    assertThat(Main.commandLine(Invocation.ofProcess(), "--help").getSubcommands())
        .hasSize(LedgerCommand.SUBCOMMANDS.size());
    assertThat(Main.commandLine(Invocation.ofProcess(), "help", "log").getSubcommands())
        .hasSize(LedgerCommand.SUBCOMMANDS.size());
    Cli.Result top = cli.run("--help");
    assertThat(top.out()).contains("verify-proof").contains("lineage").contains("demo");
    assertOneLineError(cli.run("lgo"), 2, "Unmatched argument at index 0: 'lgo'");
  }

  @Test
  void helpReachesSubcommandsAtAnyDepth() throws Exception {
    Cli.Result r = cli.run("help", "key", "rotate");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("Usage: ledger key rotate");
    assertThat(cli.run("help", "sync", "purview").out()).startsWith("Usage: ledger sync purview");
    assertThat(cli.run("help", "log").out()).startsWith("Usage: ledger log");
    assertOneLineError(cli.run("help", "key", "nope"), 2, "unknown command 'ledger key nope'");
  }

  /** Every command's examples are printed as written: no line of a footer starts unindented. */
  @Test
  void helpExamplesAreNeverWrapped() throws Exception {
    List<List<String>> commands = new ArrayList<>();
    collect(Main.commandLine(Invocation.ofProcess()), new ArrayList<>(), commands);
    assertThat(commands).hasSizeGreaterThan(15);
    for (List<String> c : commands) {
      List<String> args = new ArrayList<>(c);
      args.add("--help");
      Cli.Result r = cli.run(args.toArray(String[]::new));
      assertThat(r.code()).as(r.toString()).isZero();
      String help = r.out();
      int examples = Math.max(help.indexOf("\nExample:\n"), help.indexOf("\nExamples:\n"));
      assertThat(examples).as("ledger %s --help has examples", String.join(" ", c)).isPositive();
      for (String line : help.substring(examples).lines().skip(2).toList()) {
        assertThat(line).as("ledger %s --help:%n%s", String.join(" ", c), help)
            .satisfiesAnyOf(l -> assertThat(l).isEmpty(), l -> assertThat(l).startsWith("  "),
                l -> assertThat(l).startsWith("Exit codes:"), l -> assertThat(l).startsWith("Start with:"));
      }
    }
  }

  private static void collect(picocli.CommandLine c, List<String> path, List<List<String>> out) {
    for (var e : c.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      List<String> p = new ArrayList<>(path);
      p.add(e.getKey());
      out.add(p);
      collect(e.getValue(), p, out);
    }
  }

  @picocli.CommandLine.Command(name = "overflow")
  static final class Overflow implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
      throw new StackOverflowError();
    }
  }

  /** The JVM's own errors (stack overflow, out of memory) are one line too, never exit 1. */
  @Test
  void jvmErrorsAreOneLineAndNotTheIntegrityCode() {
    Invocation inv = new Invocation(dir, java.util.Map.of(), java.io.InputStream.nullInputStream());
    picocli.CommandLine cl = Main.commandLine(inv, "overflow");
    cl.addSubcommand(new Overflow());
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code = Main.run(cl, inv, new String[] {"overflow"}, new java.io.PrintWriter(out, true),
        new java.io.PrintWriter(err, true));
    assertOneLineError(new Cli.Result(code, out.toString(), err.toString()), 3,
        "unexpected error: java.lang.StackOverflowError");
  }

  // ------------------------------------------------------------------ inputs and exit codes

  @Test
  void oversizedBodyIsAnInputError() throws Exception {
    init("l.ledger");
    byte[] tenMb = ("{\"kind\":\"dataset\",\"body\":{\"name\":\"" + "x".repeat(10 << 20) + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
    assertOneLineError(cli.runWithInput(tenMb, "record", "--json", "-", "--ledger", "l.ledger"), 2,
        "standard input is larger than");
    Files.write(dir.resolve("big.json"), tenMb);
    assertOneLineError(cli.run("record", "--json", "big.json", "--ledger", "l.ledger"), 2,
        "big.json is larger than");
  }

  @Test
  void nonObjectJsonIsNamedAsSuch() throws Exception {
    init("l.ledger");
    assertOneLineError(cli.runWithInput("[1,2]".getBytes(StandardCharsets.UTF_8),
        "record", "--json", "-", "--ledger", "l.ledger"), 2, "must be a JSON object");
    assertOneLineError(cli.runWithInput("7".getBytes(StandardCharsets.UTF_8),
        "record", "dataset", "--json", "-", "--ledger", "l.ledger"), 2, "not a number");
    assertOneLineError(cli.runWithInput("\"x\"\n".getBytes(StandardCharsets.UTF_8),
        "record", "--jsonl", "-", "--ledger", "l.ledger"), 2, "line 1: the input must be a JSON object");
  }

  @Test
  void positionalKindIsNotSilentlyIgnored() throws Exception {
    init("l.ledger");
    Files.writeString(dir.resolve("dataset.json"), CliIT.DATASET);
    assertOneLineError(cli.run("record", "model", "--json", "dataset.json", "--ledger", "l.ledger"),
        2, "KIND model differs from the JSON's \"kind\" \"dataset\"");
    Cli.Result same = cli.run("record", "dataset", "--json", "dataset.json", "--ledger", "l.ledger");
    assertThat(same.code()).as(same.toString()).isZero();
  }

  @Test
  void aShortHashIsNotReadAsKindAndName() throws Exception {
    init("l.ledger");
    assertOneLineError(cli.run("show", "sha256:abc", "--ledger", "l.ledger"), 2,
        "'sha256:abc' is not a record hash: sha256: must be followed by 64 hex digits");
  }

  /** A failed prove leaves no (empty) proof file behind; a good one is checkable offline. */
  @Test
  void proveWritesItsOutputOnlyWhenItSucceeds() throws Exception {
    init("l.ledger");
    Files.writeString(dir.resolve("d.json"), CliIT.DATASET);
    assertThat(cli.run("record", "--json", "d.json", "--ledger", "l.ledger").code()).isZero();
    assertOneLineError(cli.run("prove", "7", "--ledger", "l.ledger", "--output", "proof.json"), 2,
        "record 7 does not exist");
    assertThat(dir.resolve("proof.json")).doesNotExist();
    Cli.Result ok = cli.run("prove", "0", "--ledger", "l.ledger", "-o", "proof.json");
    assertThat(ok.code()).as(ok.toString()).isZero();
    String key = cli.run("key", "verifier", "--ledger", "l.ledger").out().strip();
    Cli.Result v = cli.run("verify-proof", "proof.json", "--key", key);
    assertThat(v.code()).as(v.toString()).isZero();
    assertThat(v.out()).startsWith("OK: record 0");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  // ------------------------------------------------------------------ locks and keys

  /** --lock-timeout N gives up after about N seconds, not 2N (append, then checkpoint on close). */
  @Test
  void lockTimeoutIsHonouredOnce() throws Exception {
    init("l.ledger");
    Files.writeString(dir.resolve("d.json"), CliIT.DATASET);
    try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("l.ledger"));
        Statement s = holder.createStatement()) {
      holder.setAutoCommit(true);
      s.execute("BEGIN IMMEDIATE");
      long t0 = System.nanoTime();
      Cli.Result r = cli.run("record", "--json", "d.json", "--ledger", "l.ledger", "--lock-timeout", "2");
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertOneLineError(r, 3, "locked by another writer");
      assertThat(seconds).as("seconds waited for --lock-timeout 2").isBetween(1.9, 3.9);
      s.execute("ROLLBACK");
    }
  }

  @Test
  void retiredPrivateKeysMatchTheUsualKeyIgnoreRule() throws Exception {
    init("l.ledger");
    String oldKey = cli.run("key", "verifier", "--ledger", "l.ledger").out().strip();
    Cli.Result rot = cli.run("key", "rotate", "--ledger", "l.ledger");
    assertThat(rot.code()).as(rot.toString()).isZero();
    Path retired = dir.resolve("l.ledger.retired-" + oldKey.split("\\+")[1] + ".key");
    assertThat(rot.out()).contains(retired.getFileName().toString());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(retired))).isEqualTo("rw-------");
    // What .gitignore's "*.key" matches: every private key file beside the ledger.
    PathMatcher gitignore = FileSystems.getDefault().getPathMatcher("glob:*.key");
    try (Stream<Path> files = Files.list(dir)) {
      List<String> keyish = files.map(p -> p.getFileName().toString())
          .filter(n -> n.contains(".key")).toList();
      assertThat(keyish).containsExactlyInAnyOrder("l.ledger.key", retired.getFileName().toString());
      assertThat(keyish).allMatch(n -> gitignore.matches(Path.of(n)));
    }
  }

  // ------------------------------------------------------------------ lineage

  @Test
  void treeLabelsReadTheRightWayRound() throws Exception {
    Cli.Result demo = cli.run("demo", "--ledger", "d.ledger");
    assertThat(demo.code()).as(demo.toString()).isZero();
    Cli.Result up = cli.run("lineage", "model:fraud-detector@1", "--ledger", "d.ledger");
    assertThat(up.code()).as(up.toString()).isZero();
    assertThat(up.out().lines().toList()).startsWith(
        "#5 model fraud-detector@1",
        "\u2514\u2500\u2500 \u2190 produced by #6 transform train-fraud-detector@train-381",
        "    \u2514\u2500\u2500 \u2190 input #2 dataset fraud-features@2026-11-01");
    Cli.Result down = cli.run("lineage", "0", "--downstream", "--ledger", "d.ledger");
    assertThat(down.out().lines().toList()).startsWith(
        "#0 dataset transactions@2026-11-01",
        "\u2514\u2500\u2500 \u2192 input of #3 transform featurize-fraud@fe-2026-11-01",
        "    \u2514\u2500\u2500 \u2192 produced #2 dataset fraud-features@2026-11-01");
  }

  /** A 10,000-deep chain: no StackOverflowError, and the human output stays readable. */
  @Test
  void deepChainsAreWalkedIterativelyAndBounded() throws Exception {
    init("chain.ledger", "--signing", "checkpoint-only");
    int n = 10_000;
    try (Ledger l = Ledger.open(dir.resolve("chain.ledger"), LedgerOptions.builder()
        .checkpointSigner(signer("chain.ledger")).build())) {
      List<RecordDraft> batch = new ArrayList<>();
      batch.add(RecordDraft.builder(RecordKind.DATASET, "a").put("name", "d").put("version", "0")
          .put("uri", "s3://d/0").put("digest", "sha256:" + "c".repeat(64)).build());
      for (int i = 1; i < n; i++) {
        batch.add(RecordDraft.builder(RecordKind.TRANSFORM, "a").put("name", "t")
            .put("type", "training").put("inputs", List.of(i - 1)).put("codeVersion", "c")
            .put("runId", "r" + i).build());
        if (batch.size() == 1000) {
          l.appendAll(batch);
          batch.clear();
        }
      }
      l.appendAll(batch);
      l.checkpoint();
    }
    Cli.Result up = cli.run("lineage", String.valueOf(n - 1), "--ledger", "chain.ledger");
    assertThat(up.code()).as(up.err()).isZero();
    assertThat(up.err()).isEmpty();
    List<String> lines = up.out().lines().toList();
    assertThat(lines.size()).isLessThanOrEqualTo(LineageCommand.TREE_MAX_DEPTH + 3);
    assertThat(lines.get(1)).contains("\u2190 input #" + (n - 2) + " transform");
    assertThat(lines.get(lines.size() - 1))
        .startsWith("\u2026 " + (n - 1 - LineageCommand.TREE_MAX_DEPTH) + " more records not shown");
    Cli.Result down = cli.run("lineage", "0", "--downstream", "--ledger", "chain.ledger");
    assertThat(down.code()).as(down.err()).isZero();
    assertThat(down.out().lines().count()).isLessThanOrEqualTo(LineageCommand.TREE_MAX_DEPTH + 3);
    Cli.Result json = cli.run("lineage", String.valueOf(n - 1), "--ledger", "chain.ledger", "--format", "json");
    assertThat(json.code()).isZero();
    assertThat(CliIT.JSON.readTree(json.out()).get("nodes").size()).isEqualTo(n);
  }

  /** A record with more children than the tree shows ends its list with "… N more". */
  @Test
  void wideFanOutIsBounded() throws Exception {
    init("wide.ledger", "--signing", "checkpoint-only");
    int fan = LineageCommand.TREE_MAX_CHILDREN + 7;
    try (Ledger l = Ledger.open(dir.resolve("wide.ledger"), LedgerOptions.builder()
        .checkpointSigner(signer("wide.ledger")).build())) {
      List<RecordDraft> batch = new ArrayList<>();
      batch.add(RecordDraft.builder(RecordKind.DATASET, "a").put("name", "d").put("version", "0")
          .put("uri", "s3://d/0").put("digest", "sha256:" + "c".repeat(64)).build());
      for (int i = 1; i <= fan; i++) {
        batch.add(RecordDraft.builder(RecordKind.TRANSFORM, "a").put("name", "t")
            .put("type", "training").put("inputs", List.of(0)).put("codeVersion", "c")
            .put("runId", "r" + i).build());
      }
      l.appendAll(batch);
      l.checkpoint();
    }
    Cli.Result down = cli.run("lineage", "0", "--downstream", "--ledger", "wide.ledger");
    assertThat(down.code()).as(down.err()).isZero();
    List<String> lines = down.out().lines().toList();
    assertThat(lines).hasSize(1 + LineageCommand.TREE_MAX_CHILDREN + 2);
    assertThat(lines.get(LineageCommand.TREE_MAX_CHILDREN + 1)).isEqualTo("\u2514\u2500\u2500 \u2026 7 more");
    assertThat(lines.get(lines.size() - 1)).startsWith("\u2026 7 more records not shown");
  }

  private Ed25519Signer signer(String ledger) throws Exception {
    String origin;
    try (Ledger ro = Ledger.open(dir.resolve(ledger), LedgerOptions.readOnly())) {
      origin = ro.origin();
    }
    return KeyFiles.readPrivateKey(dir.resolve(ledger + ".key"), origin, null, false);
  }
}
