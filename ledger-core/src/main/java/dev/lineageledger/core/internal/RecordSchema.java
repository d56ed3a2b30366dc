package dev.lineageledger.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.RecordKind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Field rules of each record kind, and the size limits. The single source of truth that
 * docs/FORMAT.md "Record kinds" and "Limits" describe.
 */
public final class RecordSchema {
  /** Largest canonical record (envelope included), in bytes. */
  public static final int MAX_RECORD_BYTES = 64 * 1024;
  public static final int MAX_ACTOR = 256;
  public static final int MAX_NAME = 256;
  public static final int MAX_VERSION = 128;
  public static final int MAX_STRING = 1024;
  public static final int MAX_URI = 2048;
  public static final int MAX_TEXT = 8192;
  public static final int MAX_LIST = 1000;
  public static final int MAX_METRICS = 256;
  /** Largest canonical size of a free-form JSON field (schema, parameters, properties). */
  public static final int MAX_JSON_BYTES = 16 * 1024;
  public static final int MAX_DEPTH = 16;

  enum Type {
    NAME, VERSION, STRING, TEXT, URI, DIGEST, COUNT, METRICS, STRING_LIST, JSON, REF, REF_LIST,
    ENUM, TIMESTAMP, VERIFIER_KEY
  }

  /** How a reference field turns into a lineage edge. */
  public enum EdgeDirection {
    /** The referenced record flows into this one (ref -> this). */
    FROM_REF,
    /** This record produced the referenced one (this -> ref). */
    TO_REF
  }

  /** A field of a kind; {@code path} is how errors name it ({@code body.NAME}). */
  record Field(
      String name, Type type, boolean required, Set<String> values, Set<String> refKinds,
      EdgeDirection direction, String path) {
    Field(String name, Type type, boolean required, Set<String> values, Set<String> refKinds,
        EdgeDirection direction) {
      this(name, type, required, values, refKinds, direction, "body." + name);
    }
  }

