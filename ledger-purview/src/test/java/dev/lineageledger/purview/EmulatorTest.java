package dev.lineageledger.purview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.purview.emulator.Fault;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import dev.lineageledger.purview.internal.TypeModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.atlas.AtlasErrorCode;
import org.apache.atlas.model.instance.AtlasEntity;
import org.apache.atlas.model.typedef.AtlasTypesDef;
import org.apache.atlas.type.AtlasType;
import org.apache.atlas.type.AtlasTypeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static dev.lineageledger.purview.Http.q;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulator on the wire. Error codes, HTTP statuses and messages are checked against Apache
 * Atlas's AtlasErrorCode, and validation messages against Atlas's own type registry loaded with
 * the emulator's typedefs.
 */
class EmulatorTest {
  static final String T = "emulator-token";
  PurviewEmulator purview;
  Http http;

  @BeforeEach
  void start() throws Exception {
    purview = PurviewEmulator.builder().token(T).start();
    http = new Http(purview, "/datamap/api", T);
    List<ObjectNode> defs = new ArrayList<>();
    TypeModel.entityTypes().forEach(t -> defs.add(t.toJson()));
    assertThat(http.post("types/typedefs", TypeModel.typesDef(defs,
        List.of(TypeModel.classificationDef("PII", "PII"))).toString()).status()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    purview.close();
  }

  private static void assertAtlasError(Http.Res r, AtlasErrorCode code, String... params) {
    assertThat(r.code()).isEqualTo(code.getErrorCode());
    assertThat(r.status()).isEqualTo(code.getHttpCode().getStatusCode());
    assertThat(r.message()).isEqualTo(code.getFormattedErrorMessage(params));
    assertThat(r.body().get("requestId").asText()).hasSize(36);
  }

  /** A valid deployment target entity with the given placeholder and qualifiedName. */
  private static String target(String guid, String qn) {
    return "{'typeName':'lineage_ledger_deployment_target','guid':'" + guid + "','attributes':{"
        + "'qualifiedName':'" + qn + "','name':'n','target':'t','ledgerOrigin':'o','ledgerSeq':1,"
        + "'recordHash':'h','recordKind':'deployment'}}";
  }

  private static String deployment(String guid, String qn, String inputs) {
    return "{'typeName':'lineage_ledger_deployment','guid':'" + guid + "','attributes':{"
        + "'qualifiedName':'" + qn + "','name':'d','action':'deploy','target':'t','ledgerOrigin':'o',"
        + "'ledgerSeq':2,'recordHash':'h','recordKind':'deployment','inputs':" + inputs + "}}";
  }

  private Http.Res bulk(String... entities) throws Exception {
    return http.post("entity/bulk", q("{'entities':[" + String.join(",", entities) + "]}"));
  }

  @Test
  void requiresABearerTokenAnswering401InPurviewsShapeOnBothPrefixes() throws Exception {
    for (String prefix : List.of("/datamap/api", "/catalog/api")) {
      for (String token : new String[] {null, "not-the-token"}) {
        Http.Res r = new Http(purview, prefix, token).get("types/typedefs");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body().get("error").get("code").asText()).isEqualTo("Unauthorized");
        assertThat(r.body().get("error").get("message").asText()).isNotBlank();
        assertThat(r.raw().headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
      }
      assertThat(new Http(purview, prefix, T).get("types/typedefs").status()).isEqualTo(200);
    }
    assertThat(new Http(purview, "/other/api", T).get("types/typedefs").status()).isEqualTo(404);
  }

  @Test
  void typedefPostCreatesOnlyAndPutUpdatesOnlyUnderAtlasRules() throws Exception {
    assertAtlasError(http.post("types/typedefs", q("{'entityDefs':[{'name':'DataSet','superTypes':[]}]}")),
        AtlasErrorCode.TYPE_ALREADY_EXISTS, "DataSet");
    assertAtlasError(http.put("types/typedefs", q("{'entityDefs':[{'name':'nope','superTypes':['DataSet']}]}")),
        AtlasErrorCode.TYPE_NAME_NOT_FOUND, "nope");
    String base = "{'entityDefs':[{'name':'ev','superTypes':['DataSet'],'attributeDefs':["
        + "{'name':'a','typeName':'string','isOptional':true,'cardinality':'SINGLE'}%s]}]}";
    assertThat(http.post("types/typedefs", q(String.format(base, ""))).status()).isEqualTo(200);
    assertAtlasError(http.put("types/typedefs", q(String.format(base,
        ",{'name':'b','typeName':'string','isOptional':false,'cardinality':'SINGLE'}"))),
        AtlasErrorCode.CANNOT_ADD_MANDATORY_ATTRIBUTE, "ev", "b");
    assertAtlasError(http.put("types/typedefs", q("{'entityDefs':[{'name':'ev','superTypes':['DataSet'],'attributeDefs':[]}]}")),
        AtlasErrorCode.ATTRIBUTE_DELETION_NOT_SUPPORTED, "ev", "a");
    assertAtlasError(http.put("types/typedefs", q("{'entityDefs':[{'name':'ev','superTypes':[],'attributeDefs':[{'name':'a','typeName':'string','isOptional':true}]}]}")),
        AtlasErrorCode.SUPERTYPE_REMOVAL_NOT_SUPPORTED);
    assertAtlasError(http.put("types/typedefs", q("{'entityDefs':[{'name':'ev','superTypes':['DataSet'],'attributeDefs':[{'name':'a','typeName':'long','isOptional':true}]}]}")),
        AtlasErrorCode.ATTRIBUTE_UPDATE_NOT_SUPPORTED, "ev", "a");
    Http.Res ok = http.put("types/typedefs", q(String.format(base,
        ",{'name':'b','typeName':'string','isOptional':true,'cardinality':'SINGLE'}")));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.body().get("entityDefs").get(0).get("version").asInt()).isEqualTo(2);
    Http.Res got = http.get("types/typedef/name/ev");
    assertThat(got.body().get("attributeDefs")).hasSize(2);
    assertAtlasError(http.get("types/typedef/name/missing"), AtlasErrorCode.TYPE_NAME_NOT_FOUND, "missing");
  }

