package dev.lineageledger.purview.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@code POST /atlas/v2/entity/bulk} body (an AtlasEntitiesWithExtInfo) for consecutive
 * records. Every entity gets a negative placeholder GUID; a reference to an entity of the same
 * request uses its placeholder, a reference to an entity Purview already acknowledged in this
 * run its real GUID, and any other reference {@code typeName} + {@code uniqueAttributes}.
 * Upserts of one entity by several records of the batch are merged, later values winning.
 */
public final class BulkRequest {
  private final ObjectNode json;
  private final Map<String, EntityMapper.EntityRef> placeholders;
  private final Set<String> classifications;
  private final List<EntityMapper.Mapped> records;

  private BulkRequest(ObjectNode json, Map<String, EntityMapper.EntityRef> placeholders,
      Set<String> classifications, List<EntityMapper.Mapped> records) {
    this.json = json;
    this.placeholders = placeholders;
    this.classifications = classifications;
    this.records = records;
  }

  public static BulkRequest build(List<EntityMapper.Mapped> records,
      Map<EntityMapper.EntityRef, String> knownGuids, AtomicLong placeholderCounter) {
    Map<EntityMapper.EntityRef, Merged> merged = new LinkedHashMap<>();
    for (EntityMapper.Mapped m : records) {
      for (EntityMapper.EntityUpsert u : m.upserts()) {
        Merged x = merged.get(u.ref());
        if (x == null) {
          merged.put(u.ref(), new Merged(u.attributes().deepCopy(),
              new LinkedHashMap<>(u.references()), new LinkedHashSet<>(u.classifications())));
        } else {
          x.attributes.setAll(u.attributes().deepCopy());
          x.references.putAll(u.references());
          x.classifications.addAll(u.classifications());
        }
      }
    }
    Map<EntityMapper.EntityRef, String> placeholderOf = new LinkedHashMap<>();
    Map<String, EntityMapper.EntityRef> placeholders = new LinkedHashMap<>();
    for (EntityMapper.EntityRef ref : merged.keySet()) {
      // Atlas: an unassigned GUID is a negative number, meaningful only within one request.
      String p = "-" + placeholderCounter.incrementAndGet();
      placeholderOf.put(ref, p);
      placeholders.put(p, ref);
    }
    ObjectNode body = Json.object();
    ArrayNode entities = body.putArray("entities");
    Set<String> classifications = new LinkedHashSet<>();
    for (Map.Entry<EntityMapper.EntityRef, Merged> e : merged.entrySet()) {
      ObjectNode ent = entities.addObject();
      ent.put("typeName", e.getKey().typeName());
      ent.put("guid", placeholderOf.get(e.getKey()));
      ObjectNode attrs = ent.putObject("attributes");
      attrs.setAll(e.getValue().attributes);
      for (Map.Entry<String, List<EntityMapper.EntityRef>> r : e.getValue().references.entrySet()) {
        ArrayNode ids = attrs.putArray(r.getKey());
        for (EntityMapper.EntityRef target : r.getValue()) {
          ids.add(objectId(target, placeholderOf.get(target), knownGuids.get(target)));
        }
      }
      if (!e.getValue().classifications.isEmpty()) {
        ArrayNode cs = ent.putArray("classifications");
        for (String c : e.getValue().classifications) {
          cs.addObject().put("typeName", c);
          classifications.add(c);
        }
      }
    }
    body.putObject("referredEntities");
    return new BulkRequest(body, placeholders, classifications, List.copyOf(records));
  }

  /** An AtlasObjectId: by placeholder, by known GUID, or by unique attributes. */
  private static ObjectNode objectId(EntityMapper.EntityRef target, String placeholder, String guid) {
    ObjectNode id = Json.object();
    if (placeholder != null) {
      id.put("guid", placeholder);
      id.put("typeName", target.typeName());
    } else if (guid != null) {
      id.put("guid", guid);
      id.put("typeName", target.typeName());
    } else {
      id.put("typeName", target.typeName());
      id.putObject("uniqueAttributes").put("qualifiedName", target.qualifiedName());
    }
    return id;
  }

  private record Merged(ObjectNode attributes, Map<String, List<EntityMapper.EntityRef>> references,
      Set<String> classifications) {}

  public ObjectNode json() {
    return json;
  }

  public int entityCount() {
    return placeholders.size();
  }

  public Map<String, EntityMapper.EntityRef> placeholders() {
    return placeholders;
  }

  public Set<String> classificationTypes() {
    return classifications;
  }

  public List<EntityMapper.Mapped> records() {
    return records;
  }

  public long firstSeq() {
    return records.get(0).seq();
  }

  public long lastSeq() {
    return records.get(records.size() - 1).seq();
  }

  static List<List<EntityMapper.Mapped>> halves(List<EntityMapper.Mapped> l) {
    int mid = l.size() / 2;
    List<List<EntityMapper.Mapped>> out = new ArrayList<>();
    out.add(l.subList(0, mid));
    out.add(l.subList(mid, l.size()));
    return out;
  }
}
