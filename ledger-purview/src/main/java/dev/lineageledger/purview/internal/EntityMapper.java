package dev.lineageledger.purview.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerRecord;
import dev.lineageledger.purview.QualifiedNames;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps ledger records to Atlas entity upserts (docs/PURVIEW.md "Mapping"). Deterministic: the
 * same record always maps to the same entities, named only from ledger identity.
 */
public final class EntityMapper {
  /** Reads an earlier record; references always point backwards. */
  @FunctionalInterface
  public interface RecordLookup {
    LedgerRecord record(long seq) throws LedgerException;
  }

  /** An entity named by type and qualifiedName. */
  public record EntityRef(String typeName, String qualifiedName) {}

  /**
   * One entity to create or update: its plain attributes (qualifiedName included), its
   * references to other entities by attribute, and its classifications.
   */
  public record EntityUpsert(EntityRef ref, ObjectNode attributes,
      Map<String, List<EntityRef>> references, List<String> classifications) {}

  /** The entities one record maps to (none for an approval of something without an entity). */
  public record Mapped(LedgerRecord record, List<EntityUpsert> upserts) {
    public long seq() {
      return record.seq();
    }
  }

  /**
   * The ledger's state at the tip for the "latest wins" attributes: the latest approval of each
   * subject and the latest deployment to each target. Every entity is sent with these, not with
   * the state at the record being sent, so replaying old records (a full resync, a resumed sync)
   * never shows Purview an older state than it had.
   */
  public static final class TipState {
    private final Map<Long, Long> latestApproval = new java.util.HashMap<>();
    private final Map<String, Long> latestDeployment = new java.util.HashMap<>();

    /** Notes one record; records must come in sequence order. */
    public void observe(LedgerRecord r) {
      if (r.kind().equals("approval")) {
        JsonNode s = r.body().path("subject").get("seq");
        if (s != null && s.canConvertToLong()) {
          latestApproval.put(s.asLong(), r.seq());
        }
      } else if (r.kind().equals("deployment")) {
        String t = Json.text(r.body(), "target");
        if (t != null) {
          latestDeployment.put(t, r.seq());
        }
      }
    }
  }

