package dev.lineageledger.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Entry point of the {@code ledger} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = run(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command line; returns the exit code (see {@link ExitCodes}). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(Invocation.ofProcess(), args, out, err);
  }

  /** Runs one command line as if in the given process context; returns the exit code. */
  static int run(Invocation inv, String[] args, PrintWriter out, PrintWriter err) {
    return run(commandLine(inv, args), inv, args, out, err);
  }

  /** Runs {@code args} on a command tree built by {@link #commandLine} (tests add to it). */
  static int run(CommandLine cl, Invocation inv, String[] args, PrintWriter out, PrintWriter err) {
    // Every PATH option and parameter is relative to the invocation's working directory.
    cl.registerConverter(java.nio.file.Path.class, inv::path);
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(new ErrorReporter(args));
    cl.setParameterExceptionHandler((ex, a) -> {
      // One line, like every other error: what is wrong, and where the help is.
      CommandLine c = ex.getCommandLine();
      err.println("ledger: " + firstLine(ex.getMessage()) + " (see '"
          + c.getCommandSpec().qualifiedName() + " --help')");
      return ExitCodes.USAGE;
    });
    unwrappedFooters(cl);
    try {
      return cl.execute(args);
    } catch (VirtualMachineError e) {
      return new ErrorReporter(args).report(e, err);
    } finally {
      // Every command has closed its ledgers by now: zero the private keys it loaded.
      KeyVault.wipeAll();
    }
  }

  /**
   * The command tree for {@code args}. Start-up is mostly picocli reflecting over every
   * command's options, so when {@code args} name a command only that one is built (lazily, as
   * it were); the whole tree is built for top-level help, for 'help', and for anything that
   * names no command (so that picocli can list and suggest them).
   */
  static CommandLine commandLine(Invocation inv, String... args) {
    CommandLine cl = new CommandLine(new LedgerCommand(inv));
    Class<?> only = args.length == 0 ? null : LedgerCommand.subcommand(args[0]);
    for (Class<?> c : LedgerCommand.SUBCOMMANDS) {
      if (only == null || only == HelpCommand.class || c == only) {
        cl.addSubcommand(c);
      }
    }
    return cl;
  }

  /**
   * Footers hold the examples, which must stay copy-pasteable: printed as written, never
   * wrapped at the help width (a wrapped example splits a command or a URL without a '\').
   */
  private static void unwrappedFooters(CommandLine cl) {
    cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help -> {
      String[] footer = help.commandSpec().usageMessage().footer();
      return footer.length == 0 ? "" : String.join(System.lineSeparator(), footer)
          + System.lineSeparator();
    });
    for (CommandLine sub : cl.getSubcommands().values()) {
      unwrappedFooters(sub);
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