  /** Atlas's registry, loaded with the emulator's own typedefs, says what validation says. */
  private String atlasValidationMessage(String entityJson) throws Exception {
    AtlasTypeRegistry r = new AtlasTypeRegistry();
    AtlasTypesDef all = AtlasType.fromJson(http.get("types/typedefs").raw().body(), AtlasTypesDef.class);
    AtlasRefereeTest.add(r, all);
    AtlasEntity e = AtlasType.fromJson(q(entityJson), AtlasEntity.class);
    List<String> messages = new ArrayList<>();
    r.getEntityTypeByName(e.getTypeName()).validateValue(e, e.getTypeName(), messages);
    assertThat(messages).isNotEmpty();
    return messages.get(0);
  }

  @Test
  void entitiesAreValidatedWithAtlasCodesAndMessages() throws Exception {
    assertAtlasError(bulk("{'typeName':'no_such_type','attributes':{'qualifiedName':'x'}}"),
        AtlasErrorCode.TYPE_NAME_INVALID, "ENTITY", "no_such_type");
    String missing = "{'typeName':'lineage_ledger_deployment_target','guid':'-1','attributes':{"
        + "'qualifiedName':'q','name':'n','ledgerOrigin':'o','ledgerSeq':1,'recordHash':'h','recordKind':'k'}}";
    assertAtlasError(bulk(missing), AtlasErrorCode.INSTANCE_CRUD_INVALID_PARAMS,
        atlasValidationMessage(missing));
    String badValue = target("-1", "q").replace("'ledgerSeq':1", "'ledgerSeq':'one'");
    assertAtlasError(bulk(badValue), AtlasErrorCode.INSTANCE_CRUD_INVALID_PARAMS,
        atlasValidationMessage(badValue));
    assertAtlasError(bulk(deployment("-2", "d", "[{'guid':'-99','typeName':'lineage_ledger_deployment_target'}]")),
        AtlasErrorCode.REFERENCED_ENTITY_NOT_FOUND, "-99");
    assertAtlasError(bulk(deployment("-2", "d", "[{'typeName':'lineage_ledger_deployment_target'}]")),
        AtlasErrorCode.INVALID_OBJECT_ID, "{\"typeName\":\"lineage_ledger_deployment_target\"}");
    // Process inputs must be DataSets: a deployment is a Process.
    assertAtlasError(bulk(deployment("-2", "d", "[{'guid':'-3'}]"), deployment("-3", "d3", "[]")),
        AtlasErrorCode.INVALID_RELATIONSHIP_END_TYPE, "dataset_process_inputs", "DataSet",
        "lineage_ledger_deployment");
    assertAtlasError(bulk(target("-1", "q").replace("}}", "},'classifications':[{'typeName':'SECRET'}]}")),
        AtlasErrorCode.CLASSIFICATION_NOT_FOUND, "SECRET");
    // A classification restricted to other entity types (directly or through its supertype).
    assertThat(http.post("types/typedefs", q("{'classificationDefs':[{'name':'PROC_ONLY',"
        + "'superTypes':[],'attributeDefs':[],'entityTypes':['Process']},{'name':'PROC_CHILD',"
        + "'superTypes':['PROC_ONLY'],'attributeDefs':[],'entityTypes':[]}]}")).status())
        .isEqualTo(200);
    for (String c : List.of("PROC_ONLY", "PROC_CHILD")) {
      assertAtlasError(bulk(target("-1", "q").replace("}}", "},'classifications':[{'typeName':'"
          + c + "'}]}")), AtlasErrorCode.INVALID_ENTITY_FOR_CLASSIFICATION, "-1",
          "lineage_ledger_deployment_target", c);
    }
    assertAtlasError(http.post("entity/bulk", "{}"), AtlasErrorCode.INVALID_PARAMETERS,
        "no entities to create/update.");
    // All or nothing: nothing above was stored.
    assertThat(purview.entityCount()).isZero();
  }

