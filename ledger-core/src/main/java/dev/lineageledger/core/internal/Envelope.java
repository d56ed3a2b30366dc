package dev.lineageledger.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.Hash;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Set;

/**
 * The signed-over record envelope (docs/FORMAT.md "Record envelope"):
 * {@code {"actor","body","kind","prev","seq","signer"?,"time","v"}}, serialised with RFC 8785.
 */
public final class Envelope {
  public static final int FORMAT_VERSION = 1;
  /** Previous-hash of record 0: 32 zero bytes. */
  public static final Hash GENESIS_PREV = Hash.of(new byte[Hash.SIZE]);

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter STRICT_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
          .withResolverStyle(java.time.format.ResolverStyle.STRICT).withZone(ZoneOffset.UTC);
  private static final java.util.regex.Pattern TIME_SHAPE =
      java.util.regex.Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z");
  private static final java.util.regex.Pattern SIGNER =
      java.util.regex.Pattern.compile("[\\x21-\\x7e&&[^+]]{1,255}\\+[0-9a-f]{8}");
  /** Longest actor, in code points (§3.1). */
  public static final int MAX_ACTOR = 256;
  private static final Set<String> FIELDS =
      Set.of("actor", "body", "kind", "prev", "seq", "signer", "time", "v");

  /** Domain separation for per-record signatures (docs/FORMAT.md "Per-record signatures"). */
  private static final byte[] RECORD_SIG_PREFIX =
      "lineage-ledger/v1 record-signature\n".getBytes(StandardCharsets.US_ASCII);

  private Envelope() {}

  public record Parsed(
      int version, long seq, Hash prev, String kind, String actor, String time, String signer,
      ObjectNode body) {}

  /** Fixed-width UTC millisecond timestamps, so that text order is time order. */
  public static String formatTime(Instant t) {
    return TIME.format(t);
  }

