package dev.lineageledger.purview.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Entities as Atlas keeps them: upserted by (typeName, qualifiedName), validated against the
 * type registry, references resolved like Atlas's entity graph discovery (placeholder GUIDs only
 * within one request, real GUIDs, or typeName + uniqueAttributes of stored entities), and every
 * request applied all-or-nothing. Not thread-safe; the emulator serialises access.
 */
final class EntityStore {
  private final TypeRegistry types;
  private final Map<String, ObjectNode> byGuid = new LinkedHashMap<>();
  private final Map<String, String> byUnique = new HashMap<>();

  EntityStore(TypeRegistry types) {
    this.types = types;
  }

  int size() {
    return byGuid.size();
  }

  List<ObjectNode> all() {
    return new ArrayList<>(byGuid.values());
  }

  ObjectNode byGuid(String guid) {
    return byGuid.get(guid);
  }

  /** The stored entity of {@code type} (or a subtype) with that qualifiedName. */
  ObjectNode byQualifiedName(String type, String qualifiedName) {
    String g = byUnique.get(type + '\u0000' + qualifiedName);
    if (g != null) {
      return byGuid.get(g);
    }
    for (ObjectNode e : byGuid.values()) {
      if (types.isA(e.get("typeName").asText(), type)
          && qualifiedName.equals(e.path("attributes").path("qualifiedName").asText(null))) {
        return e;
      }
    }
    return null;
  }

