package dev.lineageledger.purview.emulator.internal;

/**
 * An Atlas error answer: HTTP status, {@code errorCode} and {@code errorMessage}, with the codes
 * and message templates of Apache Atlas's {@code AtlasErrorCode} (intg module).
 */
final class AtlasError extends Exception {
  private static final long serialVersionUID = 1L;

  final int status;
  final String code;

  AtlasError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static AtlasError typeAlreadyExists(String name) {
    return new AtlasError(409, "ATLAS-409-00-001", "Given type " + name + " already exists");
  }

  static AtlasError typeNameNotFound(String name) {
    return new AtlasError(404, "ATLAS-404-00-001", "Given typename " + name + " was invalid");
  }

  static AtlasError circularReference(String name, String superType) {
    return new AtlasError(400, "ATLAS-400-00-002",
        name + ": invalid supertypes - circular reference back to self " + superType);
  }

  /** Atlas words it the other way round: "SUPERTYPE: incompatible supertype TYPE". */
  static AtlasError incompatibleSupertype(String type, String superType) {
    return new AtlasError(400, "ATLAS-400-00-003", superType + ": incompatible supertype " + type);
  }

  static AtlasError cannotAddMandatory(String type, String attr) {
    return new AtlasError(400, "ATLAS-400-00-00C", type + "." + attr + " : can not add mandatory attribute");
  }

  static AtlasError attributeDeletion(String type, String attr) {
    return new AtlasError(400, "ATLAS-400-00-00D", type + "." + attr + " : attribute delete not supported");
  }

  static AtlasError supertypeRemoval() {
    return new AtlasError(400, "ATLAS-400-00-00E", "superType remove not supported");
  }

  static AtlasError invalidTypeDefinition(String what) {
    return new AtlasError(400, "ATLAS-400-00-011", "Invalid type definition " + what);
  }

  static AtlasError typeNameInvalid(String category, String name) {
    return new AtlasError(400, "ATLAS-400-00-014", "Type " + category + " with name " + name + " does not exist");
  }

  static AtlasError typeNameInvalidFormat(String name, String category) {
    return new AtlasError(400, "ATLAS-400-00-019", name + ": invalid name for " + category
        + ".  Names must consist of a letter followed by a sequence of letter, number, space, or '_' characters");
  }

  static AtlasError invalidParameters(String what) {
    return new AtlasError(400, "ATLAS-400-00-01A", "invalid parameters: " + what);
  }

  static AtlasError invalidObjectId(String id) {
    return new AtlasError(400, "ATLAS-400-00-021", "ObjectId is not valid " + id);
  }

  static AtlasError attributeUpdateNotSupported(String type, String attr) {
    return new AtlasError(400, "ATLAS-400-00-027", type + "." + attr + " : attribute update not supported");
  }

  static AtlasError invalidRelationshipEndType(String relationship, String end1, String end2) {
    return new AtlasError(400, "ATLAS-400-00-036", "invalid relationshipDef: " + relationship
        + ": end type 1: " + end1 + ", end type 2: " + end2);
  }

  /** What Atlas 2.4's type registry reports for an attribute a supertype already has. */
  static AtlasError attributeExistsInParent(String type, String attr, String parent) {
    return new AtlasError(400, "ATLAS-400-00-09E", "Invalid attribute name: " + type + "." + attr
        + ". Attribute already exists in another parent type: " + parent);
  }

  static AtlasError instanceGuidNotFound(String guid) {
    return new AtlasError(404, "ATLAS-404-00-005", "Given instance guid " + guid + " is invalid/not found");
  }

  static AtlasError invalidInstanceParams(String message) {
    return new AtlasError(404, "ATLAS-404-00-007",
        "Invalid instance creation/updation parameters passed : " + message);
  }

  static AtlasError classificationNotFound(String name) {
    return new AtlasError(404, "ATLAS-404-00-008", "Given classification " + name + " was invalid");
  }

  static AtlasError invalidEntityForClassification(String guid, String type, String classification) {
    // As Atlas formats it: parameters in U+2018 quotes, and MessageFormat eats the template's
    // apostrophe ("ClassificationDefs").
    return new AtlasError(400, "ATLAS-400-00-055", "Entity (guid=\u2018" + guid
        + "\u2018,typename=\u2018" + type + "\u2018) cannot be classified by Classification \u2018"
        + classification + "\u2018, because \u2018" + type
        + "\u2018 is not in the ClassificationDefs restrictions.");
  }

  static AtlasError uniqueAttributeNotFound(String type, String attrs) {
    return new AtlasError(404, "ATLAS-404-00-009", "Instance " + type + " with unique attribute "
        + attrs + " does not exist");
  }

  static AtlasError referencedEntityNotFound(String id) {
    return new AtlasError(404, "ATLAS-404-00-00A", "Referenced entity " + id + " is not found");
  }

  static AtlasError methodNotAllowed(String method, String url) {
    return new AtlasError(405, "ATLAS-405-00-001", "Error 405 - The request method " + method
        + " is inappropriate for the URL: " + url);
  }

  static AtlasError internal(String what) {
    return new AtlasError(500, "ATLAS-500-00-001", "Internal server error " + what);
  }
}
