package dev.lineageledger.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated OpenLineage 1.x RunEvent (https://openlineage.io/spec/2-0-2/OpenLineage.json,
 * {@code RunEvent}), reduced to what docs/OPENLINEAGE.md maps into ledger records. Validation
 * happens entirely here, before anything is written, so a bad event writes nothing.
 */
public final class OpenLineageEvent {
  static final Set<String> TYPES = Set.of("START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER");
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern DIGEST = Pattern.compile(
      "(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})");
  private static final Pattern TIMESTAMP = Pattern.compile(
      "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");
  private static final int MAX_DATASETS = 1000;

  /** A dataset as the event names it, with the facets the ledger keeps. */
  public record Dataset(String namespace, String name, String version, String digest,
      JsonNode schemaFields, JsonNode owners, Long rowCount, boolean output) {
    /** The ledger record name: {@code namespace/name}, unique across OpenLineage namespaces. */
    public String ledgerName() {
      return namespace + "/" + name;
    }

    /** An absolute URI: the namespace when it is one (s3://bucket), else openlineage:NS/NAME. */
    public String uri() {
      if (namespace.contains("://")) {
        return namespace + (name.startsWith("/") || namespace.endsWith("/") ? "" : "/") + name;
      }
      return "openlineage:" + namespace + "/" + name;
    }
  }

  public final String eventType;
  public final String eventTime;
  public final String runId;
  public final String jobNamespace;
  public final String jobName;
  public final String producer;
  public final String codeVersion;
  public final String description;
  public final JsonNode jobOwners;
  public final String nominalStartTime;
  public final List<Dataset> inputs;
  public final List<Dataset> outputs;

  private OpenLineageEvent(JsonNode e) throws BadRequest {
    if (!e.isObject()) {
      throw BadRequest.field("", "an OpenLineage event must be a JSON object");
    }
    JsonNode type = e.get("eventType");
    if (type == null || type.isNull()) {
      eventType = "OTHER"; // optional in the spec: a run-state-less event
    } else if (!type.isTextual() || !TYPES.contains(type.textValue())) {
      throw BadRequest.field("eventType", "must be one of " + new java.util.TreeSet<>(TYPES));
    } else {
      eventType = type.textValue();
    }
    eventTime = text(e, "eventTime", true, 64);
    eventInstant = instant(eventTime, "eventTime");
    producer = text(e, "producer", true, 2048);
    JsonNode run = object(e, "run", true);
    String rid = text(run, "runId", true, 64, "run.runId");
    runId = rid.toLowerCase(Locale.ROOT);
    if (!UUID.matcher(runId).matches()) {
      throw BadRequest.field("run.runId", "must be a UUID");
    }
    JsonNode job = object(e, "job", true);
    jobNamespace = text(job, "namespace", true, 512, "job.namespace");
    jobName = text(job, "name", true, 512, "job.name");
    if ((jobNamespace + "/" + jobName).length() > 256) {
      throw BadRequest.field("job.name", "namespace/name must be at most 256 characters");
    }
    JsonNode jobFacets = object(job, "facets", false);
    JsonNode runFacets = object(run, "facets", false);
    String cv = null;
    JsonNode scl = jobFacets == null ? null : jobFacets.get("sourceCodeLocation");
    if (scl != null && scl.isObject()) {
      String v = optText(scl, "version");
      String url = optText(scl, "url");
      cv = v != null ? (url != null ? url + "@" + v : v) : url;
    }
    codeVersion = cv == null ? "unknown" : clip(cv, 1024);
    JsonNode doc = jobFacets == null ? null : jobFacets.get("documentation");
    description = doc != null && doc.isObject() ? clipNull(optText(doc, "description"), 8192) : null;
    JsonNode own = jobFacets == null ? null : jobFacets.get("ownership");
    jobOwners = own != null && own.isObject() && own.get("owners") != null
        && own.get("owners").isArray() ? own.get("owners") : null;
    JsonNode nominal = runFacets == null ? null : runFacets.get("nominalTime");
    String start = nominal != null && nominal.isObject() ? optText(nominal, "nominalStartTime") : null;
    nominalStartTime = start != null && TIMESTAMP.matcher(start).matches() ? start : null;
    inputs = datasets(e, "inputs", false);
    outputs = datasets(e, "outputs", true);
  }

  /** Validates {@code event}; throws a 400 naming the first bad field. */
  public static OpenLineageEvent parse(JsonNode event) throws BadRequest {
    return new OpenLineageEvent(event);
  }

  /** Whether this event becomes a ledger record (a terminal run state). */
  public boolean recorded() {
    return eventType.equals("COMPLETE") || eventType.equals("FAIL") || eventType.equals("ABORT");
  }

  /** The ledger transform name: {@code namespace/name} of the job. */
  public String transformName() {
    return jobNamespace + "/" + jobName;
  }

  /**
   * The event's identity: SHA-256 over runId, eventType and eventTime (normalised to an
   * instant), so the same event delivered twice is recognised whatever its JSON formatting.
   */
  public String eventId() {
    String id = eventId;
    if (id == null) {
      id = "sha256:" + sha256Hex(runId + "\n" + eventType + "\n" + eventInstant);
      eventId = id; // a String: safe to publish racily, and every thread computes the same
    }
    return id;
  }

  private final String eventInstant;
  private String eventId;

