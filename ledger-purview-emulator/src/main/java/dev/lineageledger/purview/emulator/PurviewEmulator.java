package dev.lineageledger.purview.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.purview.emulator.internal.EmulatorServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A local Microsoft Purview / Apache Atlas v2 emulator on the loopback interface, for tests,
 * demos and developing pipelines offline (as Azurite is for Azure Storage). In memory, on the
 * JDK's built-in HTTP server. It behaves like Purview where a sync can tell:
 *
 * <ul>
 *   <li>a bearer token is required (401 {@code {"error":{"code":"Unauthorized",...}}} otherwise);
 *       any non-empty token unless {@link Builder#token} fixes one;
 *   <li>{@code /datamap/api/atlas/v2/...} and {@code /catalog/api/atlas/v2/...} both work;
 *   <li>typedefs: POST creates only (409 {@code ATLAS-409-00-001}), PUT updates only, supertypes
 *       and attribute types must resolve, Atlas's update rules hold;
 *   <li>{@code /entity/bulk}: types must exist, required attributes must be present, upserts by
 *       (typeName, qualifiedName), {@code guidAssignments} for every placeholder GUID, CREATE and
 *       UPDATE in {@code mutatedEntities} (unchanged entities in neither, as Atlas does),
 *       references resolved like Atlas (Atlas's error codes and messages), all or nothing;
 *   <li>{@code GET /entity/uniqueAttribute/type/{type}}, {@code /entity/guid/{guid}} and
 *       {@code /lineage/{guid}?direction=&depth=} in Purview's response shape;
 *   <li>errors carry Atlas's {@code {requestId, errorCode, errorMessage}} body;
 *   <li>{@link Fault}s: 429 with Retry-After, 503, any Atlas error, slow answers, dropped
 *       connections, after N requests, N times, or at a rate; and a fixed latency added to every
 *       request ({@link #setLatency}) for throughput benchmarks.
 * </ul>
 *
 * <pre>{@code
 * try (PurviewEmulator purview = PurviewEmulator.builder().latency(Duration.ofMillis(20)).start()) {
 *   PurviewSync.sync(ledger, PurviewSyncOptions.builder(PurviewEndpoint.of(purview.datamapUrl()),
 *       PurviewAuth.staticToken("any")).build());
 * }
 * }</pre>
 */
public final class PurviewEmulator implements AutoCloseable {
  /** A request the emulator handled: status 0 when an injected fault dropped the connection. */
  public record Request(String method, String path, String query, int status, Fault.Kind fault) {}

  private final EmulatorServer server;

  private PurviewEmulator(EmulatorServer server) {
    this.server = server;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** An emulator on an ephemeral loopback port that accepts any bearer token. */
  public static PurviewEmulator start() throws IOException {
    return builder().start();
  }

  /** How to start an emulator. */
  public static final class Builder {
    private int port;
    private String token;
    private Duration latency = Duration.ZERO;
    private long seed = 1;
    private int threads = 8;
    private long maxRequestBytes;

    private Builder() {}

    /**
     * Answer request bodies larger than {@code bytes} with 413, as an Azure front end does
     * (default 0: no limit; Purview does not publish its own).
     */
    public Builder maxRequestBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("max request bytes must be >= 0");
      }
      this.maxRequestBytes = bytes;
      return this;
    }

    /** The loopback port; 0 (default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535");
      }
      this.port = port;
      return this;
    }

    /** Accept only this bearer token (default: any non-empty token). */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** A fixed delay added to every request before it is handled (default none). */
    public Builder latency(Duration latency) {
      this.latency = Objects.requireNonNull(latency);
      return this;
    }

    /** Seed of the random choices of {@link Fault#atRate} faults. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Requests handled at once (default 8). */
    public Builder threads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("threads must be >= 1");
      }
      this.threads = n;
      return this;
    }

    public PurviewEmulator start() throws IOException {
      return new PurviewEmulator(new EmulatorServer(port, token, latency, seed, threads,
          maxRequestBytes));
    }
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  public int port() {
    return server.port();
  }

  /**
   * The data map API base, {@code http://127.0.0.1:PORT/datamap/api}: give it to
   * {@code PurviewEndpoint.of} or {@code ledger sync purview --endpoint}.
   */
  public String datamapUrl() {
    return baseUri() + "/datamap/api";
  }

  /** The classic catalog API base, {@code http://127.0.0.1:PORT/catalog/api}. */
  public String catalogUrl() {
    return baseUri() + "/catalog/api";
  }

  /** Sets the fixed latency added to every request from now on (zero: none). */
  public void setLatency(Duration latency) {
    server.setLatency(Objects.requireNonNull(latency));
  }

  public Duration latency() {
    return server.latency();
  }

  /** Adds a fault; faults are checked in the order added, and the first that fires applies. */
  public void inject(Fault fault) {
    server.inject(Objects.requireNonNull(fault));
  }

  public void clearFaults() {
    server.clearFaults();
  }

  /** Every request handled so far, in order. */
  public List<Request> requests() {
    List<Request> out = new ArrayList<>();
    for (EmulatorServer.Logged l : server.log()) {
      out.add(toRequest(l));
    }
    return out;
  }

  private static Request toRequest(EmulatorServer.Logged l) {
    return new Request(l.method(), l.path(), l.query(), l.status(),
        l.fault() == null ? null : Fault.Kind.valueOf(l.fault()));
  }

  /** Authorization headers seen, in order (for tests that check what was sent). */
  public List<String> authorizationHeaders() {
    List<String> out = new ArrayList<>();
    server.log().forEach(l -> out.add(l.authorization()));
    return out;
  }

  public void clearRequests() {
    server.clearLog();
  }

  /** Called for every request as it is logged (on the emulator's threads). */
  public void onRequest(Consumer<Request> listener) {
    server.onRequest(listener == null ? null : l -> listener.accept(toRequest(l)));
  }

  public int entityCount() {
    return server.entityCount();
  }

  /** Every stored entity, as {@code GET /entity/guid} would return it. */
  public List<JsonNode> entities() {
    return server.entities();
  }

  public Optional<JsonNode> entity(String typeName, String qualifiedName) {
    return Optional.ofNullable(server.entity(typeName, qualifiedName));
  }

  public Optional<JsonNode> typeDef(String name) {
    return Optional.ofNullable(server.typeDef(name));
  }

  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "PurviewEmulator[" + baseUri() + "]";
  }
}
