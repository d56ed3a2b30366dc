package dev.lineageledger.purview.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The Atlas v2 type definitions for ledger entities (docs/PURVIEW.md "Type model"). Every type
 * has exactly one supertype, {@code DataSet} or {@code Process} from Atlas's base model (or one
 * of ours), because Purview draws lineage for {@code Process} entities whose {@code inputs} and
 * {@code outputs} are {@code DataSet}s.
 */
public final class TypeModel {
  public static final String SERVICE_TYPE = "Lineage Ledger";
  /** Version of this type model; raised whenever a type gains attributes. */
  public static final String TYPE_VERSION = "1.0";

  public static final String DATASET_VERSION = "lineage_ledger_dataset_version";
  public static final String MODEL_VERSION = "lineage_ledger_model_version";
  public static final String DEPLOYMENT_TARGET = "lineage_ledger_deployment_target";
  public static final String CUSTOM_DATASET = "lineage_ledger_custom_dataset";
  public static final String TRANSFORM = "lineage_ledger_transform";
  public static final String FEATURE_ENGINEERING = "lineage_ledger_feature_engineering";
  public static final String TRAINING_RUN = "lineage_ledger_training_run";
  public static final String EVALUATION = "lineage_ledger_evaluation";
  public static final String DEPLOYMENT = "lineage_ledger_deployment";
  public static final String CUSTOM_PROCESS = "lineage_ledger_custom_process";

  /** Our entity types, each after its supertype. */
  public static final List<String> ENTITY_TYPES = List.of(DATASET_VERSION, MODEL_VERSION,
      DEPLOYMENT_TARGET, CUSTOM_DATASET, TRANSFORM, FEATURE_ENGINEERING, TRAINING_RUN, EVALUATION,
      DEPLOYMENT, CUSTOM_PROCESS);

  /** Types that are DataSets in Purview: they may be inputs and outputs of processes. */
  public static final List<String> DATASET_TYPES =
      List.of(DATASET_VERSION, MODEL_VERSION, DEPLOYMENT_TARGET, CUSTOM_DATASET);

  private TypeModel() {}

  /** An attribute definition: name, Atlas type, and whether it is required. */
  public record Attr(String name, String typeName, boolean required) {
    ObjectNode toJson() {
      ObjectNode a = Json.object();
      a.put("name", name);
      a.put("typeName", typeName);
      a.put("cardinality", "SINGLE");
      a.put("isOptional", !required);
      a.put("isUnique", false);
      a.put("isIndexable", required);
      return a;
    }
  }

  /** Carried by every ledger entity, so anyone can cross-check Purview against the ledger. */
  public static final List<Attr> LEDGER_ATTRS = List.of(
      new Attr("ledgerOrigin", "string", true),
      new Attr("ledgerSeq", "long", true),
      new Attr("recordHash", "string", true),
      new Attr("recordKind", "string", true),
      new Attr("recordedBy", "string", false),
      new Attr("recordedAt", "date", false),
      new Attr("approvalDecision", "string", false),
      new Attr("approvedBy", "string", false),
      new Attr("approvalSeq", "long", false),
      new Attr("approvalRecordHash", "string", false),
      new Attr("approvalComment", "string", false));

  /** The definition of one of our entity types. */
  public record EntityType(String name, String superType, String description, List<Attr> attrs) {
    public ObjectNode toJson() {
      ObjectNode d = Json.object();
      d.put("category", "ENTITY");
      d.put("name", name);
      d.put("description", description);
      d.put("typeVersion", TYPE_VERSION);
      d.put("serviceType", SERVICE_TYPE);
      d.putArray("superTypes").add(superType);
      ArrayNode a = d.putArray("attributeDefs");
      attrs.forEach(x -> a.add(x.toJson()));
      return d;
    }
  }

  private static List<Attr> withLedger(Attr... own) {
    List<Attr> l = new ArrayList<>(List.of(own));
    l.addAll(LEDGER_ATTRS);
    return List.copyOf(l);
  }

  /** All our entity types, supertypes first. */
  public static List<EntityType> entityTypes() {
    return List.of(
        new EntityType(DATASET_VERSION, "DataSet", "A dataset version recorded in a Lineage Ledger.",
            withLedger(new Attr("datasetName", "string", true),
                new Attr("datasetVersion", "string", true), new Attr("uri", "string", true),
                new Attr("contentDigest", "string", true), new Attr("rowCount", "long", false),
                new Attr("schema", "string", false), new Attr("properties", "string", false))),
        new EntityType(MODEL_VERSION, "DataSet", "A model version recorded in a Lineage Ledger.",
            withLedger(new Attr("modelName", "string", true),
                new Attr("modelVersion", "string", true),
                new Attr("artifactDigest", "string", true), new Attr("framework", "string", true),
                new Attr("uri", "string", false),
                new Attr("metrics", "map<string,double>", false),
                new Attr("properties", "string", false))),
        new EntityType(DEPLOYMENT_TARGET, "DataSet",
            "A deployment target (serving endpoint) named in a Lineage Ledger.",
            withLedger(new Attr("target", "string", true), new Attr("environment", "string", false),
                new Attr("lastAction", "string", false), new Attr("servingModel", "string", false))),
        new EntityType(CUSTOM_DATASET, "DataSet",
            "A record of a custom kind without inputs or outputs.",
            withLedger(new Attr("customKind", "string", true), new Attr("body", "string", true))),
        new EntityType(TRANSFORM, "Process",
            "A transform run recorded in a Lineage Ledger (feature engineering, training, ...).",
            withLedger(new Attr("transformType", "string", true), new Attr("runId", "string", true),
                new Attr("codeVersion", "string", true), new Attr("parameters", "string", false),
                new Attr("metrics", "map<string,double>", false),
                new Attr("startedAt", "date", false), new Attr("endedAt", "date", false),
                new Attr("properties", "string", false))),
        new EntityType(FEATURE_ENGINEERING, TRANSFORM, "A feature-engineering run.", List.of()),
        new EntityType(TRAINING_RUN, TRANSFORM, "A model training run.", List.of()),
        new EntityType(EVALUATION, TRANSFORM, "A model evaluation run.", List.of()),
        new EntityType(DEPLOYMENT, "Process",
            "A model deployed to, rolled back on, or retired from a target.",
            withLedger(new Attr("action", "string", true), new Attr("target", "string", true),
                new Attr("environment", "string", false),
                new Attr("replacesDeployment", "string", false))),
        new EntityType(CUSTOM_PROCESS, "Process",
            "A record of a custom kind with inputs or outputs.",
            withLedger(new Attr("customKind", "string", true), new Attr("body", "string", true))));
  }

