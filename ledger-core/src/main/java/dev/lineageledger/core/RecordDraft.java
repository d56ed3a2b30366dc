package dev.lineageledger.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.internal.RecordSchema;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * A record as a caller submits it, before the ledger assigns its sequence number, time and chain
 * link. The body is deep-copied on construction, so later changes by the caller have no effect.
 *
 * <p>References to earlier records (transform {@code inputs}/{@code outputs}, approval {@code
 * subject}, deployment {@code model}...) may be given as a sequence number, a record hash ({@code
 * sha256:HEX} or 64 hex digits), or {@code kind:name@version} (latest record of that name when
 * {@code @version} is omitted). The ledger resolves them to {@code {"hash":..,"seq":..}} before
 * writing and rejects a reference that does not resolve.
 */
public final class RecordDraft {
  private final RecordKind kind;
  private final String actor;
  private final ObjectNode body;

  private RecordDraft(RecordKind kind, String actor, ObjectNode body) {
    this.kind = kind;
    this.actor = actor;
    this.body = body;
  }

  public static RecordDraft of(RecordKind kind, String actor, JsonNode body)
      throws InvalidRecordException {
    if (kind == null) {
      throw new InvalidRecordException("kind", "is required");
    }
    if (actor == null || actor.isBlank()) {
      throw new InvalidRecordException("actor", "is required");
    }
    if (RecordSchema.hasLoneSurrogate(actor)) {
      throw new InvalidRecordException("actor", "is not valid Unicode (lone surrogate)");
    }
    String problem = dev.lineageledger.core.internal.Envelope.actorProblem(actor);
    if (problem != null) {
      throw new InvalidRecordException("actor", problem);
    }
    if (body == null || !body.isObject()) {
      throw new InvalidRecordException("body", "must be a JSON object");
    }
    return new RecordDraft(kind, actor, ((ObjectNode) body).deepCopy());
  }

  public static RecordDraft of(String kind, String actor, JsonNode body)
      throws InvalidRecordException {
    return of(RecordKind.of(kind), actor, body);
  }

  /**
   * Parses {@code {"kind": ..., "actor": ..., "body": {...}}}, strictly (RFC 8785 / I-JSON
   * input rules: no duplicate keys, finite numbers, valid UTF-8).
   */
  public static RecordDraft fromJson(byte[] utf8) throws InvalidRecordException {
    JsonNode n = CanonicalJson.parse(utf8);
    if (!n.isObject()) {
      throw new InvalidRecordException("", "record must be a JSON object");
    }
    Iterator<String> names = n.fieldNames();
    while (names.hasNext()) {
      String f = names.next();
      if (!f.equals("kind") && !f.equals("actor") && !f.equals("body")) {
        throw new InvalidRecordException(
            dev.lineageledger.core.internal.RecordSchema.printable(f), "unknown top-level field (expected kind, actor, body)");
      }
    }
    JsonNode kind = n.get("kind");
    if (kind == null || !kind.isTextual()) {
      throw new InvalidRecordException("kind", kind == null ? "is required" : "must be a string");
    }
    JsonNode actor = n.get("actor");
    if (actor == null || !actor.isTextual()) {
      throw new InvalidRecordException("actor", actor == null ? "is required" : "must be a string");
    }
    JsonNode body = n.get("body");
    if (body == null) {
      throw new InvalidRecordException("body", "is required");
    }
    return of(kind.textValue(), actor.textValue(), body);
  }

  public static RecordDraft fromJson(String json) throws InvalidRecordException {
    return fromJson(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Starts a draft of {@code kind} by {@code actor}, built field by field. */
  public static Builder builder(RecordKind kind, String actor) {
    return new Builder(kind, actor);
  }

  public RecordKind kind() {
    return kind;
  }

  public String actor() {
    return actor;
  }

  /** A copy of the body. */
  public ObjectNode body() {
    return body.deepCopy();
  }

  /** The body without copying; internal callers must not modify it. */
  ObjectNode bodyNoCopy() {
    return body;
  }

  /** Field-by-field construction of a draft body. Values are Java strings, numbers, booleans, lists, maps or JsonNodes. */
  public static final class Builder {
    private final RecordKind kind;
    private final String actor;
    private final ObjectNode body = JsonNodeFactory.instance.objectNode();

    private Builder(RecordKind kind, String actor) {
      this.kind = kind;
      this.actor = actor;
    }

    public Builder put(String field, Object value) {
      body.set(field, toNode(value));
      return this;
    }

    public RecordDraft build() throws InvalidRecordException {
      return RecordDraft.of(kind, actor, body);
    }

    private static JsonNode toNode(Object v) {
      JsonNodeFactory f = JsonNodeFactory.instance;
      if (v == null) {
        return f.nullNode();
      } else if (v instanceof JsonNode j) {
        return j.deepCopy();
      } else if (v instanceof String s) {
        return f.textNode(s);
      } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
        return f.numberNode(((Number) v).longValue());
      } else if (v instanceof Number n) {
        return f.numberNode(n.doubleValue());
      } else if (v instanceof Boolean b) {
        return f.booleanNode(b);
      } else if (v instanceof Receipt r) {
        return f.numberNode(r.seq());
      } else if (v instanceof Collection<?> c) {
        ArrayNode a = f.arrayNode();
        for (Object o : c) {
          a.add(toNode(o));
        }
        return a;
      } else if (v instanceof Map<?, ?> m) {
        ObjectNode o = f.objectNode();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          o.set(String.valueOf(e.getKey()), toNode(e.getValue()));
        }
        return o;
      }
      throw new IllegalArgumentException("unsupported value type " + v.getClass().getName());
    }
  }

  @Override
  public String toString() {
    return "RecordDraft[" + kind + " by " + actor + "]";
  }
}
