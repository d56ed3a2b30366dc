package dev.lineageledger.purview.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The emulator's type system, after Atlas's: typedefs by name, POST create-only and PUT
 * update-only, supertypes and attribute types resolved across the registry and the request, and
 * Atlas's update rules (no removed supertypes, no deleted or retyped attributes, no new mandatory
 * attributes). Not thread-safe; the emulator serialises access.
 */
final class TypeRegistry {
  static final Set<String> PRIMITIVES = Set.of("boolean", "byte", "short", "int", "long", "float",
      "double", "biginteger", "bigdecimal", "string", "date");
  private static final Pattern NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_ ]*");
  /**
   * Purview's rule for classification names ("a letter followed by a sequence of letters,
   * numbers, and period (.) or underscore characters. No spaces are allowed"), stricter than
   * Atlas's, which also allows spaces.
   */
  private static final Pattern CLASSIFICATION_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.]*");
  private static final Map<String, String> LISTS = Map.of("enumDefs", "ENUM", "structDefs", "STRUCT",
      "classificationDefs", "CLASSIFICATION", "entityDefs", "ENTITY", "relationshipDefs",
      "RELATIONSHIP", "businessMetadataDefs", "BUSINESS_METADATA");

  private final Map<String, ObjectNode> defs = new LinkedHashMap<>();

  TypeRegistry() {
    try (InputStream in = TypeRegistry.class.getResourceAsStream("base-types.json")) {
      JsonNode base = Json.MAPPER.readTree(in);
      for (Map.Entry<String, String> l : LISTS.entrySet()) {
        for (JsonNode d : base.path(l.getKey())) {
          ObjectNode def = stamp((ObjectNode) d.deepCopy(), l.getValue());
          def.put("createdBy", "admin");
          defs.put(def.get("name").asText(), def);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the emulator's base types", e);
    }
  }

  ObjectNode get(String name) {
    return defs.get(name);
  }

  String category(String name) {
    ObjectNode d = defs.get(name);
    return d == null ? null : d.get("category").asText();
  }

  boolean isEntity(String name) {
    return "ENTITY".equals(category(name));
  }

  boolean isClassification(String name) {
    return "CLASSIFICATION".equals(category(name));
  }

  /**
   * Whether an entity of {@code entityType} may carry {@code classification}: its entity types
   * (its own, or else those inherited from its supertypes) are empty or include the entity's
   * type or a supertype of it (Atlas's AtlasClassificationType.canApplyToEntityType).
   */
  boolean canClassify(String classification, String entityType) {
    Set<String> allowed = entityTypes(classification, new HashSet<>());
    if (allowed.isEmpty()) {
      return true;
    }
    for (String a : allowed) {
      if (isA(entityType, a)) {
        return true;
      }
    }
    return false;
  }

  private Set<String> entityTypes(String classification, Set<String> seen) {
    Set<String> out = new java.util.LinkedHashSet<>();
    ObjectNode d = defs.get(classification);
    if (d == null || !seen.add(classification)) {
      return out;
    }
    d.path("entityTypes").forEach(e -> out.add(e.asText()));
    if (out.isEmpty()) {
      d.path("superTypes").forEach(s -> out.addAll(entityTypes(s.asText(), seen)));
    }
    return out;
  }

  /** True when {@code type} is {@code superType} or inherits from it. */
  boolean isA(String type, String superType) {
    return isA(defs, type, superType, new HashSet<>());
  }

  private static boolean isA(Map<String, ObjectNode> all, String type, String superType,
      Set<String> seen) {
    if (type.equals(superType)) {
      return true;
    }
    if (!seen.add(type)) {
      return false;
    }
    ObjectNode d = all.get(type);
    if (d == null) {
      return false;
    }
    for (JsonNode s : d.path("superTypes")) {
      if (isA(all, s.asText(), superType, seen)) {
        return true;
      }
    }
    return false;
  }

  /** Every attribute of an entity or struct type, inherited ones first, by name. */
  Map<String, JsonNode> attributes(String type) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    collect(defs, type, out, new HashSet<>());
    return out;
  }

  private static void collect(Map<String, ObjectNode> all, String type, Map<String, JsonNode> out,
      Set<String> seen) {
    ObjectNode d = all.get(type);
    if (d == null || !seen.add(type)) {
      return;
    }
    for (JsonNode s : d.path("superTypes")) {
      collect(all, s.asText(), out, seen);
    }
    for (JsonNode a : d.path("attributeDefs")) {
      out.put(a.path("name").asText(), a);
    }
  }

  /** {@code GET /types/typedefs}: everything, or one category ({@code type=entity}). */
  ObjectNode typesDef(String filter) {
    ObjectNode out = Json.object();
    for (Map.Entry<String, String> l : LISTS.entrySet()) {
      ArrayNode arr = out.putArray(l.getKey());
      if (filter != null && !l.getValue().equalsIgnoreCase(filter)) {
        continue;
      }
      defs.values().stream().filter(d -> d.get("category").asText().equals(l.getValue()))
          .forEach(arr::add);
    }
    return out;
  }

  /** POST: creates every def of the request, or none. */
  ObjectNode create(JsonNode request) throws AtlasError {
    List<ObjectNode> incoming = incoming(request);
    for (ObjectNode d : incoming) {
      if (defs.containsKey(d.get("name").asText())) {
        throw AtlasError.typeAlreadyExists(d.get("name").asText());
      }
    }
    return commit(incoming, false);
  }

  /** PUT: updates every def of the request, or none. */
  ObjectNode update(JsonNode request) throws AtlasError {
    List<ObjectNode> incoming = incoming(request);
    for (ObjectNode d : incoming) {
      String name = d.get("name").asText();
      ObjectNode old = defs.get(name);
      if (old == null || !old.get("category").asText().equals(d.get("category").asText())) {
        throw AtlasError.typeNameNotFound(name);
      }
      Set<String> newSupers = new HashSet<>();
      d.path("superTypes").forEach(s -> newSupers.add(s.asText()));
      for (JsonNode s : old.path("superTypes")) {
        if (!newSupers.contains(s.asText())) {
          throw AtlasError.supertypeRemoval();
        }
      }
      Map<String, JsonNode> newAttrs = new LinkedHashMap<>();
      d.path("attributeDefs").forEach(a -> newAttrs.put(a.path("name").asText(), a));
      Map<String, JsonNode> oldAttrs = new LinkedHashMap<>();
      old.path("attributeDefs").forEach(a -> oldAttrs.put(a.path("name").asText(), a));
      for (Map.Entry<String, JsonNode> a : oldAttrs.entrySet()) {
        JsonNode n = newAttrs.get(a.getKey());
        if (n == null) {
          throw AtlasError.attributeDeletion(name, a.getKey());
        }
        if (!n.path("typeName").asText().equals(a.getValue().path("typeName").asText())) {
          throw AtlasError.attributeUpdateNotSupported(name, a.getKey());
        }
      }
      for (Map.Entry<String, JsonNode> a : newAttrs.entrySet()) {
        if (!oldAttrs.containsKey(a.getKey()) && !a.getValue().path("isOptional").asBoolean(true)) {
          throw AtlasError.cannotAddMandatory(name, a.getKey());
        }
      }
    }
    return commit(incoming, true);
  }

  private List<ObjectNode> incoming(JsonNode request) throws AtlasError {
    if (request == null || !request.isObject()) {
      throw AtlasError.invalidParameters("typesDef body must be a JSON object");
    }
    List<ObjectNode> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Map.Entry<String, String> l : LISTS.entrySet()) {
      for (JsonNode d : request.path(l.getKey())) {
        if (!d.isObject()) {
          throw AtlasError.invalidTypeDefinition(d.toString());
        }
        ObjectNode def = ((ObjectNode) d).deepCopy();
        String name = Json.text(def, "name");
        String category = l.getValue();
        Pattern p = category.equals("CLASSIFICATION") ? CLASSIFICATION_NAME : NAME;
        if (name == null || !p.matcher(name).matches()) {
          throw AtlasError.typeNameInvalidFormat(String.valueOf(name), category);
        }
        if (!names.add(name)) {
          throw AtlasError.invalidTypeDefinition(name + " appears twice");
        }
        def.put("category", category);
        out.add(def);
      }
    }
    return out;
  }

  private ObjectNode commit(List<ObjectNode> incoming, boolean update) throws AtlasError {
    Map<String, ObjectNode> candidate = new LinkedHashMap<>(defs);
    for (ObjectNode d : incoming) {
      candidate.put(d.get("name").asText(), d);
    }
    for (ObjectNode d : incoming) {
      resolve(candidate, d);
    }
    ObjectNode out = Json.object();
    for (String l : LISTS.keySet()) {
      out.putArray(l);
    }
    long now = System.currentTimeMillis();
    for (ObjectNode d : incoming) {
      String name = d.get("name").asText();
      ObjectNode old = defs.get(name);
      stamp(d, d.get("category").asText());
      if (update && old != null) {
        d.put("guid", old.path("guid").asText());
        d.put("createTime", old.path("createTime").asLong());
        d.put("createdBy", old.path("createdBy").asText());
        d.put("version", old.path("version").asLong(1) + 1);
      }
      d.put("updateTime", now);
      defs.put(name, d);
      for (Map.Entry<String, String> l : LISTS.entrySet()) {
        if (l.getValue().equals(d.get("category").asText())) {
          ((ArrayNode) out.get(l.getKey())).add(d);
        }
      }
    }
    return out;
  }

  private static ObjectNode stamp(ObjectNode d, String category) {
    d.put("category", category);
    if (!d.hasNonNull("guid")) {
      d.put("guid", UUID.randomUUID().toString());
    }
    if (!d.has("createTime")) {
      d.put("createTime", System.currentTimeMillis());
      d.put("createdBy", "emulator");
      d.put("version", 1);
    }
    d.put("updatedBy", "emulator");
    if (!d.has("typeVersion")) {
      d.put("typeVersion", "1.0");
    }
    return d;
  }

  /** Atlas's resolveReferences: supertypes, attribute types, entity types, relationship ends. */
  private static void resolve(Map<String, ObjectNode> all, ObjectNode d) throws AtlasError {
    String name = d.get("name").asText();
    String category = d.get("category").asText();
    for (JsonNode s : d.path("superTypes")) {
      String sup = s.asText();
      ObjectNode sd = all.get(sup);
      if (sd == null) {
        throw AtlasError.typeNameNotFound(sup);
      }
      if (!sd.get("category").asText().equals(category)) {
        throw AtlasError.incompatibleSupertype(name, sup);
      }
      if (isA(all, sup, name, new HashSet<>())) {
        throw AtlasError.circularReference(name, name);
      }
    }
    Map<String, String> declaredIn = new LinkedHashMap<>();
    for (JsonNode s : d.path("superTypes")) {
      declarers(all, s.asText(), declaredIn, new HashSet<>());
    }
    for (JsonNode a : d.path("attributeDefs")) {
      String an = Json.text(a, "name");
      String at = Json.text(a, "typeName");
      if (an == null || an.isEmpty() || at == null) {
        throw AtlasError.invalidTypeDefinition(name + ": attribute without name or typeName");
      }
      if (declaredIn.containsKey(an)) {
        throw AtlasError.attributeExistsInParent(name, an, declaredIn.get(an));
      }
      checkAttributeType(all, at);
    }
    if (category.equals("CLASSIFICATION")) {
      for (JsonNode e : d.path("entityTypes")) {
        ObjectNode ed = all.get(e.asText());
        if (ed == null || !ed.get("category").asText().equals("ENTITY")) {
          throw new AtlasError(400, "ATLAS-400-00-052", "ClassificationDef \u2018" + name
              + "\u2018 has invalid \u2018" + e.asText() + "\u2018 in entityTypes");
        }
      }
    }
    if (category.equals("RELATIONSHIP")) {
      for (String end : List.of("endDef1", "endDef2")) {
        String t = d.path(end).path("type").asText("");
        ObjectNode ed = all.get(t);
        if (ed == null || !ed.get("category").asText().equals("ENTITY")) {
          throw new AtlasError(404, "ATLAS-404-00-00E", "RelationshipDef " + name
              + " endDef typename " + name + " cannot be found");
        }
      }
    }
  }

  /** Attribute name to the supertype that declares it. */
  private static void declarers(Map<String, ObjectNode> all, String type, Map<String, String> out,
      Set<String> seen) {
    ObjectNode d = all.get(type);
    if (d == null || !seen.add(type)) {
      return;
    }
    for (JsonNode s : d.path("superTypes")) {
      declarers(all, s.asText(), out, seen);
    }
    for (JsonNode a : d.path("attributeDefs")) {
      out.putIfAbsent(a.path("name").asText(), type);
    }
  }

  private static void checkAttributeType(Map<String, ObjectNode> all, String t) throws AtlasError {
    String s = t.strip();
    if (PRIMITIVES.contains(s)) {
      return;
    }
    if (s.startsWith("array<") && s.endsWith(">")) {
      checkAttributeType(all, s.substring(6, s.length() - 1));
      return;
    }
    if (s.startsWith("map<") && s.endsWith(">")) {
      String inner = s.substring(4, s.length() - 1);
      int comma = splitMap(inner);
      if (comma < 0) {
        throw AtlasError.typeNameNotFound(t);
      }
      checkAttributeType(all, inner.substring(0, comma));
      checkAttributeType(all, inner.substring(comma + 1));
      return;
    }
    ObjectNode d = all.get(s);
    if (d == null) {
      throw AtlasError.typeNameNotFound(s);
    }
    String c = d.get("category").asText();
    if (!c.equals("ENTITY") && !c.equals("STRUCT") && !c.equals("ENUM")) {
      throw AtlasError.typeNameNotFound(s);
    }
  }

  /** The comma between key and value type of {@code map<K,V>}, outside nested brackets. */
  static int splitMap(String inner) {
    int depth = 0;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '<') {
        depth++;
      } else if (c == '>') {
        depth--;
      } else if (c == ',' && depth == 0) {
        return i;
      }
    }
    return -1;
  }
}