  @Test
  void upsertsByQualifiedNameWithGuidAssignmentsAndAtlasMutationLists() throws Exception {
    Http.Res first = bulk(target("-1", "t1"),
        deployment("-2", "d1", "[{'typeName':'lineage_ledger_deployment_target','guid':'-1'}]"));
    assertThat(first.status()).isEqualTo(200);
    JsonNode ga = first.body().get("guidAssignments");
    assertThat(first.body().get("mutatedEntities").get("CREATE")).hasSize(2);
    String t1 = ga.get("-1").asText();
    // Same entities again, new placeholders: same GUIDs, nothing changed, nothing mutated.
    Http.Res same = bulk(target("-5", "t1"),
        deployment("-6", "d1", "[{'typeName':'lineage_ledger_deployment_target','guid':'-5'}]"));
    assertThat(same.body().get("guidAssignments").get("-5").asText()).isEqualTo(t1);
    assertThat(same.body().get("mutatedEntities").has("CREATE")).isFalse();
    assertThat(same.body().get("mutatedEntities").has("UPDATE")).isFalse();
    // A changed attribute is an UPDATE; references by unique attribute and by real GUID work.
    Http.Res changed = bulk(target("-7", "t1").replace("'name':'n'", "'name':'renamed'"),
        deployment("-8", "d2", "[{'typeName':'lineage_ledger_deployment_target',"
            + "'uniqueAttributes':{'qualifiedName':'t1'}},{'guid':'" + t1 + "'}]"));
    assertThat(changed.body().get("mutatedEntities").get("UPDATE").get(0).get("guid").asText()).isEqualTo(t1);
    assertThat(changed.body().get("mutatedEntities").get("CREATE")).hasSize(1);
    assertThat(purview.entityCount()).isEqualTo(3);
    assertAtlasError(bulk(deployment("-9", "d3", "[{'typeName':'lineage_ledger_deployment_target',"
        + "'uniqueAttributes':{'qualifiedName':'nope'}}]")), AtlasErrorCode.REFERENCED_ENTITY_NOT_FOUND,
        "AtlasObjectId{guid='null', typeName='lineage_ledger_deployment_target', uniqueAttributes={qualifiedName:nope}}");

    Http.Res one = http.get("entity/uniqueAttribute/type/lineage_ledger_deployment_target?attr:qualifiedName=t1");
    assertThat(one.body().get("entity").get("guid").asText()).isEqualTo(t1);
    assertThat(one.body().get("entity").get("attributes").get("name").asText()).isEqualTo("renamed");
    Http.Res none = http.get("entity/uniqueAttribute/type/lineage_ledger_deployment_target?attr:qualifiedName=zz");
    assertThat(none.code()).isEqualTo(AtlasErrorCode.INSTANCE_BY_UNIQUE_ATTRIBUTE_NOT_FOUND.getErrorCode());
    assertThat(none.status()).isEqualTo(404);
    assertAtlasError(http.get("entity/guid/no-such-guid"), AtlasErrorCode.INSTANCE_GUID_NOT_FOUND, "no-such-guid");
  }

