package dev.lineageledger.purview.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.purview.PurviewException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Idempotent typedef bootstrap: reads what exists, creates what is missing (POST), adds
 * missing attributes to existing types (PUT, as optional attributes, since Atlas refuses to add
 * mandatory ones), and never fails because a type already exists: when another sync creates a
 * type between our read and our create (409 {@code ATLAS-409-00-001}), it reads again and
 * continues. A type that exists with an incompatible shape (another category or supertype, an
 * attribute of another type, a classification restricted to entity types ours are not) is a
 * {@link PurviewException.Reason#TYPE_CONFLICT}: a sync cannot fix that safely.
 */
public final class TypeBootstrap {
  private static final String TYPEDEFS = "/atlas/v2/types/typedefs";
  /** How often a create that lost a race to another sync (409) is re-planned. */
  private static final int CREATE_ATTEMPTS = 4;
  /** Type look-ups sent at once. */
  private static final int PARALLEL_READS = 6;

  private final AtlasHttp http;
  private final Set<String> knownClassifications = new HashSet<>();
  private final Map<String, Set<String>> ancestors = new HashMap<>();
  private int created;
  private int updated;

  public TypeBootstrap(AtlasHttp http) {
    this.http = http;
  }

  public int created() {
    return created;
  }

  public int updated() {
    return updated;
  }

  /** Makes sure every ledger entity type exists with every attribute we send. */
  public void ensureEntityTypes() throws PurviewException {
    List<String> names = new ArrayList<>();
    TypeModel.entityTypes().forEach(t -> names.add(t.name()));
    for (int attempt = 1; ; attempt++) {
      Map<String, JsonNode> existing = getAll(names);
      List<ObjectNode> create = new ArrayList<>();
      List<ObjectNode> update = new ArrayList<>();
      for (TypeModel.EntityType t : TypeModel.entityTypes()) {
        JsonNode have = existing.get(t.name());
        if (have == null) {
          create.add(t.toJson());
        } else {
          ObjectNode merged = check(t, have);
          if (merged != null) {
            update.add(merged);
          }
        }
      }
      if (!create.isEmpty()) {
        AtlasHttp.Response r = http.send("POST", TYPEDEFS, Map.of(), TypeModel.typesDef(create,
            List.of()));
        if (lostRace(r) && attempt < CREATE_ATTEMPTS) {
          continue;
        }
        if (!r.ok()) {
          throw failure("creating types", r);
        }
        created += create.size();
      }
      if (!update.isEmpty()) {
        AtlasHttp.Response r = http.send("PUT", TYPEDEFS, Map.of(), TypeModel.typesDef(update,
            List.of()));
        if (!r.ok()) {
          throw failure("updating types", r);
        }
        updated += update.size();
      }
      return;
    }
  }

  /** 409 ATLAS-409-00-001: a type we were about to create exists now (another sync made it). */
  private static boolean lostRace(AtlasHttp.Response r) {
    return r.status() == 409 && "ATLAS-409-00-001".equals(r.errorCode());
  }

  /**
   * Checks an existing entity type against ours: returns it with our missing attributes added
   * (to PUT), or null if it already has them all.
   */
  private static ObjectNode check(TypeModel.EntityType t, JsonNode existing)
      throws PurviewException {
    checkCategory(existing, t.name(), "ENTITY");
    boolean hasSuper = false;
    for (JsonNode s : existing.path("superTypes")) {
      hasSuper |= s.asText().equals(t.superType());
    }
    if (!hasSuper) {
      throw conflict(t.name() + " exists in Purview without supertype " + t.superType());
    }
    ObjectNode merged = ((ObjectNode) existing).deepCopy();
    ArrayNode attrs = merged.withArray("attributeDefs");
    boolean changed = false;
    for (TypeModel.Attr a : t.attrs()) {
      JsonNode have = null;
      for (JsonNode x : attrs) {
        if (a.name().equals(Json.text(x, "name"))) {
          have = x;
        }
      }
      if (have == null) {
        ObjectNode add = a.toJson();
        add.put("isOptional", true);
        attrs.add(add);
        changed = true;
      } else if (!a.typeName().equals(Json.text(have, "typeName"))) {
        throw conflict(t.name() + "." + a.name() + " is " + Json.text(have, "typeName")
            + " in Purview, but the ledger sends " + a.typeName());
      }
    }
    return changed ? merged : null;
  }

  /**
   * Makes sure the classification types exist (created as plain classifications) and that a
   * dataset-version entity may carry each of them.
   */
  public void ensureClassifications(Set<String> typeNames) throws PurviewException {
    List<String> todo = new ArrayList<>();
    for (String n : typeNames) {
      if (!knownClassifications.contains(n)) {
        todo.add(n);
      }
    }
    for (int attempt = 1; !todo.isEmpty(); attempt++) {
      Map<String, JsonNode> existing = getAll(todo);
      List<ObjectNode> create = new ArrayList<>();
      for (String name : todo) {
        JsonNode have = existing.get(name);
        if (have == null) {
          if (name.startsWith(TypeModel.SYSTEM_CLASSIFICATION_PREFIX)) {
            throw conflict("the ledger uses classification " + name + ", which is not one of"
                + " this Purview account's system classifications, and the "
                + TypeModel.SYSTEM_CLASSIFICATION_PREFIX + " namespace is reserved for them;"
                + " use a system classification's exact name or a name outside that namespace");
          }
          create.add(TypeModel.classificationDef(name, name));
        } else {
          checkCategory(have, name, "CLASSIFICATION");
          checkCarrier(name, have);
          knownClassifications.add(name);
        }
      }
      if (create.isEmpty()) {
        return;
      }
      AtlasHttp.Response r = http.send("POST", TYPEDEFS, Map.of(), TypeModel.typesDef(List.of(),
          create));
      if (lostRace(r) && attempt < CREATE_ATTEMPTS) {
        todo.removeIf(knownClassifications::contains);
        continue;
      }
      if (!r.ok()) {
        throw failure("creating classification types", r);
      }
      created += create.size();
      create.forEach(c -> knownClassifications.add(c.get("name").asText()));
      return;
    }
  }

  /**
   * Atlas lets an entity carry a classification only if the classification's entity types
   * (its own, or else those it inherits from its supertypes) are empty or include the entity's
   * type or one of its supertypes (AtlasClassificationType.canApplyToEntityType); otherwise
   * every bulk request carrying it fails with 400 ATLAS-400-00-055. Found here, once, with what
   * to change, instead of as a rejected record on every run.
   */
  private void checkCarrier(String name, JsonNode classification) throws PurviewException {
    Set<String> allowed = effectiveEntityTypes(classification, new HashSet<>());
    if (allowed.isEmpty()) {
      return;
    }
    Set<String> carrier = ancestors(TypeModel.DATASET_VERSION);
    for (String a : allowed) {
      if (carrier.contains(a)) {
        return;
      }
    }
    throw conflict("classification " + name + " may only be applied to " + String.join(", ",
        allowed) + ", but the ledger applies it to " + TypeModel.DATASET_VERSION + " entities"
        + " (a DataSet); add DataSet or " + TypeModel.DATASET_VERSION + " to its entity types"
        + " in Purview, or use another classification name in the ledger");
  }

  private Set<String> effectiveEntityTypes(JsonNode classification, Set<String> seen)
      throws PurviewException {
    Set<String> own = new LinkedHashSet<>();
    classification.path("entityTypes").forEach(e -> own.add(e.asText()));
    if (!own.isEmpty() || !seen.add(String.valueOf(Json.text(classification, "name")))) {
      return own;
    }
    Set<String> inherited = new LinkedHashSet<>();
    for (JsonNode s : classification.path("superTypes")) {
      JsonNode sup = get(s.asText());
      if (sup != null) {
        inherited.addAll(effectiveEntityTypes(sup, seen));
      }
    }
    return inherited;
  }

  /** {@code type} and all its supertypes, as Purview defines them. */
  private Set<String> ancestors(String type) throws PurviewException {
    Set<String> cached = ancestors.get(type);
    if (cached != null) {
      return cached;
    }
    Set<String> out = new LinkedHashSet<>();
    List<String> queue = new ArrayList<>(List.of(type));
    while (!queue.isEmpty()) {
      String t = queue.remove(0);
      if (!out.add(t)) {
        continue;
      }
      JsonNode d = get(t);
      if (d != null) {
        d.path("superTypes").forEach(s -> queue.add(s.asText()));
      }
    }
    ancestors.put(type, out);
    return out;
  }

  /**
   * Reads several types at once (they are independent look-ups, and one after another they
   * were most of the time of a sync with nothing to send). Absent types are not in the map.
   */
  private Map<String, JsonNode> getAll(List<String> all) throws PurviewException {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    // The first alone: a wrong token, a refused connection or an outage shows up as one failed
    // request, not as a volley of them.
    JsonNode first = get(all.get(0));
    if (first != null) {
      out.put(all.get(0), first);
    }
    List<String> names = all.subList(1, all.size());
    if (names.isEmpty()) {
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_READS, names.size()),
        r -> {
          Thread t = new Thread(r, "purview-type-lookup");
          t.setDaemon(true);
          return t;
        });
    try {
      Map<String, Future<JsonNode>> futures = new LinkedHashMap<>();
      for (String n : names) {
        futures.put(n, pool.submit(() -> get(n)));
      }
      for (Map.Entry<String, Future<JsonNode>> f : futures.entrySet()) {
        JsonNode d;
        try {
          d = f.getValue().get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof PurviewException p) {
            throw p;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PurviewException(PurviewException.Reason.UNAVAILABLE,
              "interrupted while reading Purview's types", e);
        }
        if (d != null) {
          out.put(f.getKey(), d);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private JsonNode get(String name) throws PurviewException {
    AtlasHttp.Response r = http.send("GET", "/atlas/v2/types/typedef/name/" + AtlasHttp.enc(name),
        Map.of(), null);
    if (r.status() == 404) {
      return null;
    }
    if (!r.ok() || r.body() == null) {
      throw failure("reading type " + name, r);
    }
    return r.body();
  }

  private static void checkCategory(JsonNode existing, String name, String category)
      throws PurviewException {
    String c = Json.text(existing, "category");
    if (c != null && !c.equals(category)) {
      throw conflict(name + " exists in Purview as a " + c + " type, not " + category);
    }
  }

  private static PurviewException conflict(String what) {
    return new PurviewException(PurviewException.Reason.TYPE_CONFLICT,
        "Purview's type model conflicts with the ledger's: " + what
            + " (see docs/PURVIEW.md, \"Type model\")", null);
  }

  static PurviewException failure(String doing, AtlasHttp.Response r) {
    boolean retryable = r.status() == 408 || r.status() == 429 || r.status() >= 500;
    return new PurviewException(retryable ? PurviewException.Reason.UNAVAILABLE
        : PurviewException.Reason.REJECTED, "Purview failed " + doing + ": " + r.describe()
        + (retryable ? " (retries exhausted)" : ""), r.status(), r.errorCode(), -1, null);
  }
}
