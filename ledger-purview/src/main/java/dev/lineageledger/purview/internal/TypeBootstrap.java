package dev.lineageledger.purview.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.purview.PurviewException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Idempotent typedef bootstrap: reads what exists, creates what is missing (POST), adds
 * missing attributes to existing types (PUT, as optional attributes, since Atlas refuses to add
 * mandatory ones), and never fails because a type already exists. A type that exists with an
 * incompatible shape (another category or supertype, an attribute of another type) is a
 * {@link PurviewException.Reason#TYPE_CONFLICT}: a sync cannot fix that safely.
 */
public final class TypeBootstrap {
  private static final String TYPEDEFS = "/atlas/v2/types/typedefs";

  private final AtlasHttp http;
  private final Set<String> knownClassifications = new HashSet<>();
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
    List<ObjectNode> create = new ArrayList<>();
    List<ObjectNode> update = new ArrayList<>();
    for (TypeModel.EntityType t : TypeModel.entityTypes()) {
      JsonNode existing = get(t.name());
      if (existing == null) {
        create.add(t.toJson());
        continue;
      }
      checkCategory(existing, t.name(), "ENTITY");
      JsonNode supers = existing.get("superTypes");
      boolean hasSuper = false;
      if (supers != null) {
        for (JsonNode s : supers) {
          hasSuper |= s.asText().equals(t.superType());
        }
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
      if (changed) {
        update.add(merged);
      }
    }
    if (!create.isEmpty()) {
      write("POST", TypeModel.typesDef(create, List.of()));
      created += create.size();
    }
    if (!update.isEmpty()) {
      write("PUT", TypeModel.typesDef(update, List.of()));
      updated += update.size();
    }
  }

  /** Makes sure the classification types exist (created as plain classifications). */
  public void ensureClassifications(Set<String> typeNames) throws PurviewException {
    List<ObjectNode> create = new ArrayList<>();
    for (String name : typeNames) {
      if (knownClassifications.contains(name)) {
        continue;
      }
      JsonNode existing = get(name);
      if (existing == null) {
        create.add(TypeModel.classificationDef(name, name));
      } else {
        checkCategory(existing, name, "CLASSIFICATION");
        knownClassifications.add(name);
      }
    }
    if (!create.isEmpty()) {
      write("POST", TypeModel.typesDef(List.of(), create));
      created += create.size();
      create.forEach(c -> knownClassifications.add(c.get("name").asText()));
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

  private void write(String method, ObjectNode typesDef) throws PurviewException {
    AtlasHttp.Response r = http.send(method, TYPEDEFS, Map.of(), typesDef);
    if (!r.ok()) {
      throw failure((method.equals("POST") ? "creating" : "updating") + " types", r);
    }
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
