package dev.lineageledger.cli;

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

/** Runs the packaged CLI jar as a separate process, as a user would. */
final class Cli {
  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Path dir;
  private final Map<String, String> env;
  private final List<String> jvmArgs;

  Cli(Path dir) {
    this(dir, Map.of());
  }

  Cli(Path dir, Map<String, String> env) {
    this(dir, env, List.of());
  }

  /** With extra JVM options, as {@code LEDGER_JAVA_OPTS} gives them to {@code ./ledger}. */
  Cli(Path dir, Map<String, String> env, List<String> jvmArgs) {
    this.dir = dir;
    this.env = env;
    this.jvmArgs = List.copyOf(jvmArgs);
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
