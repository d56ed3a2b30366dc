package dev.lineageledger.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ledger sync ...}: push the ledger to external catalogs. */
@Command(name = "sync", mixinStandardHelpOptions = true,
    description = "Push the ledger's lineage graph to an external catalog.",
    footer = {"", "Examples:",
        "  ledger sync purview --account contoso-purview --ledger fraud.ledger",
        "  ledger sync purview --endpoint http://127.0.0.1:8585/datamap/api --token-file dev.token --dry-run"},
    subcommands = {SyncPurviewCommand.class})
final class SyncCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return LedgerCommand.missingSubcommand(spec);
  }
}
