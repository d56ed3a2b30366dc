package dev.lineageledger.purview.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lineageledger.purview.emulator.Fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulator's HTTP side, on the JDK's built-in server: bearer-token check (401 in Purview's
 * {@code {"error":{...}}} shape), both URL prefixes, injected latency and faults, the request
 * log, and routing to the type registry and entity store.
 */
public final class EmulatorServer {
  private static final List<String> PREFIXES = List.of("/datamap/api", "/catalog/api");
  private static final String CATALOG_API_VERSION = "2022-03-01-preview";
  private static final Pattern CATALOG_COLLECTION_BULK =
      Pattern.compile("/catalog/api/collections/([^/]+)/entity/bulk");

  /** One handled request, as the emulator's log keeps it. */
  public record Logged(String method, String path, String query, int status, String fault,
      String authorization) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final String token;
  private final long maxRequestBytes;
  private final TypeRegistry types = new TypeRegistry();
  private final EntityStore entities = new EntityStore(types);
  private final List<FaultState> faults = new ArrayList<>();
  private final List<Logged> log = Collections.synchronizedList(new ArrayList<>());
  private final Random random;
  private volatile Duration latency;
  private volatile Consumer<Logged> listener;

  private static final class FaultState {
    final Fault fault;
    long matched;
    int fired;

    FaultState(Fault f) {
      this.fault = f;
    }
  }

