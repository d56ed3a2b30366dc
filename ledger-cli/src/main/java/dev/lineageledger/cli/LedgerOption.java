package dev.lineageledger.cli;

import dev.lineageledger.core.LedgerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --ledger LOCATION}, how to sign in to a PostgreSQL ledger, and {@code --verbose}:
 * shared by every command that opens a ledger.
 */
final class LedgerOption {
  static final String DEFAULT = "lineage.ledger";
  static final String POSTGRES_SCHEME = "postgresql://";

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--ledger", paramLabel = "LOCATION",
      description = "Ledger file, or a PostgreSQL ledger"
          + " postgresql://USER@HOST[:PORT]/DATABASE[?schema=NAME] (default schema lineage_ledger;"
          + " default: $LEDGER_PATH, else ./" + DEFAULT + ").")
  String location;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "PostgreSQL: file whose first line is the password (default: $PGPASSWORD;"
          + " never on the command line).")
  Path passwordFile;

  @Option(names = "--entra",
      description = "PostgreSQL: sign in with an Entra ID access token (Azure Database for"
          + " PostgreSQL), renewed before it expires; DefaultAzureCredential: managed identity,"
          + " workload identity, environment, az login.")
  boolean entra;

  @Option(names = {"-v", "--verbose"}, description = "Show causes of errors, for debugging.")
  boolean verbose;

  @Option(names = "--lock-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "How long to wait for another process's write lock (default: 10).")
  int lockTimeoutSeconds;

  /** The ledger at {@code location}, signed in to as given, for a command with several ledgers. */
  static LedgerOption of(CommandSpec spec, String location, Path passwordFile, boolean entra,
      int lockTimeoutSeconds) {
    LedgerOption o = new LedgerOption();
    o.mixee = spec;
    o.location = location;
    o.passwordFile = passwordFile;
    o.entra = entra;
    o.lockTimeoutSeconds = lockTimeoutSeconds;
    return o;
  }

  int lockTimeoutMillis() {
    return Math.max(0, lockTimeoutSeconds) * 1000;
  }

  /** The invocation (working directory, environment) of the command this option belongs to. */
  Invocation invocation() {
    return Invocation.of(mixee);
  }

  private String given() {
    if (location != null) {
      return location;
    }
    String env = invocation().env("LEDGER_PATH");
    return env != null && !env.isBlank() ? env : DEFAULT;
  }

  /** Whether the ledger is a PostgreSQL schema rather than a file. */
  boolean isPostgres() {
    return given().startsWith(POSTGRES_SCHEME);
  }

  /** What {@code Ledger.open} takes: a PostgreSQL URI as given, a file relative to the invocation. */
  String location() {
    return isPostgres() ? given() : path().toString();
  }

  /**
   * The ledger file.
   *
   * @throws IllegalStateException for a PostgreSQL ledger (callers ask {@link #isPostgres} first)
   */
  Path path() {
    if (isPostgres()) {
      throw new IllegalStateException("a PostgreSQL ledger has no file");
    }
    return invocation().path(given());
  }

  /** The private signing key kept beside a file ledger, {@code PATH.key}; null for PostgreSQL. */
  Path keyFile() {
    return isPostgres() ? null : Path.of(path() + ".key");
  }

  /** The Key Vault-wrapped signing key beside a file ledger, {@code PATH.key.wrapped}; null for PostgreSQL. */
  Path wrappedKeyFile() {
    return isPostgres() ? null : Path.of(path() + ".key.wrapped");
  }

  /** The public verifier key beside a file ledger, {@code PATH.pub}; null for PostgreSQL. */
  Path pubFile() {
    return isPostgres() ? null : Path.of(path() + ".pub");
  }

  /** A builder with this option's lock timeout and, for PostgreSQL, how to sign in. */
  LedgerOptions.Builder options() throws UsageException {
    if (passwordFile != null && entra) {
      throw new UsageException("--password-file and --entra exclude each other");
    }
    return LedgerOptions.builder().busyTimeoutMillis(lockTimeoutMillis())
        .passwordSupplier(password(passwordFile, entra));
  }

  /**
   * Where a PostgreSQL password comes from: an Entra ID token, the first line of a file (read at
   * each connection, so a rotated password is picked up), or this invocation's PGPASSWORD.
   */
  private Supplier<char[]> password(Path file, boolean useEntra) {
    if (useEntra) {
      return EntraDatabasePassword.defaultCredential();
    }
    if (file != null) {
      Path f = invocation().path(file.toString());
      return () -> {
        try {
          return KeyOptions.firstLine(f, "password file");
        } catch (dev.lineageledger.core.KeyException e) {
          throw new IllegalStateException(e.getMessage(), e);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read password file " + f + ": " + e.getMessage(), e);
        }
      };
    }
    String env = invocation().env("PGPASSWORD");
    return () -> env == null ? null : env.toCharArray();
  }
}
