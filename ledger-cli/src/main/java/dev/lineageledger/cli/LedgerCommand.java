package dev.lineageledger.cli;

import picocli.CommandLine.Command;

/** The top-level {@code ledger} command. */
@Command(name = "ledger", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"Tamper-evident, signed, append-only audit trail of ML lineage.", ""},
    footer = {"", "Exit codes: 0 ok, 1 integrity failure, 2 usage or input error, 3 I/O or"
        + " environment error, 4 intact but not yet covered by a signed checkpoint (verify).",
        "Start with: ledger demo"})
final class LedgerCommand implements java.util.concurrent.Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Every command, in the order 'ledger --help' lists them; added by {@link Main#commandLine}. */
  static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(
      InitCommand.class, KeyCommand.class, RecordCommand.class, LogCommand.class,
      ShowCommand.class, VerifyCommand.class, CheckpointCommand.class, ProveCommand.class,
      VerifyProofCommand.class, ConsistencyCommand.class, LineageCommand.class,
      ExportCommand.class, CopyCommand.class, SyncCommand.class, PurviewCommand.class, ServeCommand.class, DemoCommand.class,
      HelpCommand.class);

  /** The command class named {@code name}, or null. */
  static Class<?> subcommand(String name) {
    for (Class<?> c : SUBCOMMANDS) {
      if (c.getAnnotation(Command.class).name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** The process (or in tests, the simulated process) this run belongs to. */
  final Invocation invocation;

  LedgerCommand() {
    this(Invocation.ofProcess());
  }

  LedgerCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public Integer call() {
    return missingSubcommand(spec);
  }

  /**
   * A command group run without its subcommand ({@code ledger key}): a usage error, so the
   * usage goes to stderr after one line saying what is missing, and the exit code is 2.
   */
  static int missingSubcommand(picocli.CommandLine.Model.CommandSpec group) {
    java.io.PrintWriter err = group.commandLine().getErr();
    err.println("ledger: '" + group.qualifiedName() + "' needs a command: "
        + String.join(", ", group.subcommands().keySet().stream()
            .filter(n -> !n.equals("help")).toList()));
    group.commandLine().usage(err);
    return ExitCodes.USAGE;
  }
}
