package dev.lineageledger.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ledger help [COMMAND [SUBCOMMAND ...]]}: the help of any command, however deep
 * ({@code ledger help key rotate}); picocli's own help command looks one level down only.
 */
@Command(name = "help", helpCommand = true,
    description = "Show the help of a command, e.g. 'ledger help key rotate'.")
final class HelpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command (and subcommand).")
  List<String> path = new ArrayList<>();

  @Override
  public Integer call() throws UsageException {
    CommandLine c = spec.parent().commandLine();
    for (String name : path) {
      CommandLine sub = c.getSubcommands().get(name);
      if (sub == null) {
        throw new UsageException("unknown command '" + c.getCommandSpec().qualifiedName() + " "
            + name + "'; see '" + c.getCommandSpec().qualifiedName() + " --help'");
      }
      c = sub;
    }
    c.usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