  /** {@code POST /entity/bulk}: returns the EntityMutationResponse. */
  ObjectNode bulk(JsonNode request, String collectionId) throws AtlasError {
    JsonNode list = request == null ? null : request.get("entities");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw AtlasError.invalidParameters("no entities to create/update.");
    }
    // 1. Shape and type checks, and this request's placeholders.
    Map<String, ObjectNode> placeholders = new LinkedHashMap<>();
    List<ObjectNode> entities = new ArrayList<>();
    for (JsonNode n : list) {
      if (!n.isObject()) {
        throw AtlasError.invalidParameters("entity is not an object");
      }
      ObjectNode e = (ObjectNode) n;
      String type = Json.text(e, "typeName");
      if (type == null || !types.isEntity(type)) {
        throw AtlasError.typeNameInvalid("ENTITY", String.valueOf(type));
      }
      String guid = Json.text(e, "guid");
      if (guid != null && isPlaceholder(guid)) {
        placeholders.put(guid, e);
      } else if (guid != null && !byGuid.containsKey(guid)) {
        throw AtlasError.instanceGuidNotFound(guid);
      }
      entities.add(e);
    }
    // 2. Attribute validation (Atlas's validateValue) and reference resolution.
    Map<ObjectNode, Map<String, JsonNode>> resolvedRefs = new HashMap<>();
    for (ObjectNode e : entities) {
      resolvedRefs.put(e, validate(e, placeholders));
      for (JsonNode c : e.path("classifications")) {
        String cn = Json.text(c, "typeName");
        if (cn == null || !types.isClassification(cn)) {
          throw AtlasError.classificationNotFound(String.valueOf(cn));
        }
        String et = e.get("typeName").asText();
        if (!types.canClassify(cn, et)) {
          throw AtlasError.invalidEntityForClassification(String.valueOf(Json.text(e, "guid")),
              et, cn);
        }
      }
    }
    // 3. Apply: upsert by unique attribute; placeholders get GUIDs.
    Map<String, String> assigned = new LinkedHashMap<>();
    Map<String, String> sameRequest = new HashMap<>();
    for (ObjectNode e : entities) {
      String guid = Json.text(e, "guid");
      String existing = guid != null && !isPlaceholder(guid) ? guid : existingGuid(e);
      String k = e.get("typeName").asText() + '\u0000'
          + e.path("attributes").path("qualifiedName").asText("");
      String real = existing != null ? existing
          : sameRequest.computeIfAbsent(k, x -> UUID.randomUUID().toString());
      if (guid != null && isPlaceholder(guid)) {
        assigned.put(guid, real);
      }
    }
    ObjectNode response = Json.object();
    ObjectNode mutated = Json.object();
    ArrayNode created = Json.array();
    ArrayNode updated = Json.array();
    long now = System.currentTimeMillis();
    for (ObjectNode e : entities) {
      String guid = Json.text(e, "guid");
      String real = guid == null ? existingGuid(e) : assigned.getOrDefault(guid, guid);
      ObjectNode attrs = attributesToStore(e, resolvedRefs.get(e), assigned, placeholders);
      ObjectNode old = real == null ? null : byGuid.get(real);
      if (old == null) {
        if (real == null) {
          real = UUID.randomUUID().toString();
        }
        ObjectNode stored = Json.object();
        stored.put("typeName", e.get("typeName").asText());
        stored.put("guid", real);
        stored.put("status", "ACTIVE");
        stored.set("attributes", attrs);
        ArrayNode cs = stored.putArray("classifications");
        for (JsonNode c : e.path("classifications")) {
          ObjectNode sc = cs.addObject();
          sc.put("typeName", c.get("typeName").asText());
          sc.put("entityGuid", real);
          sc.put("entityStatus", "ACTIVE");
          sc.put("propagate", true);
          sc.put("removePropagationsOnEntityDelete", false);
        }
        stored.put("createTime", now);
        stored.put("updateTime", now);
        stored.put("createdBy", "emulator");
        stored.put("updatedBy", "emulator");
        stored.put("version", 0);
        stored.put("lastModifiedTS", "1");
        if (collectionId != null) {
          stored.put("collectionId", collectionId);
        }
        stored.putObject("relationshipAttributes");
        byGuid.put(real, stored);
        byUnique.put(key(stored), real);
        created.add(header(stored));
      } else {
        ObjectNode oldAttrs = (ObjectNode) old.get("attributes");
        boolean changed = false;
        for (Map.Entry<String, JsonNode> a : attrs.properties()) {
          JsonNode before = oldAttrs.get(a.getKey());
          boolean same = before == null ? a.getValue().isNull() : before.equals(a.getValue());
          if (!same) {
            changed = true;
            if (a.getValue().isNull()) {
              oldAttrs.remove(a.getKey());
            } else {
              oldAttrs.set(a.getKey(), a.getValue());
            }
          }
        }
        if (collectionId != null && !collectionId.equals(Json.text(old, "collectionId"))) {
          old.put("collectionId", collectionId);
          changed = true;
        }
        if (changed) {
          // Atlas skips entities whose update changes nothing: they are not in UPDATE.
          old.put("updateTime", now);
          old.put("version", old.get("version").asLong() + 1);
          old.put("lastModifiedTS", String.valueOf(old.get("version").asLong() + 1));
          updated.add(header(old));
        }
      }
    }
    if (!created.isEmpty()) {
      mutated.set("CREATE", created);
    }
    if (!updated.isEmpty()) {
      mutated.set("UPDATE", updated);
    }
    response.set("mutatedEntities", mutated);
    ObjectNode ga = response.putObject("guidAssignments");
    assigned.forEach(ga::put);
    return response;
  }

  static boolean isPlaceholder(String guid) {
    return guid.startsWith("-");
  }

  private static String key(ObjectNode stored) {
    return stored.get("typeName").asText() + '\u0000'
        + stored.path("attributes").path("qualifiedName").asText();
  }

  private String existingGuid(ObjectNode e) {
    String qn = e.path("attributes").path("qualifiedName").asText(null);
    return qn == null ? null : byUnique.get(e.get("typeName").asText() + '\u0000' + qn);
  }

  /**
   * Validates the attributes of {@code e} against its type; returns its reference attributes
   * with each object id resolved to a target entity (stored, or in this request).
   */
  private Map<String, JsonNode> validate(ObjectNode e, Map<String, ObjectNode> placeholders)
      throws AtlasError {
    String type = e.get("typeName").asText();
    Map<String, JsonNode> defs = types.attributes(type);
    JsonNode attrs = e.path("attributes");
    String guid = Json.text(e, "guid");
    boolean byRealGuid = guid != null && !isPlaceholder(guid);
    Map<String, JsonNode> refs = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> d : defs.entrySet()) {
      String name = d.getKey();
      JsonNode v = attrs.get(name);
      boolean optional = d.getValue().path("isOptional").asBoolean(true);
      if (v == null || v.isNull()) {
        if (!optional && !byRealGuid) {
          throw AtlasError.invalidInstanceParams(type + "." + name
              + ": mandatory attribute value missing in type " + type);
        }
        continue;
      }
      String at = d.getValue().path("typeName").asText();
      if (!validValue(at, v)) {
        // Atlas prints the value with Java's toString: text without quotes.
        throw AtlasError.invalidInstanceParams(type + "." + name + "="
            + (v.isTextual() ? v.textValue() : v.toString()) + ": invalid value for type " + at);
      }
      String target = entityTarget(at);
      if (target != null) {
        refs.put(name, v);
        for (JsonNode id : v.isArray() ? v : List.of(v)) {
          ObjectNode resolved = resolve(id, placeholders);
          String rt = resolved.get("typeName").asText();
          if (!types.isA(rt, target)) {
            if (types.isA(type, "Process") && (name.equals("inputs") || name.equals("outputs"))) {
              // Atlas's relationship store: Process.inputs/outputs must be DataSets.
              throw AtlasError.invalidRelationshipEndType(name.equals("inputs")
                  ? "dataset_process_inputs" : "process_dataset_outputs", target, type);
            }
            throw new AtlasError(400, "ATLAS-400-00-00F", "expected type " + target + "; found " + rt);
          }
        }
      }
    }
    return refs;
  }

  /** The entity type an attribute type refers to ({@code DataSet}, {@code array<DataSet>}). */
  private String entityTarget(String attrType) {
    String t = attrType.startsWith("array<") ? attrType.substring(6, attrType.length() - 1) : attrType;
    return types.isEntity(t) ? t : null;
  }

  /** Atlas's isValidValue for an attribute type. */
  private boolean validValue(String t, JsonNode v) {
    if (v.isNull()) {
      return true;
    }
    switch (t) {
      case "string":
        return v.isValueNode();
      case "boolean":
        return v.isBoolean() || v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"));
      case "byte", "short", "int", "long", "biginteger":
        return v.isIntegralNumber() || v.isTextual() && v.asText().matches("-?\\d+");
      case "float", "double", "bigdecimal":
        return v.isNumber() || v.isTextual() && v.asText().matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
      case "date":
        return v.isIntegralNumber() || v.isTextual();
      default:
        break;
    }
    if (t.startsWith("array<") && t.endsWith(">")) {
      if (!v.isArray()) {
        return false;
      }
      String inner = t.substring(6, t.length() - 1);
      for (JsonNode x : v) {
        if (!validValue(inner, x)) {
          return false;
        }
      }
      return true;
    }
    if (t.startsWith("map<") && t.endsWith(">")) {
      if (!v.isObject()) {
        return false;
      }
      String inner = t.substring(4, t.length() - 1);
      String vt = inner.substring(TypeRegistry.splitMap(inner) + 1);
      for (JsonNode x : v) {
        if (!validValue(vt, x)) {
          return false;
        }
      }
      return true;
    }
    if (types.isEntity(t)) {
      return v.isObject();
    }
    String c = types.category(t);
    if ("ENUM".equals(c)) {
      if (!v.isTextual()) {
        return false;
      }
      for (JsonNode el : types.get(t).path("elementDefs")) {
        if (el.path("value").asText().equals(v.asText())) {
          return true;
        }
      }
      return false;
    }
    return "STRUCT".equals(c) && v.isObject();
  }

  /** Atlas's reference resolution of one AtlasObjectId; returns the target's type and guid. */
  private ObjectNode resolve(JsonNode id, Map<String, ObjectNode> placeholders) throws AtlasError {
    String guid = Json.text(id, "guid");
    String type = Json.text(id, "typeName");
    JsonNode unique = id.get("uniqueAttributes");
    ObjectNode out = Json.object();
    if (guid != null) {
      ObjectNode target = isPlaceholder(guid) ? placeholders.get(guid) : byGuid.get(guid);
      if (target == null) {
        throw AtlasError.referencedEntityNotFound(guid);
      }
      out.put("typeName", target.get("typeName").asText());
      out.put("guid", guid);
      return out;
    }
    if (type != null && unique != null && unique.isObject() && unique.size() > 0) {
      String qn = Json.text(unique, "qualifiedName");
      ObjectNode target = qn == null || !types.isEntity(type) ? null : byQualifiedName(type, qn);
      if (target == null) {
        throw AtlasError.referencedEntityNotFound("AtlasObjectId{guid='null', typeName='" + type
            + "', uniqueAttributes={" + uniqueText(unique) + "}}");
      }
      out.put("typeName", target.get("typeName").asText());
      out.put("guid", target.get("guid").asText());
      return out;
    }
    throw AtlasError.invalidObjectId(id.toString());
  }

  private static String uniqueText(JsonNode unique) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, JsonNode> e : unique.properties()) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(e.getKey()).append(':').append(e.getValue().asText());
    }
    return b.toString();
  }

  /** Known attributes only (Atlas ignores others), references stored as full object ids. */
  private ObjectNode attributesToStore(ObjectNode e, Map<String, JsonNode> refs,
      Map<String, String> assigned, Map<String, ObjectNode> placeholders) throws AtlasError {
    Map<String, JsonNode> defs = types.attributes(e.get("typeName").asText());
    ObjectNode out = Json.object();
    for (Map.Entry<String, JsonNode> a : e.path("attributes").properties()) {
      if (!defs.containsKey(a.getKey())) {
        continue;
      }
      if (refs.containsKey(a.getKey())) {
        JsonNode v = a.getValue();
        if (v.isArray()) {
          ArrayNode arr = out.putArray(a.getKey());
          for (JsonNode id : v) {
            arr.add(storedId(id, assigned, placeholders));
          }
        } else {
          out.set(a.getKey(), storedId(v, assigned, placeholders));
        }
      } else {
        out.set(a.getKey(), a.getValue().deepCopy());
      }
    }
    return out;
  }

  private ObjectNode storedId(JsonNode id, Map<String, String> assigned,
      Map<String, ObjectNode> placeholders) throws AtlasError {
    ObjectNode r = resolve(id, placeholders);
    String guid = r.get("guid").asText();
    String real = assigned.getOrDefault(guid, guid);
    ObjectNode target = isPlaceholder(guid) ? placeholders.get(guid) : byGuid.get(real);
    ObjectNode out = Json.object();
    out.put("guid", real);
    out.put("typeName", r.get("typeName").asText());
    out.putObject("uniqueAttributes").put("qualifiedName",
        target.path("attributes").path("qualifiedName").asText());
    return out;
  }

  /** An AtlasEntityHeader, as in mutatedEntities and guidEntityMap. */
  ObjectNode header(ObjectNode stored) {
    ObjectNode h = Json.object();
    h.put("typeName", stored.get("typeName").asText());
    ObjectNode a = h.putObject("attributes");
    JsonNode attrs = stored.get("attributes");
    a.put("qualifiedName", attrs.path("qualifiedName").asText());
    if (attrs.has("name")) {
      a.put("name", attrs.get("name").asText());
    }
    h.put("lastModifiedTS", stored.path("lastModifiedTS").asText("1"));
    h.put("guid", stored.get("guid").asText());
    h.put("status", "ACTIVE");
    h.put("displayText", attrs.path("name").asText(attrs.path("qualifiedName").asText()));
    ArrayNode names = h.putArray("classificationNames");
    stored.path("classifications").forEach(c -> names.add(c.get("typeName").asText()));
    h.putArray("meaningNames");
    h.putArray("meanings");
    h.put("isIncomplete", false);
    h.putArray("labels");
    return h;
  }

  /**
   * Lineage in Purview's shape. Edges run dataset → process (an input) and process → dataset
   * (an output); depth counts processes, as in Atlas's classic lineage.
   */
  ObjectNode lineage(String guid, String direction, int depth, int width) throws AtlasError {
    ObjectNode base = byGuid.get(guid);
    if (base == null) {
      throw AtlasError.instanceGuidNotFound(guid);
    }
    // Adjacency from every Process: inputs and outputs.
    Map<String, Set<String>> consumers = new HashMap<>();
    Map<String, Set<String>> producers = new HashMap<>();
    Map<String, List<String>> inputs = new HashMap<>();
    Map<String, List<String>> outputs = new HashMap<>();
    for (ObjectNode e : byGuid.values()) {
      if (!types.isA(e.get("typeName").asText(), "Process")) {
        continue;
      }
      String p = e.get("guid").asText();
      for (JsonNode id : e.path("attributes").path("inputs")) {
        String d = id.path("guid").asText();
        inputs.computeIfAbsent(p, k -> new ArrayList<>()).add(d);
        consumers.computeIfAbsent(d, k -> new LinkedHashSet<>()).add(p);
      }
      for (JsonNode id : e.path("attributes").path("outputs")) {
        String d = id.path("guid").asText();
        outputs.computeIfAbsent(p, k -> new ArrayList<>()).add(d);
        producers.computeIfAbsent(d, k -> new LinkedHashSet<>()).add(p);
      }
    }
    Set<String> nodes = new LinkedHashSet<>();
    Set<List<String>> relations = new LinkedHashSet<>();
    nodes.add(guid);
    boolean isProcess = types.isA(base.get("typeName").asText(), "Process");
    if (direction.equals("INPUT") || direction.equals("BOTH")) {
      walk(guid, isProcess, depth, true, inputs, producers, nodes, relations);
    }
    if (direction.equals("OUTPUT") || direction.equals("BOTH")) {
      walk(guid, isProcess, depth, false, outputs, consumers, nodes, relations);
    }
    ObjectNode out = Json.object();
    out.put("baseEntityGuid", guid);
    out.put("lineageDirection", direction);
    out.put("lineageDepth", depth);
    out.put("lineageWidth", width);
    int children = 0;
    for (List<String> r : relations) {
      if (r.get(0).equals(guid) || r.get(1).equals(guid)) {
        children++;
      }
    }
    out.put("childrenCount", children);
    ObjectNode map = out.putObject("guidEntityMap");
    for (String n : nodes) {
      map.set(n, header(byGuid.get(n)));
    }
    ObjectNode widthCounts = out.putObject("widthCounts");
    ObjectNode inCounts = widthCounts.putObject("INPUT");
    ObjectNode outCounts = widthCounts.putObject("OUTPUT");
    for (String n : nodes) {
      inCounts.put(n, relations.stream().filter(r -> r.get(1).equals(n)).count());
      outCounts.put(n, relations.stream().filter(r -> r.get(0).equals(n)).count());
    }
    ArrayNode rel = out.putArray("relations");
    for (List<String> r : relations) {
      ObjectNode x = rel.addObject();
      x.put("fromEntityId", r.get(0));
      x.put("toEntityId", r.get(1));
      x.put("relationshipId", UUID.nameUUIDFromBytes((r.get(0) + ">" + r.get(1))
          .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
    }
    out.putArray("parentRelations");
    return out;
  }

  /**
   * Breadth-first from {@code start}: upstream ({@code up}) through producing processes and their
   * inputs, or downstream through consuming processes and their outputs.
   */
  private static void walk(String start, boolean startIsProcess, int depth, boolean up,
      Map<String, List<String>> processSides, Map<String, Set<String>> datasetSides,
      Set<String> nodes, Set<List<String>> relations) {
    Deque<String[]> queue = new ArrayDeque<>();
    Set<String> seen = new LinkedHashSet<>();
    queue.add(new String[] {start, startIsProcess ? "P" : "D", "0"});
    while (!queue.isEmpty()) {
      String[] cur = queue.poll();
      String g = cur[0];
      int level = Integer.parseInt(cur[2]);
      if (!seen.add(g + cur[1])) {
        continue;
      }
      if (cur[1].equals("D")) {
        if (level >= depth) {
          continue;
        }
        for (String p : datasetSides.getOrDefault(g, Set.of())) {
          nodes.add(p);
          relations.add(up ? List.of(p, g) : List.of(g, p));
          queue.add(new String[] {p, "P", String.valueOf(level + 1)});
        }
      } else {
        int lv = g.equals(start) ? level + 1 : level;
        for (String d : processSides.getOrDefault(g, List.of())) {
          nodes.add(d);
          relations.add(up ? List.of(d, g) : List.of(g, d));
          queue.add(new String[] {d, "D", String.valueOf(lv)});
        }
      }
    }
  }
}
