package dev.lineageledger.benchmarks;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.server.LedgerServer;
import dev.lineageledger.server.Principal;
import dev.lineageledger.server.Role;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code ledger serve} end to end: OpenLineage COMPLETE events (one versioned input, one new
 * output: two records each, a dataset and a transform) POSTed over loopback HTTP by 1 and 16
 * concurrent clients, each waiting for its durable 201, beside native in-process appends of one
 * record under the same durability (FSYNC) in the same run. Events/s vs records/s; target
 * ≥ 2,000 events/s at 16 clients and ≥ 0.5 of the native rate.
 */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ServeThroughput {
  static final String TOKEN = "benchmark-token-0123456789abcdef0123456789";

  @State(Scope.Benchmark)
  public static class Service {
    ScratchLedger store;
    LedgerServer server;
    URI endpoint;

    @Setup
    public void setup() throws Exception {
      store = ScratchLedger.create("serve", SigningMode.CHECKPOINT_ONLY,
          ScratchLedger.options().durability(Durability.FSYNC).build());
      server = LedgerServer.builder(store.ledger, t -> {
        if (!t.equals(TOKEN)) {
          throw new dev.lineageledger.server.AuthenticationException("unknown token");
        }
        return new Principal("token:bench", "bench", Role.WRITER);
      }).listen(new InetSocketAddress("127.0.0.1", 0)).queueCapacity(4096).build();
      server.start();
      endpoint = URI.create(server.url() + "/api/v1/lineage");
    }

    @TearDown
    public void tearDown() throws Exception {
      server.stop();
      store.close();
    }
  }

  /** One client for all threads, as a pipeline's process would share one (a pool of 16 connections). */
  static final HttpClient SHARED = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .executor(java.util.concurrent.Executors.newFixedThreadPool(2)).build();

  @State(Scope.Thread)
  public static class Client {
    HttpClient http;

    @Setup
    public void setup() {
      http = SHARED;
    }
  }

  static String event(UUID run) {
    return "{\"eventType\":\"COMPLETE\",\"eventTime\":\"2026-11-30T01:02:03.456Z\","
        + "\"producer\":\"https://github.com/OpenLineage/OpenLineage/tree/1.55.0/client/java\","
        + "\"schemaURL\":\"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent\","
        + "\"run\":{\"runId\":\"" + run + "\"},\"job\":{\"namespace\":\"spark\",\"name\":\"featurize\"},"
        + "\"inputs\":[{\"namespace\":\"s3://lake\",\"name\":\"raw/transactions\",\"facets\":"
        + "{\"version\":{\"datasetVersion\":\"2026-11-29\"},\"schema\":{\"fields\":"
        + "[{\"name\":\"amount\",\"type\":\"double\"},{\"name\":\"merchant\",\"type\":\"string\"}]}}}],"
        + "\"outputs\":[{\"namespace\":\"s3://lake\",\"name\":\"features/fraud\"}]}";
  }

  private static int post(Service s, Client c) throws Exception {
    return post(s, c, event(UUID.randomUUID()), 201);
  }

  private static int post(Service s, Client c, String body, int expected) throws Exception {
    HttpResponse<Void> r = c.http.send(HttpRequest.newBuilder(s.endpoint)
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != expected) {
      throw new IllegalStateException("HTTP " + r.statusCode());
    }
    return r.statusCode();
  }

  @Benchmark
  @Threads(1)
  public int openLineage1(Service s, Client c) throws Exception {
    return post(s, c);
  }

  @Benchmark
  @Threads(16)
  public int openLineage16(Service s, Client c) throws Exception {
    return post(s, c);
  }

  /**
   * Ceiling: the same HTTP round trip, authentication, parsing and validation, for START events,
   * which are acknowledged without writing.
   */
  @Benchmark
  @Threads(16)
  public int startEventsCeiling16(Service s, Client c) throws Exception {
    return post(s, c, event(UUID.randomUUID()).replace("COMPLETE", "START"), 200);
  }

  @Benchmark
  @Threads(1)
  public Receipt native1(Service s, Client c) throws LedgerException {
    return s.store.ledger.append(SampleRecords.next());
  }

  @Benchmark
  @Threads(16)
  public Receipt native16(Service s, Client c) throws LedgerException {
    return s.store.ledger.append(SampleRecords.next());
  }
}
