package dev.lineageledger.purview;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.purview.internal.AtlasHttp;
import dev.lineageledger.purview.internal.EntityMapper;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads back what a sync wrote: entities by unique attribute and Purview's lineage graph. Uses
 * the same endpoint, authentication and retry policy as a sync. Results are Atlas JSON.
 */
public final class PurviewClient {
  private final AtlasHttp http;

  public PurviewClient(PurviewSyncOptions options) throws PurviewException {
    this.http = new AtlasHttp(options);
  }

  /** {@code GET /atlas/v2/entity/uniqueAttribute/type/{type}?attr:qualifiedName=...}. */
  public Optional<JsonNode> entity(String typeName, String qualifiedName) throws PurviewException {
    AtlasHttp.Response r = http.send("GET", "/atlas/v2/entity/uniqueAttribute/type/"
        + AtlasHttp.enc(typeName), Map.of("attr:qualifiedName", qualifiedName), null);
    if (r.status() == 404) {
      return Optional.empty();
    }
    if (!r.ok() || r.body() == null || r.body().get("entity") == null) {
      throw new PurviewException(PurviewException.Reason.REJECTED, "Purview failed reading "
          + typeName + " " + qualifiedName + ": " + r.describe(), r.status(), r.errorCode(), -1, null);
    }
    return Optional.of(r.body().get("entity"));
  }

  /** The entity that stands for ledger record {@code seq}, if it is in Purview. */
  public Optional<JsonNode> entityOfRecord(Ledger ledger, long seq)
      throws PurviewException, LedgerException {
    EntityMapper m = new EntityMapper(ledger.origin(), s -> ledger.record(s)
        .orElseThrow(() -> new LedgerException("record " + s + " does not exist")));
    EntityMapper.EntityRef ref = m.entityOf(seq);
    return ref == null ? Optional.empty() : entity(ref.typeName(), ref.qualifiedName());
  }

  /**
   * {@code GET /atlas/v2/lineage/{guid}?direction=INPUT|OUTPUT|BOTH&depth=N}, in Purview's shape
   * ({@code baseEntityGuid, guidEntityMap, relations, ...}).
   */
  public JsonNode lineage(String guid, String direction, int depth) throws PurviewException {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("direction", direction.toUpperCase(Locale.ROOT));
    q.put("depth", String.valueOf(depth));
    AtlasHttp.Response r = http.send("GET", "/atlas/v2/lineage/" + AtlasHttp.enc(guid), q, null);
    if (!r.ok() || r.body() == null) {
      throw new PurviewException(PurviewException.Reason.REJECTED, "Purview failed reading the"
          + " lineage of " + guid + ": " + r.describe(), r.status(), r.errorCode(), -1, null);
    }
    return r.body();
  }
}
