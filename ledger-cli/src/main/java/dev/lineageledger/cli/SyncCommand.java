package dev.lineageledger.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ledger sync ...}: push the ledger to external catalogs. */
@Command(name = "sync", mixinStandardHelpOptions = true,
    description = "Push the ledger's lineage graph to an external catalog.",
    subcommands = {SyncPurviewCommand.class})
final class SyncCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
