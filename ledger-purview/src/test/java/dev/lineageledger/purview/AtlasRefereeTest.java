package dev.lineageledger.purview;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.atlas.exception.AtlasBaseException;
import org.apache.atlas.model.instance.AtlasEntity;
import org.apache.atlas.model.instance.EntityMutationResponse;
import org.apache.atlas.model.lineage.AtlasLineageInfo;
import org.apache.atlas.model.typedef.AtlasTypesDef;
import org.apache.atlas.type.AtlasEntityType;
import org.apache.atlas.type.AtlasType;
import org.apache.atlas.type.AtlasTypeRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Apache Atlas's own model classes and type registry (atlas-intg 2.4.0) as the referee of the
 * JSON we send and of the emulator's answers.
 */
class AtlasRefereeTest {
  @TempDir Path dir;
  AtlasTypeRegistry registry;

  /** A registry with the base model the emulator serves (Referenceable, Asset, DataSet, ...). */
  static AtlasTypeRegistry baseRegistry() throws Exception {
    AtlasTypeRegistry r = new AtlasTypeRegistry();
    try (InputStream in = PurviewEmulator.class.getResourceAsStream(
        "internal/base-types.json")) {
      add(r, AtlasType.fromJson(new String(in.readAllBytes(), "UTF-8"), AtlasTypesDef.class));
    }
    return r;
  }

