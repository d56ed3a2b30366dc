package dev.lineageledger.cli;

import dev.lineageledger.purview.PurviewAuth;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "emulator", mixinStandardHelpOptions = true,
    description = "Run a local Purview / Atlas v2 emulator on 127.0.0.1 in the foreground (in"
        + " memory; Ctrl-C stops it), for developing and testing pipelines offline.",
    footer = {"", "Example:", "  ledger purview emulator --port 8585 &",
        "  LEDGER_PURVIEW_TOKEN=dev ledger sync purview --endpoint http://127.0.0.1:8585/datamap/api"})
final class PurviewEmulatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", paramLabel = "P", defaultValue = "8585",
      description = "Loopback port (default: 8585; 0 picks a free one).")
  int port;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Accept only the bearer token in FILE (default: any non-empty token).")
  Path tokenFile;

  @Option(names = "--latency", paramLabel = "MS", defaultValue = "0",
      description = "Add MS milliseconds to every request (default: 0).")
  long latencyMs;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new UsageException("--port must be 0..65535");
    }
    if (latencyMs < 0) {
      throw new UsageException("--latency must be >= 0");
    }
    String token = null;
    if (tokenFile != null) {
      try {
        token = PurviewAuth.tokenFile(tokenFile).revealStaticToken();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    PurviewEmulator emulator;
    try {
      emulator = PurviewEmulator.builder().port(port).token(token)
          .latency(Duration.ofMillis(latencyMs)).start();
    } catch (BindException e) {
      throw new IOException("port " + port + " is in use; choose another with --port", e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Purview emulator on " + emulator.baseUri() + " (in memory; Ctrl-C stops it)");
    out.println("  data map API  " + emulator.datamapUrl());
    out.println("  classic API   " + emulator.catalogUrl());
    out.println("  auth          " + (token == null ? "any bearer token"
        : "the bearer token in " + tokenFile));
    out.println("Try: LEDGER_PURVIEW_TOKEN=dev ledger sync purview --endpoint "
        + emulator.datamapUrl());
    out.flush();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      emulator.close();
      stop.countDown();
    }));
    stop.await();
    return ExitCodes.OK;
  }
}
