package dev.lineageledger.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What one run of {@code ledger} sees of its process: working directory, environment and
 * standard input. {@link Main#main} passes the real ones; tests run commands in-process, through
 * the same entry point and exit-code mapping, with their own.
 *
 * @param cwd relative paths are resolved against it (the empty path: the process's own)
 * @param env environment variables
 * @param stdin standard input
 */
record Invocation(Path cwd, Map<String, String> env, InputStream stdin) {
  Invocation {
    Objects.requireNonNull(cwd, "cwd");
    env = Map.copyOf(env);
    Objects.requireNonNull(stdin, "stdin");
  }

  /** This process's working directory, environment and standard input. */
  static Invocation ofProcess() {
    return new Invocation(Path.of(""), System.getenv(), System.in);
  }

  /** A path the user gave, relative to the working directory of this invocation. */
  Path path(String s) {
    return cwd.resolve(s);
  }

  /** An environment variable, or null. */
  String env(String name) {
    return env.get(name);
  }

  /** The invocation a command (or a mixin's command) runs in. */
  static Invocation of(CommandSpec spec) {
    if (spec != null && spec.root().userObject() instanceof LedgerCommand root
        && root.invocation != null) {
      return root.invocation;
    }
    return ofProcess();
  }
}
