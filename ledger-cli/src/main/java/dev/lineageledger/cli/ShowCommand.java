package dev.lineageledger.cli;

import dev.lineageledger.core.internal.TextRules;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerRecord;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one record.",
    footer = {"", "Examples:", "  ledger show 7", "  ledger show model:fraud-detector@3 --json",
        "  ledger show 7 --raw > record7.json   # the exact canonical bytes, for verify-proof --record"})
final class ShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerOption ledger;

  @Parameters(paramLabel = "SEQ|HASH|KIND:NAME@VERSION", description = "The record.")
  String ref;

  @Option(names = "--json", description = "Print seq, hash and record as JSON.")
  boolean json;

  @Option(names = "--raw", description = "Print exactly the stored canonical bytes.")
  boolean raw;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Ledger l = ReadOnly.open(ledger)) {
      LedgerRecord r = l.resolve(ref);
      if (raw) {
        out.print(r.canonicalJson());
      } else if (json) {
        out.println(Json.write(Json.record(r)));
      } else {
        Terminal t = Terminal.detect();
        // Stored text is escaped so that it cannot forge lines or drive the terminal.
        out.println(t.bold("record " + r.seq()) + "  " + TextRules.escape(r.label()));
        out.println("  hash    sha256:" + r.leafHash().hex());
        out.println("  prev    sha256:" + r.prev().hex());
        out.println("  time    " + TextRules.escape(r.time()));
        out.println("  actor   " + TextRules.escape(r.actor()));
        r.signer().ifPresent(s -> out.println("  signer  " + TextRules.escape(s)));
        out.println("  body    " + TextRules.escapeJson(Json.pretty(r.body()))
            .replace("\n", "\n          "));
      }
    }
    return ExitCodes.OK;
  }
}
