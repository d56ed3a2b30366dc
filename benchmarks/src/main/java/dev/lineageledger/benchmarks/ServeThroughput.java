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
 * concurrent clients, each waiting for its durable 201, beside native appends of one record
 * POSTed to {@code /v1/records} by the same clients in the same run (the rate issue 13 compares
 * with), the HTTP round trip alone (START events, not written) as a ceiling, and in-process
 * appends under the same durability (FSYNC) for information. Target: ≥ 2,000 events/s at 16
 * clients and ≥ 0.5 of the native rate. The clients are {@link LoopbackHttp}, a few
 * microseconds of CPU per exchange, so that the server gets the two cores it shares with them.
 */
@Fork(1)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ServeThroughput {
  static final String TOKEN = "benchmark-token-0123456789abcdef0123456789";

  @State(Scope.Benchmark)
  public static class Service {
    ScratchLedger store;
    LedgerServer server;
    InetSocketAddress address;

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
      URI url = URI.create(server.url());
      address = new InetSocketAddress(url.getHost(), url.getPort());
    }

    @TearDown
    public void tearDown() throws Exception {
      server.stop();
      store.close();
    }
  }

  /** One keep-alive connection per client thread, as each pipeline process holds its own. */
  @State(Scope.Thread)
  public static class Client {
    LoopbackHttp http;

    @Setup
    public void setup(Service s) throws java.io.IOException {
      http = new LoopbackHttp(s.address);
    }

    @TearDown
    public void tearDown() throws java.io.IOException {
      http.close();
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

  /** A native append: one new dataset version, as {@code serve-load.py --native} sends. */
  static String record() {
    return "{\"kind\":\"dataset\",\"body\":{\"name\":\"load-" + UUID.randomUUID()
        + "\",\"version\":\"1\",\"uri\":\"s3://lake/load\",\"digest\":\"sha256:"
        + "a".repeat(64) + "\"}}";
  }

  private static int post(Client c) throws Exception {
    return post(c, "/api/v1/lineage", event(UUID.randomUUID()), 201);
  }

  private static int post(Client c, String path, String body, int expected) throws Exception {
    int status = c.http.post(path, TOKEN, body);
    if (status != expected) {
      throw new IllegalStateException("HTTP " + status + " from " + path);
    }
    return status;
  }

  @Benchmark
  @Threads(1)
  public int openLineage1(Service s, Client c) throws Exception {
    return post(c);
  }

  @Benchmark
  @Threads(16)
  public int openLineage16(Service s, Client c) throws Exception {
    return post(c);
  }

  /**
   * Ceiling: the same HTTP round trip, authentication, parsing and validation, for START events,
   * which are acknowledged without writing.
   */
  @Benchmark
  @Threads(16)
  public int startEventsCeiling16(Service s, Client c) throws Exception {
    return post(c, "/api/v1/lineage", event(UUID.randomUUID()).replace("COMPLETE", "START"), 200);
  }

  /** Native appends over the same HTTP path: the rate OpenLineage ingest is compared with. */
  @Benchmark
  @Threads(1)
  public int nativeHttp1(Service s, Client c) throws Exception {
    return post(c, "/v1/records", record(), 201);
  }

  @Benchmark
  @Threads(16)
  public int nativeHttp16(Service s, Client c) throws Exception {
    return post(c, "/v1/records", record(), 201);
  }

  @Benchmark
  @Threads(1)
  public Receipt native1(Service s) throws LedgerException {
    return s.store.ledger.append(SampleRecords.next());
  }

  @Benchmark
  @Threads(16)
  public Receipt native16(Service s) throws LedgerException {
    return s.store.ledger.append(SampleRecords.next());
  }
}
