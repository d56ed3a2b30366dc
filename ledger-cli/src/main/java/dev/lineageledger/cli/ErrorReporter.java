package dev.lineageledger.cli;

import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.LedgerStorageException;
import dev.lineageledger.core.VerificationException;
import dev.lineageledger.purview.PurviewException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * The one place that turns exceptions into a one-line message and an exit code. Stack traces
 * only with {@code --verbose}.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
  private final boolean verbose;

  ErrorReporter(String[] args) {
    this.verbose = Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult pr) {
    return report(ex, cl.getErr());
  }

  /**
   * One line and an exit code for anything a command threw, including the JVM's own errors
   * (a stack overflow or out of memory escapes picocli's handler and would otherwise print a
   * trace of a thousand lines and exit 1, the integrity code).
   */
  int report(Throwable ex, PrintWriter err) {
    Throwable e = ex instanceof UncheckedIOException u ? u.getCause() : ex;
    int code = exitCode(e);
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof NoSuchFileException) {
      msg = "no such file: " + msg;
    } else if (e instanceof AccessDeniedException) {
      msg = "permission denied: " + msg;
    } else if (code == ExitCodes.IO && !(e instanceof LedgerStorageException) && !(e instanceof IOException)
        && !(e instanceof dev.lineageledger.core.LedgerException) && !(e instanceof PurviewException)) {
      msg = "unexpected error: " + e + " (run with --verbose for details)";
    }
    err.println("ledger: " + Main.firstLine(msg));
    if (verbose && e instanceof PurviewException p && !p.details().isEmpty()) {
      // A short account (e.g. why each credential of DefaultAzureCredential failed), not the
      // hundreds of lines of its stack traces.
      p.details().forEach(d -> err.println("  " + d));
    } else if (verbose) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        err.println("  caused by: " + c);
      }
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  static int exitCode(Throwable e) {
    if (e instanceof VerificationException) {
      return ExitCodes.INTEGRITY;
    }
    if (e instanceof InvalidRecordException || e instanceof FormatException
        || e instanceof KeyException || e instanceof UsageException
        || e instanceof NoSuchFileException) {
      return ExitCodes.USAGE;
    }
    if (e instanceof PurviewException p) {
      // Configuration is the user's to fix; everything else is the remote end or the network.
      return p.reason() == PurviewException.Reason.CONFIG ? ExitCodes.USAGE : ExitCodes.IO;
    }
    if (e instanceof LedgerStorageException s) {
      return switch (s.reason()) {
        case NOT_FOUND, NOT_A_LEDGER -> ExitCodes.USAGE;
        case CORRUPT -> ExitCodes.INTEGRITY;
        default -> ExitCodes.IO;
      };
    }
    return ExitCodes.IO;
  }
}
