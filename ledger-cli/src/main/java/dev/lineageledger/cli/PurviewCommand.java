package dev.lineageledger.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ledger purview ...}: tools for working with Microsoft Purview. */
@Command(name = "purview", mixinStandardHelpOptions = true,
    description = "Microsoft Purview tools: a local emulator for offline development.",
    footer = {"", "Examples:",
        "  ledger purview emulator --port 8585 &",
        "  LEDGER_PURVIEW_TOKEN=dev ledger sync purview --endpoint http://127.0.0.1:8585/datamap/api"},
    subcommands = {PurviewEmulatorCommand.class})
final class PurviewCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return LedgerCommand.missingSubcommand(spec);
  }
}