  /** Digest algorithms and the number of lowercase hex digits each takes (docs/FORMAT.md §3). */
  private static final Map<String, Integer> DIGEST_HEX_DIGITS = Map.of("sha256", 64,
      "sha384", 96, "sha512", 128, "sha3-256", 64, "blake2b", 128, "md5", 32);
  private static final Pattern TIMESTAMP =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})");

  private static final Set<String> DATA_KINDS = Set.of();  // empty = any kind

  private static final Map<String, List<Field>> KINDS = new LinkedHashMap<>();
  /** The names of each kind's fields, for the unknown-field check every append makes. */
  private static final Map<String, Set<String>> FIELD_NAMES = new java.util.HashMap<>();

  static {
    KINDS.put("dataset", List.of(
        f("name", Type.NAME, true), f("version", Type.VERSION, true), f("uri", Type.URI, true),
        f("digest", Type.DIGEST, true), f("schema", Type.JSON, false),
        f("rowCount", Type.COUNT, false), f("classifications", Type.STRING_LIST, false),
        f("description", Type.TEXT, false), f("properties", Type.JSON, false)));
    KINDS.put("transform", List.of(
        f("name", Type.NAME, true),
        e("type", Set.of("feature-engineering", "training", "evaluation", "inference",
            "ingestion", "other")),
        ref("inputs", Type.REF_LIST, true, DATA_KINDS, EdgeDirection.FROM_REF),
        ref("outputs", Type.REF_LIST, false, DATA_KINDS, EdgeDirection.TO_REF),
        f("codeVersion", Type.STRING, true), f("runId", Type.VERSION, true),
        f("parameters", Type.JSON, false), f("metrics", Type.METRICS, false),
        f("startedAt", Type.TIMESTAMP, false), f("endedAt", Type.TIMESTAMP, false),
        f("description", Type.TEXT, false), f("properties", Type.JSON, false)));
    KINDS.put("model", List.of(
        f("name", Type.NAME, true), f("version", Type.VERSION, true),
        f("digest", Type.DIGEST, true), f("framework", Type.STRING, true),
        f("uri", Type.URI, false), f("metrics", Type.METRICS, false),
        f("description", Type.TEXT, false), f("properties", Type.JSON, false)));
    KINDS.put("approval", List.of(
        ref("subject", Type.REF, true, DATA_KINDS, EdgeDirection.FROM_REF),
        f("approver", Type.NAME, true),
        e("decision", Set.of("approved", "rejected", "conditional")),
        f("comment", Type.TEXT, false), f("properties", Type.JSON, false)));
    KINDS.put("deployment", List.of(
        ref("model", Type.REF, true, Set.of("model"), EdgeDirection.FROM_REF),
        f("target", Type.NAME, true),
        e("action", Set.of("deploy", "rollback", "retire")),
        ref("approval", Type.REF, false, Set.of("approval"), EdgeDirection.FROM_REF),
        ref("replaces", Type.REF, false, Set.of("deployment"), EdgeDirection.FROM_REF),
        f("environment", Type.NAME, false), f("comment", Type.TEXT, false),
        f("properties", Type.JSON, false)));
    KINDS.put("key", List.of(
        e("action", Set.of("add", "revoke")), f("key", Type.VERIFIER_KEY, true),
        f("comment", Type.TEXT, false)));
    KINDS.forEach((kind, fields) -> FIELD_NAMES.put(kind, names(fields)));
  }

  private static Set<String> names(List<Field> fields) {
    return fields.stream().map(Field::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** Fields with meaning in custom kinds; every other custom field is free-form JSON. */
  private static final List<Field> CUSTOM_KNOWN = List.of(
      f("name", Type.NAME, false), f("version", Type.VERSION, false),
      ref("inputs", Type.REF_LIST, false, DATA_KINDS, EdgeDirection.FROM_REF),
      ref("outputs", Type.REF_LIST, false, DATA_KINDS, EdgeDirection.TO_REF));
  private static final Set<String> CUSTOM_KNOWN_NAMES = names(CUSTOM_KNOWN);

  private RecordSchema() {}

  private static Field f(String name, Type type, boolean required) {
    return new Field(name, type, required, Set.of(), Set.of(), null);
  }

  private static Field e(String name, Set<String> values) {
    return new Field(name, Type.ENUM, true, values, Set.of(), null);
  }

  private static Field ref(
      String name, Type type, boolean required, Set<String> kinds, EdgeDirection dir) {
    return new Field(name, type, required, Set.of(), kinds, dir);
  }

  /** A reference in a body, to be resolved against the ledger. */
  public record RefSlot(
      String field, int index, JsonNode given, Set<String> allowedKinds, EdgeDirection direction) {
    public String path() {
      return index < 0 ? "body." + field : "body." + field + "[" + index + "]";
    }
  }

  /** Validates {@code body} for {@code kind}; returns the references it contains, in order. */
  public static List<RefSlot> validate(RecordKind kind, ObjectNode body)
      throws InvalidRecordException {
    // The body sits at depth 2 of the envelope that CanonicalJson serialises.
    if (!representable(body, 2)) {
      checkRepresentable("body", body, 2); // again, naming the path: throws
    }
    List<RefSlot> refs = new ArrayList<>();
    List<Field> fields = KINDS.get(kind.name());
    if (fields != null) {
      Set<String> known = FIELD_NAMES.get(kind.name());
      Iterator<String> names = body.fieldNames();
      while (names.hasNext()) {
        String n = names.next();
        if (!known.contains(n)) {
          throw new InvalidRecordException("body." + printable(n),
              "unknown field for kind " + kind + " (put custom data in body.properties)");
        }
      }
      for (Field fd : fields) {
        JsonNode v = body.get(fd.name);
        if (v == null || v.isNull()) {
          if (fd.required) {
            throw new InvalidRecordException(fd.path, "is required for kind " + kind);
          }
          if (v != null) {
            throw new InvalidRecordException(fd.path, "must not be null (omit it)");
          }
          continue;
        }
        check(fd, v, refs);
      }
    } else {
      for (Field fd : CUSTOM_KNOWN) {
        JsonNode v = body.get(fd.name);
        if (v != null) {
          check(fd, v, refs);
        }
      }
      for (Map.Entry<String, JsonNode> en : body.properties()) {
        if (!CUSTOM_KNOWN_NAMES.contains(en.getKey())) {
          checkJson("body." + printable(en.getKey()), en.getValue());
        }
      }
    }
    return refs;
  }

  /**
   * Every value must have an RFC 8785 form, or the record cannot be hashed. JSON text parsed by
   * {@link CanonicalJson#parse} always has one, but a body built in code ({@code
   * RecordDraft.builder}, {@code RecordDraft.of}) can hold NaN, an infinity, an integer that no
   * double represents, a lone surrogate or a non-JSON node; those are invalid records, rejected
   * here with their path rather than failing later as a storage error.
   */
  private static void checkRepresentable(String path, JsonNode v, int depth)
      throws InvalidRecordException {
    switch (v.getNodeType()) {
      case OBJECT -> {
        tooDeep(path, depth);
        for (Map.Entry<String, JsonNode> m : v.properties()) {
          String p = path + "." + printable(m.getKey());
          if (hasLoneSurrogate(m.getKey())) {
            throw new InvalidRecordException(p, "member name is not valid Unicode (lone surrogate)");
          }
          checkRepresentable(p, m.getValue(), depth + 1);
        }
      }
      case ARRAY -> {
        tooDeep(path, depth);
        for (int i = 0; i < v.size(); i++) {
          checkRepresentable(path + "[" + i + "]", v.get(i), depth + 1);
        }
      }
      case STRING -> {
        if (hasLoneSurrogate(v.textValue())) {
          throw new InvalidRecordException(path, "is not valid Unicode (lone surrogate)");
        }
      }
      case NUMBER -> {
        try {
          CanonicalJson.canonicalize(v);
        } catch (IllegalArgumentException e) {
          throw new InvalidRecordException(path, e.getMessage(), e);
        }
      }
      case BOOLEAN, NULL -> { }
      default -> throw new InvalidRecordException(path, "is not a JSON value (" + v.getNodeType() + ")");
    }
  }

  /**
   * The same test as {@link #checkRepresentable} without building paths: appends validate every
   * record, and only a failing one needs its error's path.
   */
  private static boolean representable(JsonNode v, int depth) {
    switch (v.getNodeType()) {
      case OBJECT -> {
        if (depth > CanonicalJson.MAX_DEPTH) {
          return false;
        }
        for (Map.Entry<String, JsonNode> m : v.properties()) {
          if (hasLoneSurrogate(m.getKey()) || !representable(m.getValue(), depth + 1)) {
            return false;
          }
        }
        return true;
      }
      case ARRAY -> {
        if (depth > CanonicalJson.MAX_DEPTH) {
          return false;
        }
        for (int i = 0; i < v.size(); i++) {
          if (!representable(v.get(i), depth + 1)) {
            return false;
          }
        }
        return true;
      }
      case STRING -> {
        return !hasLoneSurrogate(v.textValue());
      }
      case NUMBER -> {
        if (v.isIntegralNumber() && v.canConvertToLong()
            && v.longValue() <= (1L << 53) && v.longValue() >= -(1L << 53)) {
          return true; // exactly a double: always representable
        }
        try {
          CanonicalJson.canonicalize(v);
          return true;
        } catch (IllegalArgumentException e) {
          return false;
        }
      }
      case BOOLEAN, NULL -> {
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  private static void tooDeep(String path, int depth) throws InvalidRecordException {
    if (depth > CanonicalJson.MAX_DEPTH) {
      throw new InvalidRecordException(path,
          "is nested deeper than " + CanonicalJson.MAX_DEPTH + " levels (record included)");
    }
  }

  /** True if {@code s} has a surrogate that is not half of a pair, so has no UTF-8 encoding. */
  public static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static void check(Field fd, JsonNode v, List<RefSlot> refs)
      throws InvalidRecordException {
    String path = fd.path;
    switch (fd.type) {
      case NAME -> line(path, v, MAX_NAME);
      case VERSION -> {
        String s = line(path, v, MAX_VERSION);
        if (s.indexOf('@') >= 0) {
          throw new InvalidRecordException(path, "must not contain '@'");
        }
      }
      case STRING -> line(path, v, MAX_STRING);
      case TEXT -> forbidden(path, text(path, v, MAX_TEXT), true);
      case URI -> {
        String s = line(path, v, MAX_URI);
        if (!isAbsoluteUri(s)) {
          throw new InvalidRecordException(path, "must be an absolute URI such as s3://bucket/key");
        }
      }
      case DIGEST -> {
        String s = line(path, v, 200);
        if (!isDigest(s)) {
          throw new InvalidRecordException(path,
              "must be ALGORITHM:LOWERCASE-HEX, e.g. sha256: followed by 64 hex digits");
        }
      }
      case COUNT -> {
        if (!v.isNumber() || !isIntegral(v) || v.asDouble() < 0 || v.asDouble() > 9007199254740992d) {
          throw new InvalidRecordException(path, "must be a non-negative integer up to 2^53");
        }
      }
      case METRICS -> {
        if (!v.isObject()) {
          throw new InvalidRecordException(path, "must be an object of metric name to number");
        }
        if (v.size() > MAX_METRICS) {
          throw new InvalidRecordException(path, "has more than " + MAX_METRICS + " metrics");
        }
        for (Map.Entry<String, JsonNode> m : v.properties()) {
          String mp = path + "." + printable(m.getKey());
          if (m.getKey().isEmpty() || TextRules.length(m.getKey()) > MAX_NAME) {
            throw new InvalidRecordException(mp, "metric name must be 1.." + MAX_NAME + " characters");
          }
          forbidden(mp, m.getKey(), false);
          if (!m.getValue().isNumber()) {
            throw new InvalidRecordException(mp, "must be a number");
          }
        }
      }
      case STRING_LIST -> {
        if (!v.isArray()) {
          throw new InvalidRecordException(path, "must be an array of strings");
        }
        if (v.size() > MAX_LIST) {
          throw new InvalidRecordException(path, "has more than " + MAX_LIST + " entries");
        }
        for (int i = 0; i < v.size(); i++) {
          line(path + "[" + i + "]", v.get(i), MAX_NAME);
        }
      }
      case JSON -> checkJson(path, v);
      case ENUM -> {
        if (!v.isTextual() || !fd.values.contains(v.textValue())) {
          throw new InvalidRecordException(path, "must be one of " + sorted(fd.values));
        }
      }
      case TIMESTAMP -> {
        String s = line(path, v, 64);
        if (!isRfc3339(s)) {
          throw new InvalidRecordException(path, "must be an RFC 3339 timestamp like 2026-11-29T06:28:54Z");
        }
      }
      case VERIFIER_KEY -> {
        String k = line(path, v, MAX_STRING);
        try {
          dev.lineageledger.core.VerifierKey.parse(k);
        } catch (dev.lineageledger.core.FormatException ex) {
          throw new InvalidRecordException(path, "must be a C2SP verifier key"
              + " (name+keyid+base64key): " + ex.getMessage());
        }
      }
      case REF -> refs.add(refSlot(fd, path, -1, v));
      case REF_LIST -> {
        if (!v.isArray()) {
          throw new InvalidRecordException(path, "must be an array of record references");
        }
        if (v.size() > MAX_LIST) {
          throw new InvalidRecordException(path, "has more than " + MAX_LIST + " entries");
        }
        for (int i = 0; i < v.size(); i++) {
          refs.add(refSlot(fd, path + "[" + i + "]", i, v.get(i)));
        }
      }
    }
  }

  /**
   * {@code ALGORITHM:HEX} for a known algorithm, with exactly its number of lowercase hex
   * digits.
   */
  static boolean isDigest(String s) {
    int colon = s.indexOf(':');
    Integer digits = colon < 0 ? null : DIGEST_HEX_DIGITS.get(s.substring(0, colon));
    if (digits == null || s.length() != colon + 1 + digits) {
      return false;
    }
    for (int i = colon + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * An RFC 3986 scheme ({@code ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )}), a colon, then at
   * least one character, none of them a space or a line terminator.
   */
  static boolean isAbsoluteUri(String s) {
    if (s.isEmpty() || !isAsciiLetter(s.charAt(0))) {
      return false;
    }
    int i = 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
        break;
      }
      i++;
    }
    if (i >= s.length() - 1 || s.charAt(i) != ':') {
      return false;
    }
    for (int j = i + 1; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == ' ' || c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /**
   * RFC 3339 §5.6 date-time with uppercase T and Z (§3.4), naming a real date and time: month
   * 01..12, a day that exists in that month, hour 00..23, minute 00..59, second 00..60 (a leap
   * second is allowed by RFC 3339 §5.7 only as :60 at 23:59 UTC, which we do not check beyond
   * the range), offset hours 00..23 and minutes 00..59.
   */
  static boolean isRfc3339(String s) {
    java.util.regex.Matcher m = TIMESTAMP.matcher(s);
    if (!m.matches()) {
      return false;
    }
    int year = Integer.parseInt(s.substring(0, 4));
    int month = Integer.parseInt(s.substring(5, 7));
    int day = Integer.parseInt(s.substring(8, 10));
    int hour = Integer.parseInt(s.substring(11, 13));
    int min = Integer.parseInt(s.substring(14, 16));
    int sec = Integer.parseInt(s.substring(17, 19));
    if (month < 1 || month > 12 || day < 1
        || day > java.time.YearMonth.of(year, month).lengthOfMonth()
        || hour > 23 || min > 59 || sec > 60) {
      return false;
    }
    String off = m.group(2);
    if (!off.equals("Z")) {
      int oh = Integer.parseInt(off.substring(1, 3));
      int om = Integer.parseInt(off.substring(4, 6));
      return oh <= 23 && om <= 59;
    }
    return true;
  }

  /**
   * §3.5: the identity under which a version is immutable, {name, version}; null for kinds
   * without one (approval, deployment, key, custom kinds without both name and version).
   */
  /**
   * docs/FORMAT.md §3.3, §4.1: the key a {@code key} record adds or revokes is named after this
   * log's origin (a log's key name is its origin, §5); another log's or a witness's key would
   * otherwise sign this log's checkpoints. Call after {@link #validate}.
   */
  public static void checkKeyOrigin(String kind, JsonNode body, String origin)
      throws InvalidRecordException {
    if (!"key".equals(kind)) {
      return;
    }
    String name;
    try {
      name = dev.lineageledger.core.VerifierKey.parse(body.path("key").asText()).name();
    } catch (dev.lineageledger.core.FormatException e) {
      throw new InvalidRecordException("body.key", "must be a C2SP verifier key: " + e.getMessage());
    }
    if (!name.equals(origin)) {
      throw new InvalidRecordException("body.key", "names a key of '" + printable(name)
          + "', but this ledger's keys are named after its origin '" + printable(origin)
          + "' (another log's or a witness's key cannot sign this log)");
    }
  }

  public static String[] identity(String kind, JsonNode body) {
    return switch (kind) {
      case "dataset", "model" -> new String[] {text(body, "name"), text(body, "version")};
      case "transform" -> new String[] {text(body, "name"), text(body, "runId")};
      case "approval", "deployment", "key" -> null;
      default -> text(body, "name") != null && text(body, "version") != null
          ? new String[] {text(body, "name"), text(body, "version")} : null;
    };
  }

  private static RefSlot refSlot(Field fd, String path, int index, JsonNode v)
      throws InvalidRecordException {
    if (!(v.isTextual() || (v.isNumber() && isIntegral(v)) || v.isObject())) {
      throw new InvalidRecordException(path,
          "must be a record reference: a sequence number, sha256:HASH, or kind:name@version");
    }
    return new RefSlot(fd.name, index, v, fd.refKinds, fd.direction);
  }

  private static boolean isIntegral(JsonNode v) {
    double d = v.asDouble();
    return v.isIntegralNumber() || (Double.isFinite(d) && d == Math.rint(d));
  }

  private static String line(String path, JsonNode v, int max) throws InvalidRecordException {
    String s = text(path, v, max);
    if (s.isEmpty()) {
      throw new InvalidRecordException(path, "must not be empty");
    }
    forbidden(path, s, false);
    return s;
  }

  /** §3.4: names may hold no control or bidi character; free text may also hold TAB, LF, CR. */
  private static void forbidden(String path, String s, boolean freeText) throws InvalidRecordException {
    int bad = TextRules.firstForbidden(s, freeText);
    if (bad >= 0) {
      throw new InvalidRecordException(path, String.format(
          "must not contain U+%04X (control characters and bidi controls are forbidden)", bad));
    }
  }

  private static String text(String path, JsonNode v, int max) throws InvalidRecordException {
    if (!v.isTextual()) {
      throw new InvalidRecordException(path, "must be a string");
    }
    String s = v.textValue();
    int n = TextRules.length(s);
    if (n > max) {
      throw new InvalidRecordException(path,
          "is too long (" + n + " characters, at most " + max + ")");
    }
    return s;
  }

  private static void checkJson(String path, JsonNode v) throws InvalidRecordException {
    if (depth(v) > MAX_DEPTH) {
      throw new InvalidRecordException(path, "is nested deeper than " + MAX_DEPTH + " levels");
    }
    int size = CanonicalJson.canonicalize(v).length;
    if (size > MAX_JSON_BYTES) {
      throw new InvalidRecordException(path,
          "is too large (" + size + " bytes canonical, at most " + MAX_JSON_BYTES + ")");
    }
  }

  private static int depth(JsonNode v) {
    if (!v.isContainerNode()) {
      return 0;
    }
    int d = 0;
    for (JsonNode c : v) {
      d = Math.max(d, depth(c));
    }
    return d + 1;
  }

  private static String sorted(Set<String> s) {
    return String.join(", ", new java.util.TreeSet<>(s));
  }

  /** At most 64 characters of {@code s}, control characters replaced: safe in one-line errors. */
  public static String printable(String s) {
    String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    StringBuilder b = new StringBuilder(t.length());
    t.codePoints().forEach(c -> b.append(TextRules.isForbidden(c) ? '?' : Character.toString(c)));
    return b.toString();
  }

  /** How a command line should read a field's value. */
  public enum InputShape { TEXT, INTEGER, LIST, REFERENCE, REFERENCE_LIST, JSON, METRICS }

  /**
   * The input shape of {@code field} in a body of {@code kind}, for tools that build records
   * from flags; custom kinds and unknown fields give {@code null} (free-form).
   */
  public static InputShape inputShape(String kind, String field) {
    List<Field> fields = KINDS.getOrDefault(kind, CUSTOM_KNOWN);
    for (Field f : fields) {
      if (f.name.equals(field)) {
        return switch (f.type) {
          case COUNT -> InputShape.INTEGER;
          case STRING_LIST -> InputShape.LIST;
          case REF -> InputShape.REFERENCE;
          case REF_LIST -> InputShape.REFERENCE_LIST;
          case JSON -> InputShape.JSON;
          case METRICS -> InputShape.METRICS;
          default -> InputShape.TEXT;
        };
      }
    }
    return null;
  }

  /** The (name, version) a record is found by in {@code kind:name@version} references. */
  public static String[] nameAndVersion(String kind, JsonNode body) {
    return switch (kind) {
      case "dataset", "model" -> new String[] {text(body, "name"), text(body, "version")};
      case "transform" -> new String[] {text(body, "name"), text(body, "runId")};
      case "deployment" -> new String[] {text(body, "target"), null};
      case "approval" -> new String[] {null, null};
      case "key" -> new String[] {keyLabel(text(body, "key")), null};
      default -> new String[] {text(body, "name"), text(body, "version")};
    };
  }

  /** {@code name+keyid} of a verifier key string, the name key records are found by. */
  private static String keyLabel(String vkey) {
    if (vkey == null) {
      return null;
    }
    try {
      dev.lineageledger.core.VerifierKey k = dev.lineageledger.core.VerifierKey.parse(vkey);
      return k.name() + "+" + k.keyId().hex();
    } catch (dev.lineageledger.core.FormatException e) {
      return null;
    }
  }

  private static String text(JsonNode body, String f) {
    JsonNode v = body.get(f);
    return v != null && v.isTextual() ? v.textValue() : null;
  }

  /** Replaces the reference at {@code slot} in {@code body} with its resolved form. */
  public static void setRef(ObjectNode body, RefSlot slot, JsonNode resolved) {
    if (slot.index() < 0) {
      body.set(slot.field(), resolved);
    } else {
      ((ArrayNode) body.get(slot.field())).set(slot.index(), resolved);
    }
  }
}