  static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static List<Dataset> datasets(JsonNode e, String field, boolean output) throws BadRequest {
    JsonNode a = e.get(field);
    List<Dataset> out = new ArrayList<>();
    if (a == null || a.isNull()) {
      return out;
    }
    if (!a.isArray()) {
      throw BadRequest.field(field, "must be an array");
    }
    if (a.size() > MAX_DATASETS) {
      throw BadRequest.field(field, "has more than " + MAX_DATASETS + " datasets");
    }
    for (int i = 0; i < a.size(); i++) {
      String p = field + "[" + i + "]";
      JsonNode d = a.get(i);
      if (!d.isObject()) {
        throw BadRequest.field(p, "must be an object");
      }
      String ns = text(d, "namespace", true, 512, p + ".namespace");
      String name = text(d, "name", true, 1024, p + ".name");
      if ((ns + "/" + name).length() > 256) {
        throw BadRequest.field(p + ".name", "namespace/name must be at most 256 characters");
      }
      if (name.indexOf('@') >= 0 || ns.indexOf('@') >= 0) {
        throw BadRequest.field(p + ".name", "must not contain '@' (it separates name and version in ledger references)");
      }
      JsonNode facets = object(d, "facets", false, p + ".facets");
      String version = null;
      String digest = null;
      JsonNode fields = null;
      JsonNode owners = null;
      if (facets != null) {
        JsonNode v = facets.get("version");
        if (v != null && v.isObject() && v.get("datasetVersion") != null) {
          version = text(v, "datasetVersion", true, 128, p + ".facets.version.datasetVersion");
          if (version.indexOf('@') >= 0) {
            throw BadRequest.field(p + ".facets.version.datasetVersion", "must not contain '@'");
          }
        }
        JsonNode cd = facets.get("contentDigest");
        if (cd != null && cd.isObject()) {
          digest = text(cd, "digest", true, 200, p + ".facets.contentDigest.digest");
          if (!DIGEST.matcher(digest).matches()) {
            throw BadRequest.field(p + ".facets.contentDigest.digest",
                "must be sha256:, sha384: or sha512: followed by lowercase hex");
          }
        }
        JsonNode s = facets.get("schema");
        if (s != null && s.isObject() && s.get("fields") != null) {
          if (!s.get("fields").isArray()) {
            throw BadRequest.field(p + ".facets.schema.fields", "must be an array");
          }
          fields = s.get("fields");
        }
        JsonNode o = facets.get("ownership");
        if (o != null && o.isObject() && o.get("owners") != null) {
          if (!o.get("owners").isArray()) {
            throw BadRequest.field(p + ".facets.ownership.owners", "must be an array");
          }
          owners = o.get("owners");
        }
      }
      Long rows = null;
      JsonNode of = d.get("outputFacets");
      if (output && of != null && of.isObject()) {
        JsonNode st = of.get("outputStatistics");
        if (st != null && st.isObject() && st.get("rowCount") != null) {
          JsonNode rc = st.get("rowCount");
          if (!rc.canConvertToExactIntegral() || rc.asLong() < 0) {
            throw BadRequest.field(p + ".outputFacets.outputStatistics.rowCount",
                "must be a non-negative integer");
          }
          rows = rc.asLong();
        }
      }
      out.add(new Dataset(ns, name, version, digest, fields, owners, rows, output));
    }
    return out;
  }

  private static JsonNode object(JsonNode n, String f, boolean required) throws BadRequest {
    return object(n, f, required, f);
  }

  private static JsonNode object(JsonNode n, String f, boolean required, String path) throws BadRequest {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      if (required) {
        throw BadRequest.field(path, "is required");
      }
      return null;
    }
    if (!v.isObject()) {
      throw BadRequest.field(path, "must be an object");
    }
    return v;
  }

  private static String text(JsonNode n, String f, boolean required, int max) throws BadRequest {
    return text(n, f, required, max, f);
  }

  private static String text(JsonNode n, String f, boolean required, int max, String path)
      throws BadRequest {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      if (required) {
        throw BadRequest.field(path, "is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw BadRequest.field(path, "must be a string");
    }
    String s = v.textValue();
    if (s.isBlank()) {
      throw BadRequest.field(path, "must not be empty");
    }
    if (s.length() > max) {
      throw BadRequest.field(path, "must be at most " + max + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw BadRequest.field(path, "must not contain control characters");
      }
    }
    return s;
  }

  /** Checks {@code eventTime} and answers it as the instant it names (ISO 8601, UTC). */
  private static String instant(String s, String f) throws BadRequest {
    if (!TIMESTAMP.matcher(s).matches()) {
      throw BadRequest.field(f, "must be an ISO 8601 date-time with a time zone, e.g. 2026-11-30T01:02:03.456Z");
    }
    try {
      return OffsetDateTime.parse(s).toInstant().toString();
    } catch (DateTimeParseException ex) {
      throw BadRequest.field(f, "is not a valid date-time");
    }
  }

  private static String optText(JsonNode n, String f) {
    JsonNode v = n.get(f);
    return v != null && v.isTextual() && !v.textValue().isBlank() ? v.textValue() : null;
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static String clipNull(String s, int max) {
    return s == null ? null : clip(s, max);
  }

  /** properties.openlineage of every record this event produces. */
  ObjectNode provenance() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("eventId", eventId());
    o.put("eventType", eventType);
    o.put("eventTime", eventTime);
    o.put("producer", producer);
    o.put("jobNamespace", jobNamespace);
    o.put("jobName", jobName);
    o.put("runId", runId);
    return o;
  }

  static ArrayNode copy(JsonNode a) {
    return ((ArrayNode) a).deepCopy();
  }
}
