package dev.lineageledger.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerRecord;
import dev.lineageledger.core.LineageDirection;
import dev.lineageledger.core.LineageGraph;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.StoredCheckpoint;
import dev.lineageledger.server.AuthenticationException;
import dev.lineageledger.server.Authenticator;
import dev.lineageledger.server.Principal;
import dev.lineageledger.server.Role;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Every endpoint of {@code ledger serve} (docs/SERVER.md). Writes are admitted through a bounded
 * queue ({@link #admission}: 429 + Retry-After when full) and answered asynchronously once the
 * ledger reports them durable; reads run on the request thread. Error bodies are JSON {@code
 * {"error": ..., "field": ...}} and never echo credentials.
 */
public final class Router extends Handler.Abstract {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final int MAX_BATCH = 1000;
  static final String JSON = "application/json";

  private final Ledger ledger;
  private final Authenticator auth;
  private final long maxBody;
  private final int queueCapacity;
  private final Semaphore admission;
  private final Metrics metrics;
  private final OpenLineageIngest openLineage;
  private final BooleanSupplier ready;
  private final ObjectMapper mapper;
  private final Map<String, Boolean> idempotencyInFlight = new ConcurrentHashMap<>();

  private final java.util.concurrent.Executor replies;

  /**
   * @param replies where replies to writes are built and sent, off the ledger's writer thread
   */
  public Router(Ledger ledger, Authenticator auth, long maxBody, int queueCapacity,
      BooleanSupplier ready, java.util.concurrent.Executor replies) {
    this.replies = replies;
    this.ledger = ledger;
    this.auth = auth;
    this.maxBody = maxBody;
    this.queueCapacity = queueCapacity;
    this.admission = new Semaphore(queueCapacity);
    this.ready = ready;
    this.openLineage = new OpenLineageIngest(ledger, replies);
    this.metrics = new Metrics(() -> queueCapacity - admission.availablePermits(), this::checkpointAge);
    this.mapper = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
    mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(64).maxStringLength((int) Math.min(Integer.MAX_VALUE, maxBody))
        .maxNumberLength(100).build());
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Append requests admitted and not yet durable. */
  public int queueDepth() {
    return queueCapacity - admission.availablePermits();
  }

  private double checkpointAge() {
    try {
      return ledger.latestCheckpoint().map(cp -> {
        try {
          return (System.currentTimeMillis()
              - java.time.Instant.parse(cp.created()).toEpochMilli()) / 1000.0;
        } catch (java.time.format.DateTimeParseException e) {
          return Double.NaN;
        }
      }).orElse(Double.NaN);
    } catch (LedgerException e) {
      return Double.NaN;
    }
  }

  @Override
  public boolean handle(Request req, Response res, Callback cb) {
    String path = Request.getPathInContext(req);
    String method = req.getMethod();
    try {
      if (path.equals("/healthz")) {
        text(res, cb, 200, "ok\n");
      } else if (path.equals("/readyz")) {
        boolean ok = ready.getAsBoolean();
        text(res, cb, ok ? 200 : 503, ok ? "ready\n" : "not ready\n");
      } else if (path.equals("/metrics")) {
        res.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        write(res, cb, 200, metrics.render().getBytes(StandardCharsets.UTF_8));
      } else if (path.equals("/checkpoint")) {
        requireMethod(method, "GET");
        checkpoint(res, cb);
      } else if (path.startsWith("/tile/")) {
        requireMethod(method, "GET");
        TilePath t = TilePath.parse(path.substring("/tile/".length()));
        if (t == null) {
          throw new BadRequest(404, "path", "not a tlog-tiles path (tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>])");
        }
        if (t.entries()) {
          authenticate(req, Role.READER);
        }
        tile(t, res, cb);
      } else if (path.equals("/api/v1/lineage")) {
        requireMethod(method, "POST");
        Principal p = authenticate(req, Role.WRITER);
        JsonNode body = readJson(req);
        OpenLineageEvent ev = OpenLineageEvent.parse(body);
        admitThen(res, cb, "openlineage", () -> openLineage.ingest(ev, p)
            .thenApply(o -> new Reply(o.status(), o.body(), o.status() == 201
                ? o.body().path("records").size() : 0)));
      } else if (path.equals("/v1/records")) {
        requireMethod(method, "POST");
        Principal p = authenticate(req, Role.WRITER);
        byte[] raw = readBody(req);
        JsonNode body = parse(raw);
        appendNative(req, res, cb, p, body, raw);
      } else if (path.startsWith("/v1/records/")) {
        requireMethod(method, "GET");
        authenticate(req, Role.READER);
        record(path.substring("/v1/records/".length()), res, cb);
      } else if (path.startsWith("/v1/lineage/")) {
        requireMethod(method, "GET");
        authenticate(req, Role.READER);
        // The raw path, decoded once here: references contain '/' and '+'.
        String raw = req.getHttpURI().getPath();
        lineage(org.eclipse.jetty.util.URIUtil.decodePath(raw.substring(raw.indexOf("/v1/lineage/")
            + "/v1/lineage/".length())), Request.extractQueryParameters(req), res, cb);
      } else {
        throw new BadRequest(404, "path", "no such endpoint");
      }
    } catch (BadRequest e) {
      fail(res, cb, e);
    } catch (AuthenticationException e) {
      metrics.rejected(e.forbidden() ? "forbidden" : "unauthenticated");
      if (!e.forbidden()) {
        res.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      }
      json(res, cb, e.forbidden() ? 403 : 401, error(e.getMessage(), null));
    } catch (InvalidRecordException e) {
      metrics.rejected("invalid");
      json(res, cb, 400, error(e.reason(), e.field()));
    } catch (LedgerException e) {
      json(res, cb, 500, error("ledger error: " + e.getMessage(), null));
    } catch (IOException e) {
      metrics.rejected("malformed");
      json(res, cb, 400, error("cannot read the request body: " + e.getMessage(), null));
    }
    return true;
  }

  // ---------------------------------------------------------------- auth

  private Principal authenticate(Request req, Role needed) throws AuthenticationException {
    String h = req.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (h == null) {
      throw new AuthenticationException("a bearer token is required (Authorization: Bearer ...)");
    }
    if (h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new AuthenticationException("the Authorization header must be 'Bearer TOKEN'");
    }
    Principal p = auth.authenticate(h.substring(7).strip());
    if (!p.role().permits(needed)) {
      throw new AuthenticationException(p.actor() + " has the " + p.role().name().toLowerCase()
          + " role; this needs " + needed.name().toLowerCase(), true, null);
    }
    return p;
  }

  // ---------------------------------------------------------------- writes

  /** A reply for a write, and how many records it durably appended. */
  private record Reply(int status, ObjectNode body, int appended) {}

  private interface Work {
    CompletableFuture<Reply> start() throws LedgerException, BadRequest;
  }

  private void admitThen(Response res, Callback cb, String api, Work work)
      throws LedgerException, BadRequest {
    if (!admission.tryAcquire()) {
      metrics.rejected("queue_full");
      res.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      json(res, cb, 429, error("the append queue is full (" + queueCapacity + " requests); retry after 1 s", null));
      return;
    }
    long t0 = System.nanoTime();
    CompletableFuture<Reply> f;
    try {
      f = work.start();
    } catch (LedgerException | BadRequest | RuntimeException e) {
      admission.release();
      throw e;
    }
    f.whenComplete((reply, err) -> {
      admission.release();
      if (err == null) {
        if (reply.appended() > 0) {
          metrics.appended(api, reply.appended(), System.nanoTime() - t0);
        }
        if (reply.status() >= 400) {
          metrics.rejected(reply.status() == 409 ? "conflict" : "invalid");
        }
        json(res, cb, reply.status(), reply.body());
        return;
      }
      Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      if (c instanceof InvalidRecordException ire) {
        metrics.rejected("invalid");
        json(res, cb, 400, error(ire.reason(), ire.field()));
      } else if (c instanceof BadRequest br) {
        fail(res, cb, br);
      } else {
        metrics.rejected("storage");
        json(res, cb, 503, error("not recorded: " + c.getMessage(), null));
      }
    });
  }

  private void appendNative(Request req, Response res, Callback cb, Principal p, JsonNode body,
      byte[] raw) throws BadRequest, LedgerException {
    List<RecordDraft> drafts = new ArrayList<>();
    if (body.isObject() && body.has("records")) {
      if (body.size() != 1 || !body.get("records").isArray()) {
        throw BadRequest.field("records", "a batch is {\"records\": [RECORD, ...]} and nothing else");
      }
      JsonNode a = body.get("records");
      if (a.isEmpty() || a.size() > MAX_BATCH) {
        throw BadRequest.field("records", "must hold 1.." + MAX_BATCH + " records");
      }
      for (int i = 0; i < a.size(); i++) {
        drafts.add(draft(a.get(i), p, "records[" + i + "]."));
      }
    } else {
      drafts.add(draft(body, p, ""));
    }
    String key = req.getHeaders().get("Idempotency-Key");
    if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
      throw new BadRequest(400, "Idempotency-Key", "must be 1..128 of A-Z a-z 0-9 . _ : -");
    }
    String stateName = key == null ? null : "serve/idempotency/" + p.id() + "/" + key;
    String requestHash = sha256(raw);
    admitThen(res, cb, "native", () -> {
      if (stateName != null) {
        if (idempotencyInFlight.putIfAbsent(stateName, Boolean.TRUE) != null) {
          throw new BadRequest(409, "Idempotency-Key", "a request with this key is still in progress");
        }
        java.util.Optional<String> prior;
        try {
          prior = ledger.syncState(stateName);
        } catch (LedgerException e) {
          idempotencyInFlight.remove(stateName);
          throw e;
        }
        if (prior.isPresent()) {
          idempotencyInFlight.remove(stateName);
          return CompletableFuture.completedFuture(replay(prior.get(), requestHash));
        }
      }
      return ledger.appendAllAsync(drafts).handleAsync((receipts, err) -> {
        try {
          if (err != null) {
            throw err instanceof CompletionException ce ? ce : new CompletionException(err);
          }
          ObjectNode out = F.objectNode();
          ArrayNode rs = out.putArray("receipts");
          for (Receipt r : receipts) {
            rs.addObject().put("seq", r.seq()).put("leafHash", "sha256:" + r.leafHash().hex());
          }
          if (stateName != null) {
            ObjectNode stored = F.objectNode();
            stored.put("request", requestHash);
            stored.set("response", out);
            try {
              ledger.compareAndSetSyncState(stateName, null, stored.toString());
            } catch (LedgerException e) {
              // The records are durable; only the replay memo is lost. Say so rather than fail.
              out.put("warning", "records are durable but the idempotency key was not stored: "
                  + e.getMessage());
            }
          }
          return new Reply(201, out, receipts.size());
        } finally {
          if (stateName != null) {
            idempotencyInFlight.remove(stateName);
          }
        }
      }, replies);
    });
  }

  private Reply replay(String stored, String requestHash) throws BadRequest {
    JsonNode s;
    try {
      s = mapper.readTree(stored);
    } catch (JsonProcessingException e) {
      throw new BadRequest(500, "Idempotency-Key", "the stored response for this key is unreadable");
    }
    if (!requestHash.equals(s.path("request").asText())) {
      throw new BadRequest(422, "Idempotency-Key", "this key was used for a different request body");
    }
    ObjectNode out = ((ObjectNode) s.get("response")).deepCopy();
    out.put("replayed", true);
    return new Reply(200, out, 0);
  }

  private RecordDraft draft(JsonNode n, Principal p, String prefix) throws BadRequest {
    if (!n.isObject()) {
      throw BadRequest.field(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1),
          "a record must be a JSON object {\"kind\", \"body\"}");
    }
    var it = n.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!f.equals("kind") && !f.equals("actor") && !f.equals("body")) {
        throw BadRequest.field(prefix + f, "unknown field (expected kind, body and optionally actor)");
      }
    }
    JsonNode kind = n.get("kind");
    if (kind == null || !kind.isTextual()) {
      throw BadRequest.field(prefix + "kind", kind == null ? "is required" : "must be a string");
    }
    JsonNode actor = n.get("actor");
    if (actor != null && !(actor.isTextual() && actor.textValue().equals(p.actor()))) {
      throw new BadRequest(403, prefix + "actor", "the actor is the authenticated caller ("
          + p.actor() + "); omit it or give exactly that");
    }
    JsonNode body = n.get("body");
    if (body == null) {
      throw BadRequest.field(prefix + "body", "is required");
    }
    try {
      return RecordDraft.of(kind.textValue(), p.actor(), body);
    } catch (InvalidRecordException e) {
      throw BadRequest.field(prefix + e.field(), e.reason());
    }
  }

  // ---------------------------------------------------------------- reads

  private void checkpoint(Response res, Callback cb) throws LedgerException, BadRequest {
    StoredCheckpoint cp = ledger.latestCheckpoint()
        .orElseThrow(() -> new BadRequest(404, "checkpoint", "no checkpoint has been signed yet"));
    res.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    write(res, cb, 200, cp.noteText().getBytes(StandardCharsets.UTF_8));
  }

  private void tile(TilePath t, Response res, Callback cb) throws LedgerException, BadRequest {
    // Tiles cover the latest signed checkpoint, so everything served is committed to by a
    // signature an auditor can check.
    long size = ledger.latestCheckpoint().map(StoredCheckpoint::size).orElse(0L);
    int shift = TilePath.HEIGHT * t.level();
    long available = shift >= 63 ? 0 : (size >> shift) - t.index() * TilePath.FULL;
    if (available < t.width()) {
      throw new BadRequest(404, "path", "tile " + t.path() + " is not available at tree size " + size);
    }
    byte[] out;
    if (!t.entries()) {
      out = new byte[t.width() * 32];
      for (int i = 0; i < t.width(); i++) {
        ledger.subtreeHash(shift, t.index() * TilePath.FULL + i).copyTo(out, i * 32);
      }
    } else {
      List<LedgerRecord> recs = ledger.records(new Ledger.Query(null, null, null,
          t.index() * TilePath.FULL, t.width()));
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      for (LedgerRecord r : recs) {
        byte[] c = r.canonicalBytes();
        if (c.length > 0xffff) {
          throw new BadRequest(500, "path", "record " + r.seq()
              + " is longer than the 65535 bytes an entry bundle can carry");
        }
        b.write(c.length >>> 8);
        b.write(c.length & 0xff);
        b.write(c, 0, c.length);
      }
      out = b.toByteArray();
    }
    res.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
    res.getHeaders().put(HttpHeader.CACHE_CONTROL, t.partial() ? "no-cache"
        : "public, max-age=31536000, immutable");
    write(res, cb, 200, out);
  }

  private void record(String seqText, Response res, Callback cb) throws LedgerException, BadRequest {
    long seq;
    try {
      seq = Long.parseLong(seqText);
    } catch (NumberFormatException e) {
      throw BadRequest.field("seq", "must be a sequence number");
    }
    LedgerRecord r = ledger.record(seq)
        .orElseThrow(() -> new BadRequest(404, "seq", "record " + seq + " does not exist"));
    ObjectNode out = F.objectNode();
    out.put("seq", r.seq());
    out.put("leafHash", "sha256:" + r.leafHash().hex());
    out.put("kind", r.kind());
    out.put("actor", r.actor());
    out.put("time", r.time());
    out.put("canonical", r.canonicalJson());
    out.set("body", r.body());
    json(res, cb, 200, out);
  }

  private void lineage(String ref, Fields q, Response res, Callback cb)
      throws LedgerException, BadRequest {
    String dirText = q.getValue("direction");
    LineageDirection dir;
    if (dirText == null || dirText.equals("upstream")) {
      dir = LineageDirection.UPSTREAM;
    } else if (dirText.equals("downstream")) {
      dir = LineageDirection.DOWNSTREAM;
    } else {
      throw BadRequest.field("direction", "must be upstream or downstream");
    }
    int depth = 0;
    String d = q.getValue("depth");
    if (d != null) {
      try {
        depth = Integer.parseInt(d);
      } catch (NumberFormatException e) {
        depth = -1;
      }
      if (depth < 0 || depth > 10_000) {
        throw BadRequest.field("depth", "must be 0 (unbounded) .. 10000");
      }
    }
    LedgerRecord root;
    try {
      root = ledger.resolve(ref);
    } catch (InvalidRecordException e) {
      throw new BadRequest(404, "ref", e.reason());
    }
    LineageGraph g = ledger.lineage(root.seq(), dir, depth);
    ObjectNode out = F.objectNode();
    out.put("root", g.root());
    out.put("direction", dir == LineageDirection.UPSTREAM ? "upstream" : "downstream");
    out.put("truncated", g.truncated());
    ArrayNode nodes = out.putArray("nodes");
    g.nodes().values().stream().sorted(java.util.Comparator.comparingLong(LineageGraph.Node::seq))
        .forEach(n -> {
          ObjectNode o = nodes.addObject();
          o.put("seq", n.seq());
          o.put("kind", n.kind());
          o.put("name", n.name());
          o.put("version", n.version());
          o.put("depth", n.depth());
          o.put("label", n.label());
          o.put("leafHash", "sha256:" + n.leafHash().hex());
        });
    ArrayNode links = out.putArray("links");
    for (LineageGraph.Link l : g.links()) {
      links.addObject().put("src", l.src()).put("dst", l.dst()).put("role", l.role());
    }
    json(res, cb, 200, out);
  }

  // ---------------------------------------------------------------- plumbing

  private static void requireMethod(String method, String allowed) throws BadRequest {
    if (!method.equals(allowed) && !(allowed.equals("GET") && method.equals("HEAD"))) {
      throw new BadRequest(405, "method", "use " + allowed);
    }
  }

  private byte[] readBody(Request req) throws BadRequest, IOException {
    long declared = req.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    try (InputStream in = Content.Source.asInputStream(req)) {
      if (declared > maxBody) {
        tooLarge(in, maxBody);
      }
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
      if (b.length > maxBody) {
        tooLarge(in, maxBody);
      }
      return b;
    }
  }

  /**
   * Refuses an oversized body. A modest excess is read and discarded first, so that the client,
   * still sending, receives the 413 instead of a reset connection; a larger one is cut off.
   */
  private static void tooLarge(InputStream in, long max) throws BadRequest, IOException {
    long skipped = 0;
    byte[] sink = new byte[8192];
    int n;
    while (skipped < DRAIN_LIMIT && (n = in.read(sink)) > 0) {
      skipped += n;
    }
    throw new BadRequest(413, "body", "the body is larger than " + max + " bytes");
  }

  private static final long DRAIN_LIMIT = 4L << 20;

  private JsonNode readJson(Request req) throws BadRequest, IOException {
    return parse(readBody(req));
  }

  private JsonNode parse(byte[] raw) throws BadRequest {
    if (raw.length == 0) {
      throw BadRequest.field("body", "is empty; send a JSON object");
    }
    try {
      JsonNode n = mapper.readTree(raw);
      if (n == null || !n.isObject()) {
        throw BadRequest.field("body", "must be a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      String m = e.getOriginalMessage();
      throw BadRequest.field("body", "malformed JSON at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ": "
          + (m.length() > 200 ? m.substring(0, 200) : m));
    } catch (IOException e) {
      throw BadRequest.field("body", "malformed JSON: " + e.getMessage());
    }
  }

  private void fail(Response res, Callback cb, BadRequest e) {
    metrics.rejected(switch (e.status()) {
      case 413 -> "too_large";
      case 404 -> "not_found";
      case 405 -> "method";
      case 403 -> "forbidden";
      case 409 -> "conflict";
      default -> e.getMessage().startsWith("malformed") ? "malformed" : "invalid";
    });
    json(res, cb, e.status(), error(e.getMessage(), e.field()));
  }

  private static ObjectNode error(String message, String field) {
    ObjectNode o = F.objectNode();
    o.put("error", message);
    if (field != null && !field.isEmpty()) {
      o.put("field", field);
    }
    return o;
  }

  private static void json(Response res, Callback cb, int status, ObjectNode body) {
    res.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    write(res, cb, status, (body.toString() + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void text(Response res, Callback cb, int status, String s) {
    res.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    write(res, cb, status, s.getBytes(StandardCharsets.UTF_8));
  }

  private static void write(Response res, Callback cb, int status, byte[] body) {
    res.setStatus(status);
    res.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    res.write(true, ByteBuffer.wrap(body), cb);
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
