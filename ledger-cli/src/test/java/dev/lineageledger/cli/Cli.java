package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ledger} command lines in a directory. By default in-process, through the same
 * entry point and exit-code mapping as {@code main} ({@link Main#run}), with the directory as
 * working directory and its own environment and stdin: fast, so most cases can be tested this
 * way. {@link #process} runs the packaged jar as a separate JVM, as a user would, for the
 * end-to-end cases (signals, the real process environment, start-up).
 */
final class Cli {
  /** A user error: exit {@code code} and one line on stderr naming it, no stack trace. */
  static void assertOneLineError(Result r, int code, String fragment) {
    assertThat(r.code()).as(r.toString()).isEqualTo(code);
    assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
    assertThat(r.err()).as(r.toString()).startsWith("ledger: ").contains(fragment)
        .doesNotContain("\tat ").doesNotContain("Exception");
  }

  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Path dir;
  private final Map<String, String> env;
  private final boolean separateProcess;
  private final List<String> jvmArgs;

  Cli(Path dir) {
    this(dir, Map.of());
  }

  Cli(Path dir, Map<String, String> env) {
    this(dir, env, false, List.of());
  }

  /**
   * With extra JVM options, as {@code LEDGER_JAVA_OPTS} gives them to {@code ./ledger}: JVM
   * options need a JVM of their own, so each command runs as a separate process.
   */
  Cli(Path dir, Map<String, String> env, List<String> jvmArgs) {
    this(dir, env, true, jvmArgs);
  }

  private Cli(Path dir, Map<String, String> env, boolean separateProcess, List<String> jvmArgs) {
    this.dir = dir;
    this.env = env;
    this.separateProcess = separateProcess;
    this.jvmArgs = List.copyOf(jvmArgs);
  }

  /** Runs each command as a separate JVM from the packaged jar. */
  static Cli process(Path dir, Map<String, String> env) {
    return new Cli(dir, env, true, List.of());
  }

  static Cli process(Path dir) {
    return process(dir, Map.of());
  }

  static String jar() {
    String jar = System.getProperty("ledger.cli.jar");
    if (jar == null) {
      throw new IllegalStateException("ledger.cli.jar is not set (run through maven-failsafe)");
    }
    return jar;
  }

  Result run(String... args) throws Exception {
    return runWithInput(null, args);
  }

  Result runWithInput(byte[] stdin, String... args) throws Exception {
    return separateProcess ? runProcess(stdin, args) : runInProcess(stdin, args);
  }

  private Result runInProcess(byte[] stdin, String... args) {
    Map<String, String> e = new java.util.HashMap<>(System.getenv());
    e.remove("LEDGER_PATH");
    e.put("LEDGER_ACTOR", "tester@ci");
    // A null value removes the variable, as for a separate process.
    env.forEach((k, v) -> {
      if (v == null) {
        e.remove(k);
      } else {
        e.put(k, v);
      }
    });
    Invocation inv = new Invocation(dir, e,
        new java.io.ByteArrayInputStream(stdin == null ? new byte[0] : stdin));
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code;
    try (java.io.PrintWriter o = new java.io.PrintWriter(out); java.io.PrintWriter r = new java.io.PrintWriter(err)) {
      code = Main.run(inv, args, o, r);
    }
    return new Result(code, out.toString(), err.toString());
  }

  private Result runProcess(byte[] stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Short-lived commands: start fast (C1 only, serial GC), as the tests run hundreds of them.
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
    cmd.addAll(jvmArgs);
    cmd.add("-jar");
    cmd.add(jar());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().remove("LEDGER_PATH");
    pb.environment().put("LEDGER_ACTOR", "tester@ci");
    // A null value removes the variable (e.g. Azure credentials of the machine running tests).
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread to = pump(p.getInputStream(), out);
    Thread te = pump(p.getErrorStream(), err);
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    } catch (IOException e) {
      // the process stopped reading: that is its answer
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("ledger " + String.join(" ", args) + " did not finish");
    }
    to.join();
    te.join();
    return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
    Thread t = new Thread(() -> {
      try {
        in.transferTo(sink);
      } catch (IOException ignored) {
        // process ended
      }
    });
    t.start();
    return t;
  }
}
