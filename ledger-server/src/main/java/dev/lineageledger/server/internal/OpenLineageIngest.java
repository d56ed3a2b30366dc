package dev.lineageledger.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerRecord;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.server.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps OpenLineage run events to ledger records (docs/OPENLINEAGE.md) and appends them through
 * the public {@link Ledger} API. Planning (what exists, what to create) runs under one lock and
 * only reads; appends run concurrently and group-commit in the ledger. Records being written
 * are kept in {@link #inflight} until durable, so two events naming the same new dataset, or
 * the same event delivered twice at once, create it once.
 */
public final class OpenLineageIngest {
  /** What to answer: an HTTP status and a JSON body. */
  public record Outcome(int status, ObjectNode body) {}

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private final Ledger ledger;
  private final Object planLock = new Object();
  private final Map<String, CompletableFuture<Receipt>> inflight = new ConcurrentHashMap<>();
  private final java.util.concurrent.Executor replies;
  /**
   * Records this service wrote, by reference, most recent {@value #DURABLE_CACHE} kept: lets
   * repeated inputs skip the ledger lookup, and closes the window between a lookup and the
   * planning lock (a key leaves {@link #inflight} only after it is here).
   */
  private final Map<String, Long> durable = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> e) {
          return size() > DURABLE_CACHE;
        }
      });
  private static final int DURABLE_CACHE = 100_000;

  /**
   * @param replies runs the work after a commit (receipts, JSON, the HTTP reply), so that the
   *     ledger's single writer thread, which completes the append futures, goes straight back to
   *     committing the next group
   */
  public OpenLineageIngest(Ledger ledger, java.util.concurrent.Executor replies) {
    this.ledger = ledger;
    this.replies = replies;
  }

  /** A planned reference: a fixed value (seq or in-batch ref) or a record another request writes. */
  private record Ref(JsonNode value, CompletableFuture<Receipt> pending) {
    JsonNode resolve() {
      return pending == null ? value : F.numberNode(pending.join().seq());
    }
  }

  private record Planned(String key, RecordKind kind, ObjectNode body, List<Ref> inputs,
      List<Ref> outputs) {}

  public CompletableFuture<Outcome> ingest(OpenLineageEvent ev, Principal who)
      throws LedgerException {
    if (!ev.recorded()) {
      ObjectNode b = F.objectNode();
      b.put("recorded", false);
      b.put("eventType", ev.eventType);
      b.put("reason", "only COMPLETE, FAIL and ABORT events become ledger records");
      return CompletableFuture.completedFuture(new Outcome(200, b));
    }
    String tKey = "transform:" + ev.transformName() + "@" + ev.runId;
    List<OpenLineageEvent.Dataset> all = new ArrayList<>(ev.inputs);
    if (ev.eventType.equals("COMPLETE")) {
      all.addAll(ev.outputs);
    }
    // Reads first, outside the planning lock: which of these records are stored already. A
    // record that becomes durable after this read is caught under the lock, because it is
    // in `inflight` until it is in `durable`.
    List<String> keys = new ArrayList<>();
    for (OpenLineageEvent.Dataset d : all) {
      String version = d.version();
      if (version == null) {
        if (d.output()) {
          version = "run-" + ev.runId;
        } else {
          // An unversioned input is the latest version the ledger knows at ingest time.
          Optional<LedgerRecord> latest = ledger.find("dataset:" + d.ledgerName());
          version = latest.map(r -> r.text("version")).orElse("unversioned");
        }
      }
      keys.add("dataset:" + d.ledgerName() + "@" + version);
    }
    Map<String, Long> stored = new java.util.HashMap<>();
    for (String k : keys) {
      Long seq = durable.get(k);
      if (seq == null && !stored.containsKey(k)) {
        seq = ledger.find(k).map(LedgerRecord::seq).orElse(null);
      }
      stored.put(k, seq);
    }
    Long storedRun = durable.get(tKey);
    if (storedRun == null) {
      storedRun = ledger.find(tKey).map(LedgerRecord::seq).orElse(null);
    }

    List<Planned> plan = new ArrayList<>();
    List<CompletableFuture<Receipt>> deps = new ArrayList<>();
    Map<String, CompletableFuture<Receipt>> mine = new LinkedHashMap<>();
    synchronized (planLock) {
      CompletableFuture<Receipt> other = inflight.get(tKey);
      if (other != null) {
        return other.handleAsync((r, err) -> {
          try {
            return err != null ? retryLater() : existing(ledger.record(r.seq()).orElseThrow(), ev);
          } catch (LedgerException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        }, replies);
      }
      if (storedRun == null) {
        storedRun = durable.get(tKey);
      }
      if (storedRun != null) {
        long seq = storedRun;
        return CompletableFuture.supplyAsync(() -> {
          try {
            return existing(ledger.record(seq).orElseThrow(), ev);
          } catch (LedgerException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        }, replies);
      }
      List<Ref> ins = new ArrayList<>();
      List<Ref> outs = new ArrayList<>();
      Map<String, Ref> seen = new LinkedHashMap<>();
      for (int i = 0; i < all.size(); i++) {
        OpenLineageEvent.Dataset d = all.get(i);
        String key = keys.get(i);
        Ref ref = seen.get(key);
        if (ref == null) {
          CompletableFuture<Receipt> pending = inflight.get(key);
          Long seq = stored.get(key) != null ? stored.get(key) : durable.get(key);
          if (pending != null) {
            ref = new Ref(null, pending);
            deps.add(pending);
          } else if (seq != null) {
            ref = new Ref(F.numberNode(seq), null);
          } else {
            String version = key.substring(key.lastIndexOf('@') + 1);
            plan.add(new Planned(key, RecordKind.DATASET, datasetBody(ev, d, version), null, null));
            mine.put(key, new CompletableFuture<>());
            ref = new Ref(F.textNode(key), null);
          }
          seen.put(key, ref);
        }
        (d.output() ? outs : ins).add(ref);
      }
      plan.add(new Planned(tKey, RecordKind.TRANSFORM, transformBody(ev), ins, outs));
      mine.put(tKey, new CompletableFuture<>());
      inflight.putAll(mine);
    }
    CompletableFuture<List<Receipt>> appended = CompletableFuture
        .allOf(deps.toArray(new CompletableFuture<?>[0]))
        .thenCompose(v -> {
          try {
            List<RecordDraft> drafts = new ArrayList<>();
            for (Planned p : plan) {
              ObjectNode body = p.body();
              if (p.inputs() != null) {
                body.set("inputs", refs(p.inputs()));
                if (!p.outputs().isEmpty()) {
                  body.set("outputs", refs(p.outputs()));
                }
              }
              drafts.add(RecordDraft.of(p.kind(), who.actor(), body));
            }
            return ledger.appendAllAsync(drafts);
          } catch (InvalidRecordException e) {
            return CompletableFuture.failedFuture(e);
          }
        });
    return appended.handleAsync((receipts, err) -> {
      int i = 0;
      for (Map.Entry<String, CompletableFuture<Receipt>> m : mine.entrySet()) {
        if (err == null) {
          Receipt r = receipts.get(i++);
          durable.put(m.getKey(), r.seq()); // before leaving inflight: see ingest()
          m.getValue().complete(r);
        } else {
          m.getValue().completeExceptionally(err);
        }
        inflight.remove(m.getKey(), m.getValue());
      }
      if (err != null) {
        throw err instanceof java.util.concurrent.CompletionException ce
            ? ce : new java.util.concurrent.CompletionException(err);
      }
      ObjectNode b = F.objectNode();
      b.put("recorded", true);
      b.put("duplicate", false);
      b.put("eventId", ev.eventId());
      ArrayNode recs = b.putArray("records");
      for (int k = 0; k < receipts.size(); k++) {
        ObjectNode r = recs.addObject();
        r.put("seq", receipts.get(k).seq());
        r.put("leafHash", "sha256:" + receipts.get(k).leafHash().hex());
        r.put("ref", plan.get(k).key());
      }
      return new Outcome(201, b);
    }, replies);
  }

  private static ArrayNode refs(List<Ref> refs) {
    ArrayNode a = F.arrayNode();
    for (Ref r : refs) {
      a.add(r.resolve());
    }
    return a;
  }

  private static Outcome retryLater() {
    ObjectNode b = F.objectNode();
    b.put("error", "the same run's event failed to append concurrently; retry");
    return new Outcome(503, b);
  }

  private Outcome existing(LedgerRecord r, OpenLineageEvent ev) {
    JsonNode props = r.body().path("properties").path("openlineage");
    String id = props.path("eventId").asText(null);
    ObjectNode b = F.objectNode();
    if (ev.eventId().equals(id)) {
      b.put("recorded", true);
      b.put("duplicate", true);
      b.put("eventId", ev.eventId());
      ObjectNode rec = b.putArray("records").addObject();
      rec.put("seq", r.seq());
      rec.put("leafHash", "sha256:" + r.leafHash().hex());
      rec.put("ref", "transform:" + ev.transformName() + "@" + ev.runId);
      return new Outcome(200, b);
    }
    b.put("error", "run " + ev.runId + " of job " + ev.transformName()
        + " is already recorded (record " + r.seq() + ", from a " + props.path("eventType").asText("?")
        + " event); a run has one terminal event");
    b.put("field", "run.runId");
    return new Outcome(409, b);
  }

  private static ObjectNode datasetBody(OpenLineageEvent ev, OpenLineageEvent.Dataset d,
      String version) {
    ObjectNode b = F.objectNode();
    b.put("name", d.ledgerName());
    b.put("version", version);
    b.put("uri", d.uri());
    ObjectNode props = F.objectNode();
    if (d.digest() != null) {
      b.put("digest", d.digest());
      props.put("digestKind", "content");
    } else {
      // OpenLineage carries no content digest: record a digest of the dataset's identity and
      // say so, rather than invent a content hash (docs/OPENLINEAGE.md "Digests").
      b.put("digest", "sha256:" + OpenLineageEvent.sha256Hex(
          "openlineage-dataset\n" + d.namespace() + "\n" + d.name() + "\n" + version));
      props.put("digestKind", "identity");
    }
    if (d.schemaFields() != null) {
      b.set("schema", F.objectNode().set("fields", OpenLineageEvent.copy(d.schemaFields())));
    }
    if (d.rowCount() != null && d.rowCount() <= (1L << 53)) {
      b.put("rowCount", d.rowCount());
    }
    if (d.owners() != null) {
      props.set("owners", OpenLineageEvent.copy(d.owners()));
    }
    ObjectNode ol = props.putObject("openlineage");
    ol.put("namespace", d.namespace());
    ol.put("name", d.name());
    ol.put("versionSource", d.version() != null ? "datasetVersion facet"
        : d.output() ? "run" : "latest recorded");
    ol.put("firstSeenIn", ev.eventId());
    b.set("properties", props);
    return b;
  }

  private static ObjectNode transformBody(OpenLineageEvent ev) {
    ObjectNode b = F.objectNode();
    b.put("name", ev.transformName());
    b.put("type", "other");
    b.put("codeVersion", ev.codeVersion);
    b.put("runId", ev.runId.toLowerCase(java.util.Locale.ROOT));
    if (ev.nominalStartTime != null) {
      b.put("startedAt", ev.nominalStartTime);
    }
    b.put("endedAt", ev.eventTime);
    if (ev.description != null) {
      b.put("description", ev.description);
    }
    ObjectNode props = F.objectNode();
    ObjectNode ol = ev.provenance();
    ol.put("state", ev.eventType);
    props.set("openlineage", ol);
    if (ev.jobOwners != null) {
      props.set("owners", OpenLineageEvent.copy(ev.jobOwners));
    }
    b.set("properties", props);
    return b;
  }
}
