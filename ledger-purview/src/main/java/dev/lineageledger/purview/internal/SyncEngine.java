package dev.lineageledger.purview.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerRecord;
import dev.lineageledger.purview.PlannedRequest;
import dev.lineageledger.purview.PurviewEndpoint;
import dev.lineageledger.purview.PurviewException;
import dev.lineageledger.purview.PurviewSyncOptions;
import dev.lineageledger.purview.SyncResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One sync run: records after the cursor, mapped to entities, sent in dependency (sequence)
 * order in bulk requests of whole records, the cursor advanced after each acknowledged request.
 * A request Purview rejects is split in halves until the one record it cannot take is found;
 * the records before it are acknowledged, so the cursor stops exactly at that record.
 */
public final class SyncEngine {
  private static final String BULK = "/atlas/v2/entity/bulk";

  private final Ledger ledger;
  private final PurviewSyncOptions options;
  private final AtlasHttp http;
  private final Consumer<PlannedRequest> dryRun;
  private final TypeBootstrap types;
  private final Map<EntityMapper.EntityRef, String> knownGuids = new HashMap<>();
  private final Set<String> plannedClassifications = new LinkedHashSet<>();
  private final AtomicLong placeholders = new AtomicLong();
  private final String cursorName;

  private final String fullName;
  private String cursorValue;
  private long cursor;
  private String fullValue;
  private long fullNext;
  private long fullUntil;
  /** True while replaying a full resync: acknowledged records move the full-resync cursor. */
  private boolean replaying;
  private int batches;
  private int created;
  private int updated;
  private int unchanged;

  private SyncEngine(Ledger ledger, PurviewSyncOptions options, AtlasHttp http,
      Consumer<PlannedRequest> dryRun) {
    this.ledger = ledger;
    this.options = options;
    this.http = http;
    this.dryRun = dryRun;
    this.types = http == null ? null : new TypeBootstrap(http);
    this.cursorName = cursorName(options.endpoint().baseUri().toString());
    this.fullName = fullName(options.endpoint().baseUri().toString());
  }

  /** The sync_state name of the cursor for one Purview endpoint. */
  public static String cursorName(String endpointBase) {
    return "purview " + endpointBase;
  }