  public static EntityType entityType(String name) {
    return entityTypes().stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not a ledger type: " + name));
  }

  /** Every attribute of {@code type}, its own and inherited from our types (not Atlas's). */
  public static List<Attr> allAttrs(String type) {
    EntityType t = entityType(type);
    List<Attr> out = new ArrayList<>(t.attrs());
    if (ENTITY_TYPES.contains(t.superType())) {
      out.addAll(allAttrs(t.superType()));
    }
    return out;
  }

  /** The transform subtype for a ledger transform {@code type}, or the base transform type. */
  public static String transformType(String transformKind) {
    return switch (transformKind == null ? "" : transformKind) {
      case "feature-engineering" -> FEATURE_ENGINEERING;
      case "training" -> TRAINING_RUN;
      case "evaluation" -> EVALUATION;
      default -> TRANSFORM;
    };
  }

  /**
   * The prefix of classification types whose ledger names Purview would not accept as they are
   * (docs/PURVIEW.md "Classifications"). Reserved: a ledger name that itself starts with it
   * (in any case) is encoded too, so the mapping stays one-to-one.
   */
  public static final String ENCODED_CLASSIFICATION_PREFIX = "LINEAGE_LEDGER.";

  /** Purview's rule for classification names: a letter, then letters, digits, '.' or '_'. */
  private static final java.util.regex.Pattern PURVIEW_CLASSIFICATION =
      java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9._]*");

  /** Microsoft's system classifications live in this reserved namespace. */
  public static final String SYSTEM_CLASSIFICATION_PREFIX = "MICROSOFT.";

  /**
   * The Purview classification type for a ledger classification. One-to-one, so distinct
   * ledger names never share a type:
   *
   * <ul>
   *   <li>a name Purview accepts as it is (a letter, then letters, digits, '.' or '_'), unless
   *       it starts with {@value #ENCODED_CLASSIFICATION_PREFIX}, is used as itself: {@code PII},
   *       {@code pii.email}, and Microsoft's system classifications such as
   *       {@code MICROSOFT.PERSONAL.EMAIL};
   *   <li>any other name becomes {@value #ENCODED_CLASSIFICATION_PREFIX} followed by the name
   *       with every character other than an ASCII letter or digit written as {@code _XX} per
   *       UTF-8 byte (two upper-case hex digits): {@code pii-email} becomes
   *       {@code LINEAGE_LEDGER.pii_2Demail}, {@code GDPR special category} becomes
   *       {@code LINEAGE_LEDGER.GDPR_20special_20category}. Since '_' is always followed by
   *       exactly two hex digits, the encoding can be read back unambiguously.
   * </ul>
   */
  public static String classificationType(String classification) {
    String c = classification.strip();
    if (PURVIEW_CLASSIFICATION.matcher(c).matches() && !c.regionMatches(true, 0,
        ENCODED_CLASSIFICATION_PREFIX, 0, ENCODED_CLASSIFICATION_PREFIX.length())) {
      return c;
    }
    StringBuilder b = new StringBuilder(ENCODED_CLASSIFICATION_PREFIX);
    for (byte x : c.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int u = x & 0xff;
      if (u < 128 && (Character.isLetterOrDigit(u))) {
        b.append((char) u);
      } else {
        b.append('_').append(String.format(java.util.Locale.ROOT, "%02X", u));
      }
    }
    return b.toString();
  }

  public static ObjectNode classificationDef(String typeName, String original) {
    ObjectNode d = Json.object();
    d.put("category", "CLASSIFICATION");
    d.put("name", typeName);
    d.put("description", "Classification '" + original + "' recorded in a Lineage Ledger.");
    d.put("typeVersion", TYPE_VERSION);
    d.put("serviceType", SERVICE_TYPE);
    d.putArray("superTypes");
    d.putArray("attributeDefs");
    d.putArray("entityTypes");
    return d;
  }

  /** An AtlasTypesDef body holding {@code entityDefs} and {@code classificationDefs}. */
  public static ObjectNode typesDef(List<ObjectNode> entityDefs, List<ObjectNode> classificationDefs) {
    ObjectNode t = Json.object();
    t.putArray("enumDefs");
    t.putArray("structDefs");
    t.putArray("classificationDefs").addAll(classificationDefs);
    t.putArray("entityDefs").addAll(entityDefs);
    t.putArray("relationshipDefs");
    return t;
  }
}
