package dev.lineageledger.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --ledger PATH} and {@code --verbose}, shared by every command that opens a ledger. */
final class LedgerOption {
  static final String DEFAULT = "lineage.ledger";

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--ledger", paramLabel = "PATH",
      description = "Ledger file (default: $LEDGER_PATH, else ./" + DEFAULT + ").")
  Path path;

  @Option(names = {"-v", "--verbose"}, description = "Show causes of errors, for debugging.")
  boolean verbose;

  @Option(names = "--lock-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "How long to wait for another process's write lock (default: 10).")
  int lockTimeoutSeconds;

  int lockTimeoutMillis() {
    return Math.max(0, lockTimeoutSeconds) * 1000;
  }

  /** The invocation (working directory, environment) of the command this option belongs to. */
  Invocation invocation() {
    return Invocation.of(mixee);
  }

  Path path() {
    if (path != null) {
      return path;
    }
    Invocation inv = Invocation.of(mixee);
    String env = inv.env("LEDGER_PATH");
    return inv.path(env != null && !env.isBlank() ? env : DEFAULT);
  }

  /** The private signing key kept beside the ledger: {@code PATH.key}. */
  Path keyFile() {
    return Path.of(path() + ".key");
  }

  /** The signing key wrapped by a Key Vault key, kept beside the ledger: {@code PATH.key.wrapped}. */
  Path wrappedKeyFile() {
    return Path.of(path() + ".key.wrapped");
  }

  /** The public verifier key kept beside the ledger: {@code PATH.pub}. */
  Path pubFile() {
    return Path.of(path() + ".pub");
  }
}
