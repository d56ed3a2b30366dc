package dev.lineageledger.cli;

import dev.lineageledger.core.Ledger;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export every record with its sequence number and hash (streams in constant memory).",
    footer = {"", "Example:", "  ledger export > ledger.jsonl"})
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerOption ledger;

  @Option(names = "--format", defaultValue = "jsonl", description = "jsonl (the only format for now).")
  String format;

  @Option(names = "--from", defaultValue = "0", paramLabel = "SEQ", description = "First record.")
  long from;

  @Override
  public Integer call() throws Exception {
    if (!format.equals("jsonl")) {
      throw new UsageException("--format must be jsonl");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Ledger l = ReadOnly.open(ledger)) {
      l.forEach(from, r -> out.println(Json.write(Json.record(r))));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
