package dev.lineageledger.cli;

import picocli.CommandLine.Command;

/** The top-level {@code ledger} command. */
@Command(name = "ledger", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"Tamper-evident, signed, append-only audit trail of ML lineage.", ""},
    subcommands = {
      InitCommand.class, KeyCommand.class, RecordCommand.class, LogCommand.class,
      ShowCommand.class, VerifyCommand.class, CheckpointCommand.class, ProveCommand.class,
      VerifyProofCommand.class, ConsistencyCommand.class, LineageCommand.class,
      ExportCommand.class, SyncCommand.class, PurviewCommand.class, ServeCommand.class, DemoCommand.class, picocli.CommandLine.HelpCommand.class},
    footer = {"", "Exit codes: 0 ok, 1 integrity failure, 2 usage or input error, 3 I/O or"
        + " environment error.", "Start with: ledger demo"})
final class LedgerCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