  static void add(AtlasTypeRegistry r, AtlasTypesDef defs) throws AtlasBaseException {
    AtlasTypeRegistry.AtlasTransientTypeRegistry t = r.lockTypeRegistryForUpdate();
    boolean ok = false;
    try {
      t.addTypes(defs);
      ok = true;
    } finally {
      r.releaseTypeRegistryForUpdate(t, ok);
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    registry = baseRegistry();
  }

  /** Every dry-run request of a ledger with every record kind. */
  private List<PlannedRequest> planned() throws Exception {
    List<PlannedRequest> out = new ArrayList<>();
    try (Ledger l = TestPipelines.create(dir.resolve("r.ledger"))) {
      TestPipelines.pipeline(l, "r1");
      TestPipelines.many(l, 20);
      PurviewSync.dryRun(l, PurviewSyncOptions.builder(PurviewEndpoint.account("contoso"),
          PurviewAuth.staticToken("t")).batchSize(9).build(), out::add);
    }
    return out;
  }

  @Test
  void ourTypedefsRoundTripAndResolveInAtlasTypeRegistry() throws Exception {
    for (PlannedRequest p : planned()) {
      if (!p.url().contains("/types/typedefs")) {
        continue;
      }
      String ours = p.body().toString();
      AtlasTypesDef defs = AtlasType.fromJson(ours, AtlasTypesDef.class);
      assertSubset(p.body(), Http.JSON.readTree(AtlasType.toJson(defs)), "typesDef");
      add(registry, defs); // throws if a supertype or attribute type does not resolve
    }
    AtlasEntityType training = registry.getEntityTypeByName("lineage_ledger_training_run");
    assertThat(training.getAllSuperTypes()).contains("lineage_ledger_transform", "Process", "Asset");
    assertThat(training.getAllAttributes()).containsKeys("qualifiedName", "inputs", "ledgerSeq",
        "recordHash", "runId");
    assertThat(registry.getClassificationTypeByName("PII")).isNotNull();
  }

  @Test
  void ourBulkRequestsRoundTripAndValidateAgainstOurTypes() throws Exception {
    List<PlannedRequest> planned = planned();
    int entities = 0;
    for (PlannedRequest p : planned) {
      if (p.url().contains("/types/typedefs")) {
        add(registry, AtlasType.fromJson(p.body().toString(), AtlasTypesDef.class));
        continue;
      }
      AtlasEntity.AtlasEntitiesWithExtInfo req =
          AtlasType.fromJson(p.body().toString(), AtlasEntity.AtlasEntitiesWithExtInfo.class);
      assertSubset(p.body(), Http.JSON.readTree(AtlasType.toJson(req)), "bulk");
      for (AtlasEntity e : req.getEntities()) {
        entities++;
        AtlasEntityType t = registry.getEntityTypeByName(e.getTypeName());
        assertThat(t).as(e.getTypeName()).isNotNull();
        List<String> messages = new ArrayList<>();
        t.validateValue(e, e.getTypeName(), messages);
        assertThat(messages).as("Atlas validation of %s", e.getAttribute("qualifiedName")).isEmpty();
        // Nothing we send is silently dropped: every attribute is declared.
        assertThat(t.getAllAttributes().keySet()).containsAll(e.getAttributes().keySet());
        assertThat(AtlasTypeUtilGuid.isPlaceholder(e.getGuid())).isTrue();
        if (e.getClassifications() != null) {
          e.getClassifications().forEach(c ->
              assertThat(registry.getClassificationTypeByName(c.getTypeName())).isNotNull());
        }
      }
    }
    assertThat(entities).isEqualTo(14 + 22);
  }

  /** Atlas: an unassigned GUID is a negative number (AtlasTypeUtil.isUnAssignedGuid). */
  static final class AtlasTypeUtilGuid {
    static boolean isPlaceholder(String guid) {
      return org.apache.atlas.type.AtlasTypeUtil.isUnAssignedGuid(guid);
    }
  }

  @Test
  void theEmulatorsAnswersParseAsAtlasModelObjects() throws Exception {
    try (PurviewEmulator purview = PurviewEmulator.start();
        Ledger l = TestPipelines.create(dir.resolve("e.ledger"))) {
      TestPipelines.pipeline(l, "r1");
      PurviewSync.sync(l, PurviewSyncOptions.builder(PurviewEndpoint.of(purview.datamapUrl()),
          PurviewAuth.staticToken("t")).build());
      Http http = new Http(purview, "/datamap/api", "t");
      Http.Res bulk = http.post("entity/bulk", Http.q("{'entities':[{'typeName':"
          + "'lineage_ledger_deployment_target','guid':'-7','attributes':{'qualifiedName':'q1',"
          + "'name':'n','target':'t','ledgerOrigin':'o','ledgerSeq':1,'recordHash':'h',"
          + "'recordKind':'deployment'}}]}"));
      EntityMutationResponse m = AtlasType.fromJson(bulk.raw().body(), EntityMutationResponse.class);
      assertThat(m.getGuidAssignments()).containsKey("-7");
      assertThat(m.getCreatedEntities()).hasSize(1);
      assertSubset(bulk.body(), Http.JSON.readTree(AtlasType.toJson(m)), "mutation response");

      Http.Res one = http.get("entity/uniqueAttribute/type/lineage_ledger_model_version"
          + "?attr:qualifiedName=" + QualifiedNames.record(TestPipelines.ORIGIN, 4));
      AtlasEntity.AtlasEntityWithExtInfo e =
          AtlasType.fromJson(one.raw().body(), AtlasEntity.AtlasEntityWithExtInfo.class);
      assertThat(e.getEntity().getAttribute("ledgerSeq")).isEqualTo(4);
      assertSubset(one.body(), Http.JSON.readTree(AtlasType.toJson(e)), "entity");

      Http.Res lin = http.get("lineage/" + e.getEntity().getGuid() + "?direction=INPUT&depth=3");
      AtlasLineageInfo info = AtlasType.fromJson(lin.raw().body(), AtlasLineageInfo.class);
      assertThat(info.getBaseEntityGuid()).isEqualTo(e.getEntity().getGuid());
      assertThat(info.getLineageDirection()).isEqualTo(AtlasLineageInfo.LineageDirection.INPUT);
      assertThat(info.getRelations()).isNotEmpty();
      assertThat(info.getGuidEntityMap()).containsKey(e.getEntity().getGuid());
      // Purview's additions (lineageWidth, childrenCount, widthCounts, parentRelations) are
      // beyond Atlas's model; everything Atlas knows must survive.
      JsonNode atlasView = Http.JSON.readTree(AtlasType.toJson(info));
      for (String f : List.of("baseEntityGuid", "lineageDirection", "lineageDepth",
          "guidEntityMap", "relations")) {
        assertThat(atlasView.has(f)).as(f).isTrue();
      }
      for (String f : List.of("lineageWidth", "childrenCount", "widthCounts", "parentRelations")) {
        assertThat(lin.body().has(f)).as(f).isTrue();
      }
    }
  }

  /**
   * Where Atlas's type registry itself decides (supertypes and attribute types resolving,
   * attributes clashing with inherited ones), the emulator gives the same error code.
   */
  @Test
  void theEmulatorResolvesTypedefsLikeAtlasTypeRegistry() throws Exception {
    Map<String, String> cases = Map.of(
        "unknown supertype", "{'entityDefs':[{'name':'t1','superTypes':['NoSuchType'],'attributeDefs':[]}]}",
        "unknown attribute type", "{'entityDefs':[{'name':'t2','superTypes':['DataSet'],'attributeDefs':[{'name':'a','typeName':'NoSuchType','isOptional':true,'cardinality':'SINGLE'}]}]}",
        "unknown array element type", "{'entityDefs':[{'name':'t3','superTypes':['DataSet'],'attributeDefs':[{'name':'a','typeName':'array<NoSuchType>','isOptional':true,'cardinality':'SINGLE'}]}]}",
        "attribute already in parent", "{'entityDefs':[{'name':'t4','superTypes':['DataSet'],'attributeDefs':[{'name':'name','typeName':'string','isOptional':true,'cardinality':'SINGLE'}]}]}",
        "classification as supertype", "{'classificationDefs':[{'name':'C1','superTypes':[],'attributeDefs':[]}],'entityDefs':[{'name':'t5','superTypes':['C1'],'attributeDefs':[]}]}");
    try (PurviewEmulator purview = PurviewEmulator.start()) {
      Http http = new Http(purview, "/datamap/api", "t");
      for (Map.Entry<String, String> c : cases.entrySet()) {
        String json = Http.q(c.getValue());
        AtlasTypeRegistry r = baseRegistry();
        String atlasCode = null;
        String atlasMessage = null;
        try {
          add(r, AtlasType.fromJson(json, AtlasTypesDef.class));
        } catch (AtlasBaseException e) {
          atlasCode = e.getAtlasErrorCode().getErrorCode();
          atlasMessage = e.getMessage();
        }
        Http.Res res = http.post("types/typedefs", json);
        assertThat(res.code()).as(c.getKey()).isEqualTo(atlasCode).isNotNull();
        assertThat(res.message()).as(c.getKey()).isEqualTo(atlasMessage);
        assertThat(res.status()).as(c.getKey()).isEqualTo(
            org.apache.atlas.AtlasErrorCode.valueOf(name(atlasCode)).getHttpCode().getStatusCode());
      }
    }
  }

  private static String name(String code) {
    for (org.apache.atlas.AtlasErrorCode c : org.apache.atlas.AtlasErrorCode.values()) {
      if (c.getErrorCode().equals(code)) {
        return c.name();
      }
    }
    return fail("no AtlasErrorCode " + code);
  }

  /** Fields Purview adds to Atlas's model (AtlasEntityHeader has no lastModifiedTS in Atlas). */
  private static final java.util.Set<String> PURVIEW_ONLY = java.util.Set.of("lastModifiedTS",
      "collectionId");

  /** Every field of {@code ours} is in {@code theirs} with the same value. */
  static void assertSubset(JsonNode ours, JsonNode theirs, String path) {
    if (ours.isObject()) {
      assertThat(theirs.isObject()).as(path).isTrue();
      for (Map.Entry<String, JsonNode> f : ours.properties()) {
        if (f.getValue().isNull() || PURVIEW_ONLY.contains(f.getKey()) && !path.contains("attributes")) {
          continue;
        }
        assertThat(theirs.has(f.getKey())).as(path + "." + f.getKey() + " survives").isTrue();
        assertSubset(f.getValue(), theirs.get(f.getKey()), path + "." + f.getKey());
      }
    } else if (ours.isArray()) {
      assertThat(theirs.size()).as(path).isEqualTo(ours.size());
      for (int i = 0; i < ours.size(); i++) {
        assertSubset(ours.get(i), theirs.get(i), path + "[" + i + "]");
      }
    } else if (ours.isNumber()) {
      assertThat(theirs.isNumber()).as(path).isTrue();
      assertThat(theirs.decimalValue().compareTo(ours.decimalValue())).as(path).isZero();
    } else {
      assertThat(theirs).as(path).isEqualTo(ours);
    }
  }
}
