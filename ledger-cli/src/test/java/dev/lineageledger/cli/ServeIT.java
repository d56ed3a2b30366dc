package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledger serve} as a process: SIGKILL in the middle of an OpenLineage load loses no
 * acknowledged event; SIGTERM drains, signs a checkpoint and exits 0; no token reaches the log.
 */
class ServeIT {
  private static final String WRITER = "w-" + "0123456789abcdef".repeat(3);
  @TempDir Path dir;

  private record Served(Process process, String url, StringBuffer out) {}

  private Served serve(Path ledger, Path tokens) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Cli.jar(), "serve", "--ledger", ledger.toString(), "--listen", "127.0.0.1:0",
        "--token-file", tokens.toString())
        .directory(dir.toFile()).redirectErrorStream(true).start();
    StringBuffer out = new StringBuffer();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String first = r.readLine();
    assertThat(first).as("serve's first line").isNotNull();
    out.append(first).append('\n');
    Thread pump = new Thread(() -> {
      try {
        String l;
        while ((l = r.readLine()) != null) {
          out.append(l).append('\n');
        }
      } catch (Exception ignored) {
        // process ended
      }
    });
    pump.setDaemon(true);
    pump.start();
    int at = first.indexOf("http://");
    assertThat(at).as(first).isPositive();
    return new Served(p, first.substring(at, first.indexOf(' ', at)), out);
  }

  private Path setup() throws Exception {
    Cli cli = new Cli(dir);
    assertThat(cli.run("init", "--ledger", "s.ledger").code()).isZero();
    Path tokens = dir.resolve("tokens.txt");
    Files.writeString(tokens, "writer etl-bot " + WRITER + "\n");
    Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
    return tokens;
  }

  static String event(UUID run) {
    return "{\"eventType\":\"COMPLETE\",\"eventTime\":\"2026-11-30T01:02:03Z\","
        + "\"producer\":\"https://example/test\",\"run\":{\"runId\":\"" + run + "\"},"
        + "\"job\":{\"namespace\":\"spark\",\"name\":\"load\"},"
        + "\"inputs\":[{\"namespace\":\"s3://lake\",\"name\":\"in\","
        + "\"facets\":{\"version\":{\"datasetVersion\":\"v1\"}}}],"
        + "\"outputs\":[{\"namespace\":\"s3://lake\",\"name\":\"out\"}]}";
  }

  @Test
  void sigkillMidLoadLosesNoAcknowledgedEvent() throws Exception {
    Path tokens = setup();
    Served s = serve(dir.resolve("s.ledger"), tokens);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ConcurrentLinkedQueue<UUID> acked = new ConcurrentLinkedQueue<>();
    AtomicBoolean go = new AtomicBoolean(true);
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      Thread t = new Thread(() -> {
        while (go.get()) {
          UUID run = UUID.randomUUID();
          try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/api/v1/lineage"))
                .header("Authorization", "Bearer " + WRITER).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(event(run))).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 201) {
              acked.add(run);
            }
          } catch (Exception e) {
            return; // the server died mid-request: not acknowledged
          }
        }
      });
      t.start();
      clients.add(t);
    }
    long deadline = System.currentTimeMillis() + 30_000;
    while (acked.size() < 60 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    new ProcessBuilder("kill", "-KILL", String.valueOf(s.process().pid())).start().waitFor();
    assertThat(s.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    go.set(false);
    for (Thread t : clients) {
      t.join(30_000);
    }
    assertThat(acked).hasSizeGreaterThanOrEqualTo(60);
    try (Ledger l = Ledger.open(dir.resolve("s.ledger"), LedgerOptions.readOnly())) {
      for (UUID run : acked) {
        try {
          l.resolve("transform:spark/load@" + run);
        } catch (InvalidRecordException e) {
          throw new AssertionError("acknowledged run " + run + " is missing after SIGKILL", e);
        }
      }
    }
    assertThat(s.out().toString()).doesNotContain(WRITER);
    // Restarted on the same file, the service accepts more and the ledger verifies.
    Served again = serve(dir.resolve("s.ledger"), tokens);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(again.url() + "/api/v1/lineage"))
        .header("Authorization", "Bearer " + WRITER)
        .POST(HttpRequest.BodyPublishers.ofString(event(acked.peek()))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("redelivery after restart: %s", r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"duplicate\":true");
    new ProcessBuilder("kill", "-TERM", String.valueOf(again.process().pid())).start().waitFor();
    assertThat(again.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(again.process().exitValue()).isZero();
    Cli.Result v = new Cli(dir).run("verify", "--ledger", "s.ledger", "--key", "s.ledger.pub");
    assertThat(v.code()).as(v.toString()).isZero();
  }

  @Test
  void sigtermDrainsChecksAndExitsZero() throws Exception {
    Path tokens = setup();
    Served s = serve(dir.resolve("s.ledger"), tokens);
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/api/v1/lineage"))
          .header("Authorization", "Bearer " + WRITER)
          .POST(HttpRequest.BodyPublishers.ofString(event(UUID.randomUUID()))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    new ProcessBuilder("kill", "-TERM", String.valueOf(s.process().pid())).start().waitFor();
    assertThat(s.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(s.process().exitValue()).as(s.out().toString()).isZero();
    assertThat(s.out().toString()).contains("stopped; checkpoint at size").doesNotContain(WRITER);
    try (Ledger l = Ledger.open(dir.resolve("s.ledger"), LedgerOptions.readOnly())) {
      assertThat(l.latestCheckpoint().orElseThrow().size()).isEqualTo(l.size());
    }
  }

  @Test
  void usageErrorsAreOneLineAndExitTwo() throws Exception {
    setup();
    Cli cli = new Cli(dir);
    Cli.Result noAuth = cli.run("serve", "--ledger", "s.ledger");
    assertThat(noAuth.code()).isEqualTo(2);
    assertThat(noAuth.err()).contains("--token-file").doesNotContain("Exception");
    Path open = dir.resolve("open-tokens.txt");
    Files.writeString(open, "writer x " + WRITER + "\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    Cli.Result leaky = cli.run("serve", "--ledger", "s.ledger", "--token-file", open.toString());
    assertThat(leaky.code()).isEqualTo(2);
    assertThat(leaky.err()).contains("chmod 600").doesNotContain(WRITER);
    Cli.Result exposed = cli.run("serve", "--ledger", "s.ledger", "--listen", "0.0.0.0:0",
        "--token-file", dir.resolve("tokens.txt").toString());
    assertThat(exposed.code()).isEqualTo(2);
    assertThat(exposed.err()).contains("plain HTTP is only served on loopback");
  }
}
