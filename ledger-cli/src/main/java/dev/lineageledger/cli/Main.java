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
    CommandLine cl = new CommandLine(new LedgerCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(new ErrorReporter(args));
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("ledger: " + firstLine(ex.getMessage()));
      CommandLine c = ex.getCommandLine();
      err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      return ExitCodes.USAGE;
    });
    try {
      return cl.execute(args);
    } finally {
      // Every command has closed its ledgers by now: zero the private keys it loaded.
      KeyVault.wipeAll();
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