  @Test
  void lineageFollowsProcessesInPurviewsShape() throws Exception {
    // a -> p1 -> b -> p2 -> c
    String ds = "{'typeName':'lineage_ledger_deployment_target','guid':'%s','attributes':{"
        + "'qualifiedName':'%s','name':'%s','target':'t','ledgerOrigin':'o','ledgerSeq':1,"
        + "'recordHash':'h','recordKind':'k'}}";
    String proc = "{'typeName':'lineage_ledger_custom_process','guid':'%s','attributes':{"
        + "'qualifiedName':'%s','name':'%s','customKind':'x.y/z','body':'{}','ledgerOrigin':'o',"
        + "'ledgerSeq':2,'recordHash':'h','recordKind':'k','inputs':[{'guid':'%s'}],'outputs':[{'guid':'%s'}]}}";
    Http.Res r = bulk(String.format(ds, "-1", "a", "a"), String.format(ds, "-2", "b", "b"),
        String.format(ds, "-3", "c", "c"), String.format(proc, "-4", "p1", "p1", "-1", "-2"),
        String.format(proc, "-5", "p2", "p2", "-2", "-3"));
    JsonNode ga = r.body().get("guidAssignments");
    String c = ga.get("-3").asText();
    Http.Res one = http.get("lineage/" + c + "?direction=INPUT&depth=1");
    assertThat(one.body().get("baseEntityGuid").asText()).isEqualTo(c);
    assertThat(one.body().get("lineageDirection").asText()).isEqualTo("INPUT");
    assertThat(one.body().get("guidEntityMap")).hasSize(3); // c, p2, b
    Http.Res two = http.get("lineage/" + c + "?direction=INPUT&depth=2");
    assertThat(two.body().get("guidEntityMap")).hasSize(5);
    assertThat(two.body().get("relations")).hasSize(4);
    JsonNode rel = two.body().get("relations").get(0);
    assertThat(rel.has("fromEntityId") && rel.has("toEntityId") && rel.has("relationshipId")).isTrue();
    assertThat(http.get("lineage/" + c + "?direction=OUTPUT&depth=3").body().get("relations")).isEmpty();
    assertThat(http.get("lineage/" + ga.get("-1").asText() + "?direction=OUTPUT&depth=3")
        .body().get("guidEntityMap")).hasSize(5);
    assertAtlasError(http.get("lineage/nope?direction=INPUT"), AtlasErrorCode.INSTANCE_GUID_NOT_FOUND, "nope");
  }

  @Test
  void faultsFireAfterNForNTimesAndAtARateWithRetryAfter() throws Exception {
    purview.inject(Fault.tooManyRequests(Duration.ofMillis(1500)).onPath("/types/typedefs")
        .afterRequests(1).times(2));
    assertThat(http.get("types/typedefs").status()).isEqualTo(200);
    Http.Res throttled = http.get("types/typedefs");
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(throttled.raw().headers().firstValue("Retry-After")).contains("2");
    assertThat(throttled.raw().headers().firstValue("retry-after-ms")).contains("1500");
    assertThat(http.get("types/typedefs").status()).isEqualTo(429);
    assertThat(http.get("types/typedefs").status()).isEqualTo(200);
    purview.inject(Fault.serviceUnavailable().onPath("/lineage/").atRate(0.5));
    int failed = 0;
    for (int i = 0; i < 40; i++) {
      failed += http.get("lineage/x").status() == 503 ? 1 : 0;
    }
    assertThat(failed).isBetween(8, 32);
    purview.clearFaults();
    purview.setLatency(Duration.ofMillis(60));
    long t0 = System.nanoTime();
    http.get("types/typedef/name/DataSet");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(60));
    assertThat(purview.requests().get(0).method()).isEqualTo("POST");
  }
}