  /**
   * §3.1: exactly {@code YYYY-MM-DDTHH:MM:SS.mmmZ} (uppercase T and Z, three fraction digits,
   * UTC) naming a real instant of the proleptic Gregorian calendar (month 13, 24:00 or February
   * 30 are not times).
   */
  public static boolean isValidTime(String t) {
    if (t == null || !TIME_SHAPE.matcher(t).matches()) {
      return false;
    }
    try {
      STRICT_TIME.parse(t);
      return true;
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  /** The actor rule of §3.1, shared by the writer and the verifier; null when it holds. */
  public static String actorProblem(String actor) {
    if (actor == null || actor.isEmpty()) {
      return "must not be empty";
    }
    if (TextRules.length(actor) > MAX_ACTOR) {
      return "is too long (at most " + MAX_ACTOR + " characters)";
    }
    int bad = TextRules.firstForbidden(actor, false);
    return bad < 0 ? null : String.format("must not contain U+%04X (control or bidi character)", bad);
  }

  /** §3.1 rules on the envelope members' values, beyond their types. */
  public static void checkFields(Parsed p) throws FormatException {
    if (!isValidTime(p.time())) {
      throw new FormatException("record time '" + TextRules.escape(p.time())
          + "' is not a UTC time like 2026-11-01T00:00:00.000Z");
    }
    String a = actorProblem(p.actor());
    if (a != null) {
      throw new FormatException("record actor " + a);
    }
    if (p.signer() != null && !SIGNER.matcher(p.signer()).matches()) {
      throw new FormatException("record signer must be a key name, '+' and 8 lowercase hex digits");
    }
  }

  public static ObjectNode build(
      long seq, Hash prev, String kind, String actor, String time, String signer, JsonNode body) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("actor", actor);
    n.set("body", body);
    n.put("kind", kind);
    n.put("prev", prev.hex());
    n.put("seq", seq);
    if (signer != null) {
      n.put("signer", signer);
    }
    n.put("time", time);
    n.put("v", FORMAT_VERSION);
    return n;
  }

  private static final String[] NAMES = {"actor", "body", "kind", "prev", "seq", "time", "v"};
  private static final String[] NAMES_SIGNED =
      {"actor", "body", "kind", "prev", "seq", "signer", "time", "v"};
  private static final byte[] VERSION_BYTES =
      Integer.toString(FORMAT_VERSION).getBytes(StandardCharsets.US_ASCII);

  /**
   * The canonical bytes of the envelope {@link #build} makes, from the body's canonical bytes
   * ({@code CanonicalJson.canonicalize(body, 2)}): byte-identical to canonicalising {@code
   * build(...)}, without walking the body again (the writer canonicalises each body once).
   */
  public static byte[] canonical(long seq, Hash prev, String kind, String actor, String time,
      String signer, byte[] canonicalBody) {
    byte[] seqBytes = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
    if (signer == null) {
      return dev.lineageledger.core.CanonicalJson.canonicalObject(NAMES, new byte[][] {
          string(actor), canonicalBody, string(kind), string(prev.hex()), seqBytes, string(time),
          VERSION_BYTES});
    }
    return dev.lineageledger.core.CanonicalJson.canonicalObject(NAMES_SIGNED, new byte[][] {
        string(actor), canonicalBody, string(kind), string(prev.hex()), seqBytes, string(signer),
        string(time), VERSION_BYTES});
  }

  private static byte[] string(String s) {
    if (s == null) {
      return "null".getBytes(StandardCharsets.US_ASCII); // as build() stores it
    }
    // Printable ASCII other than '"' and '\\' is its own RFC 8785 serialisation (§3.2.2.2):
    // the common case (kinds, hex, times, most actors) without the general serialiser.
    byte[] out = new byte[s.length() + 2];
    out[0] = '"';
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return dev.lineageledger.core.CanonicalJson.canonicalize(
            com.fasterxml.jackson.databind.node.TextNode.valueOf(s));
      }
      out[i + 1] = (byte) c;
    }
    out[out.length - 1] = '"';
    return out;
  }

  /** Structural parse of an envelope; the caller has already checked canonical form. */
  public static Parsed parse(JsonNode n) throws FormatException {
    if (!n.isObject()) {
      throw new FormatException("record is not a JSON object");
    }
    Iterator<String> it = n.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new FormatException("record has unknown envelope field '" + f + "'");
      }
    }
    JsonNode v = n.get("v");
    if (v == null || !v.isIntegralNumber() || v.asInt() != FORMAT_VERSION) {
      throw new FormatException("record format version must be " + FORMAT_VERSION);
    }
    JsonNode seq = n.get("seq");
    if (seq == null || !seq.isIntegralNumber() || seq.asLong() < 0) {
      throw new FormatException("record seq must be a non-negative integer");
    }
    Hash prev = Hash.fromHex(str(n, "prev"));
    JsonNode body = n.get("body");
    if (body == null || !body.isObject()) {
      throw new FormatException("record body must be an object");
    }
    JsonNode signer = n.get("signer");
    if (signer != null && !signer.isTextual()) {
      throw new FormatException("record signer must be a string");
    }
    return new Parsed(v.asInt(), seq.asLong(), prev, str(n, "kind"), str(n, "actor"),
        str(n, "time"), signer == null ? null : signer.textValue(), (ObjectNode) body);
  }

  private static String str(JsonNode n, String f) throws FormatException {
    JsonNode v = n.get(f);
    if (v == null || !v.isTextual()) {
      throw new FormatException("record " + f + " must be a string");
    }
    return v.textValue();
  }

  /**
   * The exact bytes an Ed25519 per-record signature covers: the ASCII line {@code
   * "lineage-ledger/v1 record-signature\n"}, the ledger origin in UTF-8, a newline, then the 32
   * bytes of the record's leaf hash.
   */
  public static byte[] recordSignatureMessage(String origin, Hash leafHash) {
    byte[] o = origin.getBytes(StandardCharsets.UTF_8);
    byte[] m = new byte[RECORD_SIG_PREFIX.length + o.length + 1 + Hash.SIZE];
    System.arraycopy(RECORD_SIG_PREFIX, 0, m, 0, RECORD_SIG_PREFIX.length);
    System.arraycopy(o, 0, m, RECORD_SIG_PREFIX.length, o.length);
    m[RECORD_SIG_PREFIX.length + o.length] = '\n';
    leafHash.copyTo(m, RECORD_SIG_PREFIX.length + o.length + 1);
    return m;
  }

  /** The canonical resolved-reference object {@code {"hash":HEX,"seq":N}}. */
  public static ObjectNode refNode(long seq, Hash hash) {
    ObjectNode r = JsonNodeFactory.instance.objectNode();
    r.put("hash", hash.hex());
    r.put("seq", seq);
    return r;
  }
}
