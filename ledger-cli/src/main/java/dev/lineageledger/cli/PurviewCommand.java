package dev.lineageledger.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ledger purview ...}: tools for working with Microsoft Purview. */
@Command(name = "purview", mixinStandardHelpOptions = true,
    description = "Microsoft Purview tools: a local emulator for offline development.",
    subcommands = {PurviewEmulatorCommand.class})
final class PurviewCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
