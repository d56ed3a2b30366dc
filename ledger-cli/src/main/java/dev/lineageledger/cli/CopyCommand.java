package dev.lineageledger.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.VerificationReport;
import dev.lineageledger.core.VerifyOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "copy", mixinStandardHelpOptions = true,
    description = {"Copy a ledger into a new one, between or within backends (a file, a PostgreSQL"
        + " schema), checking every record and checkpoint on the way.",
        "The source is verified with --key first (a ledger that fails is not copied); its records,"
            + " signatures and signed checkpoints are copied byte for byte; the copy is verified"
            + " with the same keys and must hold the same checkpoints. The copy keeps the"
            + " source's origin and signing key. Exit codes as for verify."},
    footer = {"", "Examples:",
        "  ledger copy fraud.ledger postgresql://ledger_owner@db.example/lineage --key fraud.vkey"
            + " --to-password-file owner.pw",
        "  ledger copy postgresql://reader@db.example/lineage backup.ledger --key lineage.vkey"})
final class CopyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SRC", description = "The ledger to copy (file or postgresql://...).")
  String source;

  @Parameters(index = "1", paramLabel = "DST", description = "Where to create the copy; must not exist.")
  String destination;

  @Option(names = "--key", paramLabel = "FILE|STRING", required = true,
      description = "Trusted verifier key, or a file of keys (repeatable), as for verify.")
  List<String> keys;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "PostgreSQL source: file whose first line is the password (default: $PGPASSWORD).")
  Path passwordFile;

  @Option(names = "--entra", description = "PostgreSQL source: sign in with an Entra ID token.")
  boolean entra;

  @Option(names = "--to-password-file", paramLabel = "FILE",
      description = "PostgreSQL destination: file whose first line is the password (default: $PGPASSWORD).")
  Path toPasswordFile;

  @Option(names = "--to-entra", description = "PostgreSQL destination: sign in with an Entra ID token.")
  boolean toEntra;

  @Option(names = "--durability", paramLabel = "MODE", defaultValue = "FSYNC",
      description = "How the copy's commits are made durable: FSYNC (default) or OS_BUFFERED.")
  Durability durability;

  @Option(names = "--lock-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "How long to wait for another process's write lock (default: 10).")
  int lockTimeoutSeconds;

  @Option(names = {"-v", "--verbose"}, description = "Show causes of errors, for debugging.")
  boolean verbose;

  @Option(names = "--json", description = "Print one JSON object: ok, size, checkpoints, the copy's location.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LedgerOption src = LedgerOption.of(spec, source, passwordFile, entra, lockTimeoutSeconds);
    LedgerOption dst = LedgerOption.of(spec, destination, toPasswordFile, toEntra,
        lockTimeoutSeconds);
    if (src.location().equals(dst.location())) {
      throw new UsageException("SRC and DST are the same ledger");
    }
    Trust.Keys trust = Trust.keys(keys, false, src, Invocation.of(spec), err, json);
    Terminal t = Terminal.detect();
    VerifyCommand.Progress progress = t.interactive() && !json
        ? new VerifyCommand.Progress(err, "copying") : null;
    VerificationReport report;
    try (Ledger l = ReadOnly.open(src)) {
      report = l.copyTo(dst.location(), dst.options().durability(durability).build(),
          VerifyOptions.builder().trustedKeys(trust.keys()).build(),
          progress == null ? null : progress::update);
    } finally {
      if (progress != null) {
        progress.done();
      }
    }
    if (json) {
      ObjectNode o = Json.object();
      o.put("ok", true);
      o.put("source", src.location());
      o.put("copy", dst.location());
      o.put("size", report.size());
      o.put("checkpoints", report.checkpointsChecked());
      trust.addTo(o);
      out.println(Json.write(o));
    } else {
      out.printf("copied %d records and %d checkpoints to %s; the copy verifies%n  %s%n",
          report.size(), report.checkpointsChecked(), dst.location(), trust.describe());
    }
    return ExitCodes.OK;
  }
}