  /** Thrown out of a handler so that the JDK server closes the connection without answering. */
  private static final class Dropped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Dropped() {
      super("connection dropped by an injected fault", null, false, false);
    }
  }

  public EmulatorServer(int port, String token, Duration latency, long seed, int threads)
      throws IOException {
    this(port, token, latency, seed, threads, 0);
  }

  public EmulatorServer(int port, String token, Duration latency, long seed, int threads,
      long maxRequestBytes) throws IOException {
    this.maxRequestBytes = maxRequestBytes;
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm
    // meets the client's delayed ACK and every answer waits ~40 ms. Read once, at the first
    // server's creation, so it must be set before.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    this.token = token;
    this.latency = latency;
    this.random = new Random(seed);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    this.executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "purview-emulator");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void setLatency(Duration d) {
    this.latency = d;
  }

  public Duration latency() {
    return latency;
  }

  public void onRequest(Consumer<Logged> l) {
    this.listener = l;
  }

  public void inject(Fault f) {
    synchronized (faults) {
      faults.add(new FaultState(f));
    }
  }

  public void clearFaults() {
    synchronized (faults) {
      faults.clear();
    }
  }

  public List<Logged> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  public void clearLog() {
    log.clear();
  }

  public synchronized int entityCount() {
    return entities.size();
  }

  public synchronized List<JsonNode> entities() {
    List<JsonNode> out = new ArrayList<>();
    entities.all().forEach(e -> out.add(e.deepCopy()));
    return out;
  }

  public synchronized JsonNode entity(String type, String qualifiedName) {
    ObjectNode e = entities.byQualifiedName(type, qualifiedName);
    return e == null ? null : e.deepCopy();
  }

  public synchronized JsonNode typeDef(String name) {
    ObjectNode d = types.get(name);
    return d == null ? null : d.deepCopy();
  }

  /**
   * Stops accepting connections at once. The JDK server's dispatcher notices only at its next
   * one-second select timeout, so the rest of the shutdown finishes in the background.
   */
  public void close() {
    Thread t = new Thread(() -> {
      server.stop(0);
      executor.shutdownNow();
    }, "purview-emulator-stop");
    t.setDaemon(true);
    t.start();
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    sleep(latency);
    Fault fault = pickFault(method, path, body.length);
    String faultName = fault == null ? null : fault.kind().name();
    try {
      if (!authorized(auth)) {
        ObjectNode err = Json.object();
        ObjectNode e = err.putObject("error");
        e.put("code", "Unauthorized");
        e.put("message", "Not authorized to access account");
        ex.getResponseHeaders().add("WWW-Authenticate", "Bearer authorization_uri="
            + "\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"invalid_token\"");
        respond(ex, 401, err, method, path, query, null, auth);
        return;
      }
      if (maxRequestBytes > 0 && body.length > maxRequestBytes) {
        // As Azure's front ends answer a body over their limit: 413, before the service sees it.
        ObjectNode err = Json.object();
        err.putObject("error").put("code", "RequestEntityTooLarge").put("message",
            "The request body is " + body.length + " bytes; the limit is " + maxRequestBytes);
        respond(ex, 413, err, method, path, query, null, auth);
        return;
      }
      if (fault != null) {
        switch (fault.kind()) {
          case STATUS -> {
            ObjectNode err = Json.object();
            err.put("requestId", UUID.randomUUID().toString());
            err.put("errorCode", fault.errorCode() != null ? fault.errorCode()
                : fault.status() == 429 ? "TooManyRequests" : "ServiceUnavailable");
            err.put("errorMessage", fault.errorMessage());
            Duration ra = fault.retryAfter();
            if (ra != null) {
              long ms = ra.toMillis();
              ex.getResponseHeaders().add("Retry-After", String.valueOf((ms + 999) / 1000));
              if (ms % 1000 != 0) {
                ex.getResponseHeaders().add("retry-after-ms", String.valueOf(ms));
              }
            }
            respond(ex, fault.status(), err, method, path, query, faultName, auth);
            return;
          }
          case SLOW -> sleep(fault.delay());
          case DROP_BEFORE_APPLY -> {
            record(method, path, query, 0, faultName, auth);
            throw new Dropped();
          }
          default -> { }
        }
      }
      Answer a = route(method, path, query, body);
      if (fault != null && (fault.kind() == Fault.Kind.DROP_AFTER_APPLY
          || fault.kind() == Fault.Kind.HANG_AFTER_APPLY)) {
        record(method, path, query, 0, faultName, auth);
        if (fault.kind() == Fault.Kind.HANG_AFTER_APPLY) {
          sleep(fault.delay());
        }
        throw new Dropped();
      }
      respond(ex, a.status, a.body, method, path, query, fault == null ? null : faultName, auth);
    } catch (Dropped d) {
      throw d;
    } catch (RuntimeException e) {
      ObjectNode err = error(AtlasError.internal(e.toString()));
      respond(ex, 500, err, method, path, query, faultName, auth);
    }
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    String t = header.substring(7).strip();
    return token == null ? !t.isEmpty() : java.security.MessageDigest.isEqual(
        t.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }

  private Fault pickFault(String method, String path, long bodyBytes) {
    synchronized (faults) {
      for (FaultState s : faults) {
        Fault f = s.fault;
        if (f.path() != null && !path.contains(f.path())
            || f.method() != null && !f.method().equalsIgnoreCase(method)
            || f.minBodyBytes() >= 0 && bodyBytes <= f.minBodyBytes()) {
          continue;
        }
        s.matched++;
        if (s.matched <= f.afterRequests() || f.times() >= 0 && s.fired >= f.times()) {
          continue;
        }
        if (f.rate() < 1 && random.nextDouble() >= f.rate()) {
          continue;
        }
        s.fired++;
        return f;
      }
      return null;
    }
  }

  private record Answer(int status, JsonNode body) {}

  private Answer route(String method, String path, String query, byte[] body) {
    String rest = null;
    String prefix = null;
    for (String p : PREFIXES) {
      if (path.startsWith(p + "/atlas/v2/")) {
        rest = path.substring(p.length() + "/atlas/v2/".length());
        prefix = p;
      }
    }
    Matcher coll = CATALOG_COLLECTION_BULK.matcher(path);
    if (coll.matches()) {
      // The classic catalog API's way into a collection (Collection - Create Or Update Bulk,
      // api-version 2022-03-01-preview): the collection's system name is in the path.
      try {
        if (!method.equals("POST")) {
          throw AtlasError.methodNotAllowed(method, path);
        }
        if (!CATALOG_API_VERSION.equals(parseQuery(query).get("api-version"))) {
          ObjectNode err = Json.object();
          err.putObject("error").put("code", "InvalidApiVersion").put("message",
              "api-version " + CATALOG_API_VERSION + " is required");
          return new Answer(400, err);
        }
        synchronized (this) {
          return new Answer(200, entities.bulk(parse(body), decode(coll.group(1))));
        }
      } catch (AtlasError e) {
        return new Answer(e.status, error(e));
      }
    }
    if (rest == null) {
      ObjectNode err = Json.object();
      err.putObject("error").put("code", "NotFound").put("message",
          "No API at " + path + " (the emulator serves /datamap/api/atlas/v2/... and /catalog/api/atlas/v2/...)");
      return new Answer(404, err);
    }
    Map<String, String> q = parseQuery(query);
    try {
      synchronized (this) {
        if (rest.equals("types/typedefs")) {
          return switch (method) {
            case "GET" -> new Answer(200, types.typesDef(q.get("type")));
            case "POST" -> new Answer(200, types.create(parse(body)));
            case "PUT" -> new Answer(200, types.update(parse(body)));
            default -> throw AtlasError.methodNotAllowed(method, path);
          };
        }
        if (rest.startsWith("types/typedef/name/")) {
          requireGet(method, path);
          String name = decode(rest.substring("types/typedef/name/".length()));
          ObjectNode d = types.get(name);
          if (d == null) {
            throw AtlasError.typeNameNotFound(name);
          }
          return new Answer(200, d);
        }
        if (rest.equals("entity/bulk")) {
          if (!method.equals("POST")) {
            throw AtlasError.methodNotAllowed(method, path);
          }
          // collectionId is a parameter of the data map API only; the classic catalog API
          // does not know it (it has /collections/{collection}/entity/bulk instead).
          return new Answer(200, entities.bulk(parse(body),
              prefix.equals("/datamap/api") ? q.get("collectionId") : null));
        }
        if (rest.startsWith("entity/uniqueAttribute/type/")) {
          requireGet(method, path);
          String type = decode(rest.substring("entity/uniqueAttribute/type/".length()));
          if (!types.isEntity(type)) {
            throw AtlasError.typeNameInvalid("ENTITY", type);
          }
          String qn = q.get("attr:qualifiedName");
          if (qn == null) {
            throw AtlasError.invalidParameters("no unique attribute given (attr:qualifiedName=...)");
          }
          ObjectNode e = entities.byQualifiedName(type, qn);
          if (e == null) {
            throw AtlasError.uniqueAttributeNotFound(type, "{qualifiedName=" + qn + "}");
          }
          ObjectNode out = Json.object();
          out.putObject("referredEntities");
          out.set("entity", e);
          return new Answer(200, out);
        }
        if (rest.startsWith("entity/guid/")) {
          requireGet(method, path);
          String guid = decode(rest.substring("entity/guid/".length()));
          ObjectNode e = entities.byGuid(guid);
          if (e == null) {
            throw AtlasError.instanceGuidNotFound(guid);
          }
          ObjectNode out = Json.object();
          out.putObject("referredEntities");
          out.set("entity", e);
          return new Answer(200, out);
        }
        if (rest.startsWith("lineage/")) {
          requireGet(method, path);
          String guid = decode(rest.substring("lineage/".length()));
          String dir = q.getOrDefault("direction", "BOTH");
          if (!List.of("INPUT", "OUTPUT", "BOTH").contains(dir)) {
            throw AtlasError.invalidParameters("direction must be INPUT, OUTPUT or BOTH");
          }
          int depth = intParam(q, "depth", 3);
          int width = intParam(q, "width", 10);
          return new Answer(200, entities.lineage(guid, dir, depth, width));
        }
      }
      ObjectNode err = Json.object();
      err.putObject("error").put("code", "NotFound").put("message", "No API at " + path);
      return new Answer(404, err);
    } catch (AtlasError e) {
      return new Answer(e.status, error(e));
    }
  }

  private static int intParam(Map<String, String> q, String name, int dflt) throws AtlasError {
    String v = q.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw AtlasError.invalidParameters(name + " must be a number");
    }
  }

  private static void requireGet(String method, String path) throws AtlasError {
    if (!method.equals("GET")) {
      throw AtlasError.methodNotAllowed(method, path);
    }
  }

  private static JsonNode parse(byte[] body) throws AtlasError {
    try {
      JsonNode n = Json.parse(body);
      if (n == null) {
        throw AtlasError.invalidParameters("empty request body");
      }
      return n;
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      throw AtlasError.invalidParameters("malformed JSON: " + m.lines().findFirst().orElse(m));
    }
  }

  static ObjectNode error(AtlasError e) {
    ObjectNode err = Json.object();
    err.put("requestId", UUID.randomUUID().toString());
    err.put("errorCode", e.code);
    err.put("errorMessage", e.getMessage());
    return err;
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      String k = decode(eq < 0 ? kv : kv.substring(0, eq));
      String v = eq < 0 ? "" : decode(kv.substring(eq + 1));
      q.putIfAbsent(k, v);
    }
    return q;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private void respond(HttpExchange ex, int status, JsonNode body, String method, String path,
      String query, String fault, String auth) throws IOException {
    byte[] bytes = Json.bytes(body);
    // Logged before answering, so a client never sees an answer the log does not have yet.
    record(method, path, query, status, fault, auth);
    ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
    ex.getResponseHeaders().add("x-ms-request-id", UUID.randomUUID().toString());
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void record(String method, String path, String query, int status, String fault,
      String auth) {
    Logged l = new Logged(method, path, query, status, fault, auth);
    log.add(l);
    Consumer<Logged> c = listener;
    if (c != null) {
      c.accept(l);
    }
  }

  private static void sleep(Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(d.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