  private final String origin;
  private final RecordLookup lookup;
  private final TipState tip;
  private final Map<Long, LedgerRecord> cache = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, LedgerRecord> e) {
      return size() > 4096;
    }
  };

  /** A mapper that knows no later records than the one it maps (for reading back). */
  public EntityMapper(String origin, RecordLookup lookup) {
    this(origin, lookup, new TipState());
  }

  /**
   * A mapper whose "latest wins" attributes come from {@code tip}, which must have observed
   * every record from the first one mapped to the ledger's tip.
   */
  public EntityMapper(String origin, RecordLookup lookup, TipState tip) {
    this.origin = origin;
    this.lookup = lookup;
    this.tip = tip;
  }

  /** The latest approval of {@code subject} at the tip, or {@code atLeast} if later, or null. */
  private LedgerRecord latestApproval(long subject, LedgerRecord atLeast) throws LedgerException {
    Long s = tip.latestApproval.get(subject);
    if (atLeast != null && (s == null || atLeast.seq() > s)) {
      return atLeast;
    }
    return s == null ? null : get(s);
  }

  public Mapped map(LedgerRecord r) throws LedgerException {
    cache.put(r.seq(), r);
    return new Mapped(r, switch (r.kind()) {
      case "dataset" -> List.of(dataset(r));
      case "model" -> List.of(model(r));
      case "transform" -> List.of(transform(r));
      case "deployment" -> deployment(r);
      case "approval" -> approval(r);
      default -> List.of(custom(r));
    });
  }

  /** The entity that stands for record {@code seq}, or null if it has none (approvals). */
  public EntityRef entityOf(long seq) throws LedgerException {
    LedgerRecord r = get(seq);
    String qn = QualifiedNames.record(origin, seq);
    return switch (r.kind()) {
      case "dataset" -> new EntityRef(TypeModel.DATASET_VERSION, qn);
      case "model" -> new EntityRef(TypeModel.MODEL_VERSION, qn);
      case "transform" -> new EntityRef(TypeModel.transformType(r.text("type")), qn);
      case "deployment" -> new EntityRef(TypeModel.DEPLOYMENT, qn);
      case "approval" -> null;
      default -> new EntityRef(isCustomProcess(r) ? TypeModel.CUSTOM_PROCESS
          : TypeModel.CUSTOM_DATASET, qn);
    };
  }

  private LedgerRecord get(long seq) throws LedgerException {
    LedgerRecord r = cache.get(seq);
    if (r == null) {
      r = lookup.record(seq);
      cache.put(seq, r);
    }
    return r;
  }

  private static boolean isCustomProcess(LedgerRecord r) {
    return r.body().has("inputs") || r.body().has("outputs");
  }

  private ObjectNode base(LedgerRecord r, String name) throws LedgerException {
    ObjectNode a = Json.object();
    a.put("qualifiedName", QualifiedNames.record(origin, r.seq()));
    a.put("name", name);
    ledgerAttrs(a, r);
    return a;
  }

  /** The latest approval of record {@code r} at the tip, if any, on its entity. */
  private ObjectNode withApproval(ObjectNode a, LedgerRecord r) throws LedgerException {
    LedgerRecord approval = latestApproval(r.seq(), null);
    if (approval != null) {
      approvalAttrs(a, approval);
    }
    return a;
  }

  private void ledgerAttrs(ObjectNode a, LedgerRecord r) {
    a.put("ledgerOrigin", origin);
    a.put("ledgerSeq", r.seq());
    a.put("recordHash", "sha256:" + r.leafHash().hex());
    a.put("recordKind", r.kind());
    a.put("recordedBy", r.actor());
    Long t = epochMillis(r.time());
    if (t != null) {
      a.put("recordedAt", t);
    }
  }

  private static Long epochMillis(String rfc3339) {
    if (rfc3339 == null) {
      return null;
    }
    try {
      return Instant.parse(rfc3339).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(rfc3339).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static void copyText(ObjectNode to, String toField, JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v != null && v.isTextual()) {
      to.put(toField, v.textValue());
    }
  }

  /** Free-form JSON goes to Purview as its RFC 8785 text. */
  private static void copyJson(ObjectNode to, String toField, JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v != null && !v.isNull()) {
      to.put(toField, new String(CanonicalJson.canonicalize(v), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static void copyMetrics(ObjectNode to, JsonNode body) {
    JsonNode m = body.get("metrics");
    if (m != null && m.isObject() && m.size() > 0) {
      ObjectNode out = to.putObject("metrics");
      for (Map.Entry<String, JsonNode> e : m.properties()) {
        out.put(e.getKey(), e.getValue().asDouble());
      }
    }
  }

  private static String nameAt(JsonNode body, String name, String version) {
    String n = Json.text(body, name);
    String v = Json.text(body, version);
    return v == null ? n : n + "@" + v;
  }

  private EntityUpsert dataset(LedgerRecord r) throws LedgerException {
    JsonNode b = r.body();
    ObjectNode a = base(r, nameAt(b, "name", "version"));
    copyText(a, "datasetName", b, "name");
    copyText(a, "datasetVersion", b, "version");
    copyText(a, "uri", b, "uri");
    copyText(a, "contentDigest", b, "digest");
    copyText(a, "description", b, "description");
    JsonNode rows = b.get("rowCount");
    if (rows != null && rows.isNumber()) {
      a.put("rowCount", rows.asLong());
    }
    copyJson(a, "schema", b, "schema");
    copyJson(a, "properties", b, "properties");
    List<String> classes = new ArrayList<>();
    JsonNode c = b.get("classifications");
    if (c != null && c.isArray()) {
      c.forEach(x -> {
        String t = TypeModel.classificationType(x.asText());
        if (!classes.contains(t)) {
          classes.add(t);
        }
      });
    }
    return new EntityUpsert(new EntityRef(TypeModel.DATASET_VERSION, a.get("qualifiedName").textValue()),
        withApproval(a, r), Map.of(), List.copyOf(classes));
  }

  private EntityUpsert model(LedgerRecord r) throws LedgerException {
    JsonNode b = r.body();
    ObjectNode a = base(r, nameAt(b, "name", "version"));
    copyText(a, "modelName", b, "name");
    copyText(a, "modelVersion", b, "version");
    copyText(a, "artifactDigest", b, "digest");
    copyText(a, "framework", b, "framework");
    copyText(a, "uri", b, "uri");
    copyText(a, "description", b, "description");
    copyMetrics(a, b);
    copyJson(a, "properties", b, "properties");
    return new EntityUpsert(new EntityRef(TypeModel.MODEL_VERSION, a.get("qualifiedName").textValue()),
        withApproval(a, r), Map.of(), List.of());
  }

  private EntityUpsert transform(LedgerRecord r) throws LedgerException {
    JsonNode b = r.body();
    ObjectNode a = base(r, Json.text(b, "name") + " " + Json.text(b, "runId"));
    copyText(a, "transformType", b, "type");
    copyText(a, "runId", b, "runId");
    copyText(a, "codeVersion", b, "codeVersion");
    copyText(a, "description", b, "description");
    copyJson(a, "parameters", b, "parameters");
    copyMetrics(a, b);
    Long started = epochMillis(Json.text(b, "startedAt"));
    Long ended = epochMillis(Json.text(b, "endedAt"));
    if (started != null) {
      a.put("startedAt", started);
    }
    if (ended != null) {
      a.put("endedAt", ended);
    }
    copyJson(a, "properties", b, "properties");
    return new EntityUpsert(new EntityRef(TypeModel.transformType(Json.text(b, "type")),
        a.get("qualifiedName").textValue()), withApproval(a, r), inputsOutputs(b), List.of());
  }

  /**
   * Lineage edges: references to records whose entities are DataSets. A reference to a
   * transform, deployment or approval is not a DataSet in Atlas, so it stays only in the ledger.
   */
  private Map<String, List<EntityRef>> inputsOutputs(JsonNode b) throws LedgerException {
    Map<String, List<EntityRef>> refs = new LinkedHashMap<>();
    for (String role : List.of("inputs", "outputs")) {
      List<EntityRef> l = new ArrayList<>();
      JsonNode arr = b.get(role);
      if (arr != null && arr.isArray()) {
        for (JsonNode ref : arr) {
          JsonNode seq = ref.get("seq");
          if (seq == null || !seq.canConvertToLong()) {
            continue;
          }
          EntityRef e = entityOf(seq.asLong());
          if (e != null && TypeModel.DATASET_TYPES.contains(e.typeName()) && !l.contains(e)) {
            l.add(e);
          }
        }
      }
      refs.put(role, List.copyOf(l));
    }
    return refs;
  }

  private List<EntityUpsert> deployment(LedgerRecord r) throws LedgerException {
    JsonNode b = r.body();
    String target = Json.text(b, "target");
    String action = Json.text(b, "action");
    long modelSeq = b.get("model").get("seq").asLong();
    EntityRef model = entityOf(modelSeq);
    LedgerRecord modelRecord = get(modelSeq);
    EntityRef targetRef = new EntityRef(TypeModel.DEPLOYMENT_TARGET,
        QualifiedNames.deploymentTarget(origin, target));

    ObjectNode d = base(r, action + " " + nameAt(modelRecord.body(), "name", "version") + " to " + target);
    d.put("action", action);
    d.put("target", target);
    copyText(d, "environment", b, "environment");
    copyText(d, "description", b, "comment");
    JsonNode replaces = b.get("replaces");
    if (replaces != null && replaces.has("seq")) {
      d.put("replacesDeployment", QualifiedNames.record(origin, replaces.get("seq").asLong()));
    }
    JsonNode approval = b.get("approval");
    if (approval != null && approval.has("seq")) {
      approvalAttrs(d, get(approval.get("seq").asLong()));
    }
    withApproval(d, r);
    Map<String, List<EntityRef>> refs = new LinkedHashMap<>();
    refs.put("inputs", List.of(model));
    refs.put("outputs", List.of(targetRef));
    return List.of(new EntityUpsert(targetRef, target(target, r), Map.of(), List.of()),
        new EntityUpsert(new EntityRef(TypeModel.DEPLOYMENT, d.get("qualifiedName").textValue()),
            d, refs, List.of()));
  }

  /**
   * A deployment target as the latest deployment to it at the tip left it (or {@code r}, if
   * later): what it serves now, not what it served when {@code r} was recorded.
   */
  private ObjectNode target(String target, LedgerRecord r) throws LedgerException {
    Long s = tip.latestDeployment.get(target);
    LedgerRecord latest = s == null || s < r.seq() ? r : get(s);
    JsonNode b = latest.body();
    String action = Json.text(b, "action");
    ObjectNode t = Json.object();
    t.put("qualifiedName", QualifiedNames.deploymentTarget(origin, target));
    t.put("name", target);
    t.put("target", target);
    copyText(t, "environment", b, "environment");
    t.put("lastAction", action);
    if ("retire".equals(action)) {
      t.putNull("servingModel");
    } else {
      t.put("servingModel", entityOf(b.get("model").get("seq").asLong()).qualifiedName());
    }
    ledgerAttrs(t, latest);
    return t;
  }

  private static void approvalAttrs(ObjectNode a, LedgerRecord approval) {
    JsonNode b = approval.body();
    copyText(a, "approvalDecision", b, "decision");
    copyText(a, "approvedBy", b, "approver");
    a.put("approvalSeq", approval.seq());
    a.put("approvalRecordHash", "sha256:" + approval.leafHash().hex());
    JsonNode c = b.get("comment");
    if (c != null && c.isTextual()) {
      a.put("approvalComment", c.textValue());
    } else {
      a.putNull("approvalComment");
    }
  }

  /** An approval re-states its subject's entity with the decision attached. */
  private List<EntityUpsert> approval(LedgerRecord r) throws LedgerException {
    long subjectSeq = r.body().get("subject").get("seq").asLong();
    LedgerRecord subject = get(subjectSeq);
    if (subject.kind().equals("approval")) {
      return List.of();
    }
    List<EntityUpsert> subjectEntities = map(subject).upserts();
    EntityUpsert main = subjectEntities.get(subjectEntities.size() - 1);
    ObjectNode a = main.attributes().deepCopy();
    // The latest approval of the subject at the tip wins, which is this one or a later one.
    approvalAttrs(a, latestApproval(subjectSeq, r));
    return List.of(new EntityUpsert(main.ref(), a, main.references(), main.classifications()));
  }

  private EntityUpsert custom(LedgerRecord r) throws LedgerException {
    JsonNode b = r.body();
    String name = Json.text(b, "name");
    ObjectNode a = withApproval(base(r, name == null ? r.kind() + " #" + r.seq()
        : nameAt(b, "name", "version")), r);
    a.put("customKind", r.kind());
    a.put("body", new String(CanonicalJson.canonicalize(b), java.nio.charset.StandardCharsets.UTF_8));
    boolean process = isCustomProcess(r);
    return new EntityUpsert(new EntityRef(process ? TypeModel.CUSTOM_PROCESS : TypeModel.CUSTOM_DATASET,
        a.get("qualifiedName").textValue()), a, process ? inputsOutputs(b) : Map.of(), List.of());
  }
}
