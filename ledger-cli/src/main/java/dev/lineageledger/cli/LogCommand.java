package dev.lineageledger.cli;

import dev.lineageledger.core.internal.TextRules;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerRecord;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "log", mixinStandardHelpOptions = true,
    description = "List records, oldest first.",
    footer = {"", "Examples:", "  ledger log --kind dataset", "  ledger log --since 2026-11-01 --json | jq ."})
final class LogCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerOption ledger;

  @Option(names = "--kind", paramLabel = "K", description = "Only records of this kind.")
  String kind;

  @Option(names = "--name", paramLabel = "N", description = "Only records with this name.")
  String name;

  @Option(names = "--since", paramLabel = "T",
      description = "Only records accepted at or after T (RFC 3339 UTC, or a date YYYY-MM-DD).")
  String since;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "" + Integer.MAX_VALUE,
      description = "At most N records.")
  int limit;

  @Option(names = "--json", description = "One JSON object per line: seq, hash, record.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (since != null && !since.matches("\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+Z)?")) {
      throw new UsageException("--since must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)");
    }
    PrintWriter out = spec.commandLine().getOut();
    Terminal t = Terminal.detect();
    try (Ledger l = ReadOnly.open(ledger)) {
      long from = 0;
      int printed = 0;
      while (printed < limit) {
        List<LedgerRecord> page = l.records(new Ledger.Query(kind, name, since, from,
            Math.min(500, limit - printed)));
        for (LedgerRecord r : page) {
          if (json) {
            out.println(Json.write(Json.record(r)));
          } else {
            // Stored text is escaped: a newline or escape sequence in an actor or a name must
            // not forge a log line or drive the terminal (docs/FORMAT.md §3.4).
            out.printf("%s  %s  %-44s %s%n", t.bold(String.format("%6d", r.seq())),
                t.dim(TextRules.escape(r.time())), TextRules.escape(r.label()),
                t.dim(TextRules.escape(r.actor())));
          }
          printed++;
        }
        if (page.isEmpty()) {
          break;
        }
        from = page.get(page.size() - 1).seq() + 1;
      }
    }
    return ExitCodes.OK;
  }
}