  /** The next record to push, from a stored cursor value ({@code {"next":N,...}}). */
  public static long parseCursor(String value) throws LedgerException {
    if (value == null) {
      return 0;
    }
    try {
      JsonNode n = Json.parse(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      JsonNode next = n == null ? null : n.get("next");
      if (next == null || !next.canConvertToLong() || next.asLong() < 0) {
        throw new LedgerException("sync cursor is malformed: " + value);
      }
      return next.asLong();
    } catch (IOException e) {
      throw new LedgerException("sync cursor is malformed: " + value, e);
    }
  }

  public static SyncResult sync(Ledger ledger, PurviewSyncOptions o)
      throws PurviewException, LedgerException {
    return new SyncEngine(ledger, o, new AtlasHttp(o), null).run();
  }

  public static SyncResult dryRun(Ledger ledger, PurviewSyncOptions o, Consumer<PlannedRequest> out)
      throws LedgerException {
    try {
      return new SyncEngine(ledger, o, null, out).run();
    } catch (PurviewException e) {
      throw new IllegalStateException("a dry run sends nothing, so cannot fail remotely", e);
    }
  }

  private SyncResult run() throws PurviewException, LedgerException {
    // The tip is fixed at the start: records appended meanwhile go to the next sync, and the
    // "latest wins" attributes are those of this tip (EntityMapper.TipState).
    long tip = ledger.size();
    cursorValue = ledger.syncState(cursorName).orElse(null);
    cursor = Math.min(parseCursor(cursorValue), tip);
    long before = cursor;
    fullValue = ledger.syncState(fullName).orElse(null);
    long[] full = parseFull(fullValue);
    if (options.full()) {
      // A new full resync replays records 0..cursor-1 (those after the cursor follow anyway).
      full = new long[] {0, cursor};
      if (dryRun == null) {
        writeFull(full);
      }
    }
    fullNext = full[0];
    fullUntil = Math.min(full[1], cursor);
    boolean replay = fullNext < fullUntil;
    if (types != null) {
      types.ensureEntityTypes();
    } else {
      List<ObjectNode> defs = new ArrayList<>();
      TypeModel.entityTypes().forEach(t -> defs.add(t.toJson()));
      plan("POST", "/atlas/v2/types/typedefs", TypeModel.typesDef(defs, List.of()));
    }
    long from = replay ? fullNext : cursor;
    EntityMapper.TipState state = new EntityMapper.TipState();
    if (from < tip) {
      forEachUntil(from, tip, state::observe);
    }
    EntityMapper mapper = new EntityMapper(ledger.origin(), seq -> ledger.record(seq)
        .orElseThrow(() -> new LedgerException("record " + seq + " is missing")), state);
    long[] records = {0};
    long replayed = 0;
    if (replay) {
      replaying = true;
      records[0] += stream(mapper, fullNext, fullUntil);
      replayed = records[0];
      replaying = false;
    }
    records[0] += stream(mapper, cursor, tip);
    int requests = http == null ? 0 : http.calls();
    int retries = http == null ? 0 : Math.max(0, http.attempts() - http.calls());
    return new SyncResult(options.endpoint().toString(), before, dryRun != null ? before : cursor,
        records[0], replayed, batches, requests, retries, created, updated, unchanged,
        types == null ? 0 : types.created(), types == null ? 0 : types.updated());
  }

  /** Maps and sends records {@code from..until-1} in batches; returns how many there were. */
  private long stream(EntityMapper mapper, long from, long until)
      throws PurviewException, LedgerException {
    if (from >= until) {
      return 0;
    }
    List<EntityMapper.Mapped> pending = new ArrayList<>();
    int[] pendingEntities = {0};
    long[] pendingBytes = {0};
    long[] records = {0};
    PurviewException[] failure = {null};
    try {
      forEachUntil(from, until, r -> {
        EntityMapper.Mapped m = mapper.map(r);
        int n = distinct(m);
        long bytes = estimatedBytes(m);
        if (!pending.isEmpty() && (pendingEntities[0] + n > options.batchSize()
            || pendingBytes[0] + bytes > options.maxRequestBytes())) {
          flushOrStop(pending, failure);
          pending.clear();
          pendingEntities[0] = 0;
          pendingBytes[0] = 0;
        }
        pending.add(m);
        pendingEntities[0] += n;
        pendingBytes[0] += bytes;
        records[0]++;
      });
      if (!pending.isEmpty()) {
        flushOrStop(pending, failure);
      }
    } catch (StopSync s) {
      throw failure[0];
    }
    return records[0];
  }

  /** Ledger.forEach over {@code from..until-1} only. */
  private void forEachUntil(long from, long until, Ledger.RecordConsumer c) throws LedgerException {
    try {
      ledger.forEach(from, r -> {
        if (r.seq() >= until) {
          throw new EndOfRange();
        }
        c.accept(r);
      });
    } catch (EndOfRange e) {
      // Reached the end of the range.
    }
  }

  /** Thrown through Ledger.forEach at the end of a range. */
  private static final class EndOfRange extends LedgerException {
    private static final long serialVersionUID = 1L;

    EndOfRange() {
      super("end of range");
    }
  }

  /** The sync_state name of the full-resync cursor for one Purview endpoint. */
  public static String fullName(String endpointBase) {
    return "purview-full " + endpointBase;
  }

  /**
   * {@code {next, until}} of a stored full-resync cursor ({@code {"next":N,"until":U,...}}):
   * records {@code next..until-1} remain to be replayed; {@code {0,0}} when there is none.
   */
  public static long[] parseFull(String value) throws LedgerException {
    if (value == null) {
      return new long[] {0, 0};
    }
    try {
      JsonNode n = Json.parse(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      JsonNode next = n == null ? null : n.get("next");
      JsonNode until = n == null ? null : n.get("until");
      if (next == null || until == null || !next.canConvertToLong() || !until.canConvertToLong()
          || next.asLong() < 0 || until.asLong() < 0) {
        throw new LedgerException("full-resync cursor is malformed: " + value);
      }
      return new long[] {next.asLong(), until.asLong()};
    } catch (IOException e) {
      throw new LedgerException("full-resync cursor is malformed: " + value, e);
    }
  }

  private void writeFull(long[] full) throws PurviewException, LedgerException {
    ObjectNode v = Json.object();
    v.put("next", full[0]);
    v.put("until", full[1]);
    v.put("endpoint", options.endpoint().toString());
    String value = Json.write(v);
    if (!ledger.compareAndSetSyncState(fullName, fullValue, value)) {
      throw new PurviewException(PurviewException.Reason.CURSOR_MOVED, "another sync to "
          + options.endpoint() + " moved the full-resync cursor of " + ledger.location()
          + " while this one ran; run the sync again", null);
    }
    fullValue = value;
    fullNext = full[0];
  }

  /**
   * About how many bytes a record adds to a bulk request: its entities' attributes as JSON, plus
   * the object ids of references and classifications. An estimate for batching; the request
   * itself is measured before it is sent (and split if it is over the limit).
   */
  private static long estimatedBytes(EntityMapper.Mapped m) {
    long n = 0;
    for (EntityMapper.EntityUpsert u : m.upserts()) {
      n += 120 + Json.bytes(u.attributes()).length + 60L * u.classifications().size();
      for (List<EntityMapper.EntityRef> refs : u.references().values()) {
        for (EntityMapper.EntityRef r : refs) {
          n += 90 + r.typeName().length() + r.qualifiedName().length();
        }
      }
    }
    return n;
  }

  /**
   * A 5xx that says the request was too large: some front ends answer an oversize body with
   * 500/502 instead of 413. Splitting the batch helps; sending it again as it is would not.
   */
  private static final java.util.regex.Pattern OVERSIZE = java.util.regex.Pattern.compile(
      "(?i)too large|too big|request entity|payload|body size|request size|content.length"
          + "|maximum (request|body|payload)");

  static boolean oversize(AtlasHttp.Response r) {
    return r.status() == 413
        || r.status() >= 500 && OVERSIZE.matcher(r.errorMessage()).find();
  }

  private static int distinct(EntityMapper.Mapped m) {
    return (int) m.upserts().stream().map(EntityMapper.EntityUpsert::ref).distinct().count();
  }

  /** Thrown through Ledger.forEach to stop it; the PurviewException travels beside it. */
  private static final class StopSync extends LedgerException {
    private static final long serialVersionUID = 1L;

    StopSync() {
      super("sync stopped");
    }
  }

  private void flushOrStop(List<EntityMapper.Mapped> batch, PurviewException[] failure)
      throws LedgerException {
    try {
      send(new ArrayList<>(batch));
    } catch (PurviewException e) {
      failure[0] = e;
      throw new StopSync();
    }
  }

  private void send(List<EntityMapper.Mapped> batch) throws PurviewException, LedgerException {
    long last = batch.get(batch.size() - 1).seq();
    BulkRequest req = BulkRequest.build(batch, knownGuids, placeholders);
    if (req.entityCount() == 0) {
      advance(last + 1);
      return;
    }
    // Where entities go into a collection (docs/PURVIEW.md "Collections"): the data map API
    // takes ?collectionId= on /atlas/v2/entity/bulk; the classic catalog API ignores that
    // parameter and has its own operation, POST /collections/{collection}/entity/bulk.
    Map<String, String> query = new LinkedHashMap<>();
    String bulkPath = BULK;
    if (options.collection() != null && options.endpoint().isClassic()) {
      bulkPath = "/collections/" + AtlasHttp.enc(options.collection()) + "/entity/bulk";
      query.put("api-version", PurviewEndpoint.CATALOG_API_VERSION);
    } else if (options.collection() != null) {
      query.put("collectionId", options.collection());
    }
    if (http == null) {
      Set<String> fresh = new LinkedHashSet<>(req.classificationTypes());
      fresh.removeAll(plannedClassifications);
      if (!fresh.isEmpty()) {
        List<ObjectNode> defs = new ArrayList<>();
        fresh.forEach(c -> defs.add(TypeModel.classificationDef(c, c)));
        plan("POST", "/atlas/v2/types/typedefs", TypeModel.typesDef(List.of(), defs));
        plannedClassifications.addAll(fresh);
      }
      plan("POST", bulkPath, req.json(), query);
      batches++;
      return;
    }
    types.ensureClassifications(req.classificationTypes());
    byte[] body = Json.bytes(req.json());
    if (body.length > options.maxRequestBytes() && batch.size() > 1) {
      // Over the size limit: split before sending (the estimate that batched it was low).
      for (List<EntityMapper.Mapped> half : BulkRequest.halves(batch)) {
        send(half);
      }
      return;
    }
    AtlasHttp.Response r;
    try {
      r = http.send("POST", bulkPath, query, body, req.entityCount());
    } catch (PurviewException e) {
      if (e.reason() != PurviewException.Reason.UNAVAILABLE) {
        throw e;
      }
      throw new PurviewException(e.reason(), e.getMessage() + "; " + position(), e.httpStatus(),
          e.atlasErrorCode(), req.firstSeq(), e.getCause());
    }
    if (r.ok()) {
      acknowledge(req, r.body());
      advance(last + 1);
      return;
    }
    int s = r.status();
    if (oversize(r)) {
      if (batch.size() > 1) {
        // 413, or a 5xx saying the body is too large: halve it rather than send it again.
        for (List<EntityMapper.Mapped> half : BulkRequest.halves(batch)) {
          send(half);
        }
        return;
      }
      LedgerRecord rec = batch.get(0).record();
      throw new PurviewException(PurviewException.Reason.REJECTED, "Purview refused record "
          + rec.seq() + " (" + rec.label() + ") as too large: its request is " + body.length
          + " bytes; " + r.describe() + "; " + position(), s, r.errorCode(), rec.seq(), null);
    }
    if (s == 408 || s == 429 || s >= 500) {
      throw new PurviewException(PurviewException.Reason.UNAVAILABLE, "Purview kept failing"
          + " records " + req.firstSeq() + ".." + last + " after " + (options.maxRetries() + 1)
          + " attempts: " + r.describe() + "; " + position(), s, r.errorCode(),
          req.firstSeq(), null);
    }
    if (batch.size() > 1) {
      // Find the one record Purview cannot take; send the ones before it.
      for (List<EntityMapper.Mapped> half : BulkRequest.halves(batch)) {
        send(half);
      }
      return;
    }
    LedgerRecord rec = batch.get(0).record();
    throw new PurviewException(PurviewException.Reason.REJECTED, "Purview rejected record "
        + rec.seq() + " (" + rec.label() + "): " + r.describe() + "; " + position()
        + " (records before it are in Purview)", s, r.errorCode(), rec.seq(), null);
  }

  /** Where the sync stopped, for messages. */
  private String position() {
    return replaying ? "the full resync stays at record " + fullNext + " of " + fullUntil
        + " (the next sync resumes it)" : "cursor stays at " + cursor;
  }

  private void acknowledge(BulkRequest req, JsonNode body) {
    batches++;
    int c = 0;
    int u = 0;
    if (body != null) {
      JsonNode ga = body.get("guidAssignments");
      if (ga != null) {
        for (Map.Entry<String, JsonNode> e : ga.properties()) {
          EntityMapper.EntityRef ref = req.placeholders().get(e.getKey());
          if (ref != null && e.getValue().isTextual()) {
            knownGuids.put(ref, e.getValue().textValue());
          }
        }
      }
      JsonNode mutated = body.get("mutatedEntities");
      if (mutated != null) {
        c = size(mutated.get("CREATE"));
        u = size(mutated.get("UPDATE")) + size(mutated.get("PARTIAL_UPDATE"));
      }
    }
    created += c;
    updated += u;
    unchanged += Math.max(0, req.entityCount() - c - u);
  }

  private static int size(JsonNode n) {
    return n != null && n.isArray() ? n.size() : 0;
  }

  /** Moves the cursor (or while replaying, the full-resync cursor) forward, never back. */
  private void advance(long next) throws PurviewException, LedgerException {
    if (dryRun != null) {
      return;
    }
    if (replaying) {
      if (next > fullNext) {
        writeFull(new long[] {next, fullUntil});
      }
      return;
    }
    if (next <= cursor) {
      return;
    }
    ObjectNode v = Json.object();
    v.put("next", next);
    v.put("endpoint", options.endpoint().toString());
    String value = Json.write(v);
    if (!ledger.compareAndSetSyncState(cursorName, cursorValue, value)) {
      throw new PurviewException(PurviewException.Reason.CURSOR_MOVED, "another sync to "
          + options.endpoint() + " moved the cursor of " + ledger.location()
          + " while this one ran; run the sync again", null);
    }
    cursorValue = value;
    cursor = next;
  }

  private void plan(String method, String path, JsonNode body) {
    plan(method, path, body, Map.of());
  }

  private void plan(String method, String path, JsonNode body, Map<String, String> query) {
    String url = options.endpoint().baseUri() + path;
    Map<String, String> q = new LinkedHashMap<>();
    if (options.endpoint().apiVersion() != null) {
      q.put("api-version", options.endpoint().apiVersion());
    }
    q.putAll(query);
    StringBuilder b = new StringBuilder(url);
    char sep = '?';
    for (Map.Entry<String, String> e : q.entrySet()) {
      b.append(sep).append(AtlasHttp.enc(e.getKey())).append('=').append(AtlasHttp.enc(e.getValue()));
      sep = '&';
    }
    dryRun.accept(new PlannedRequest(method, b.toString(), body));
  }
}
