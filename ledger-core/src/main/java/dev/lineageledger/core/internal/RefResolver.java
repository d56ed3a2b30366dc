package dev.lineageledger.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.LedgerException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Resolves record references (sequence number, {@code sha256:HASH}, {@code kind:name@version},
 * or a resolved {@code {"hash","seq"}} object) against the stored ledger plus records staged in
 * the current, not yet committed, batch.
 */
public final class RefResolver {
  private static final Pattern HEX64 = Pattern.compile("(sha256:)?[0-9a-fA-F]{64}");
  private static final Pattern DIGITS = Pattern.compile("#?[0-9]{1,18}");

  /** A resolved reference. */
  public record Target(long seq, Hash hash, String kind) {}

  private LedgerStore.Reader store;

  /** Records staged by one commit group. */
  private static final class Staged {
    final Map<Long, Target> bySeq = new HashMap<>();
    final Map<Hash, Target> byHash = new HashMap<>();
    final Map<String, Target> byName = new HashMap<>();
    final Map<String, Existing> byIdentity = new HashMap<>();
    final Map<Long, java.util.List<Long>> downstream = new HashMap<>();

    void clear() {
      bySeq.clear();
      byHash.clear();
      byName.clear();
      byIdentity.clear();
      downstream.clear();
    }
  }

  /**
   * The group being built, and the one before it: a pipelined writer builds group N+1 while
   * group N, not yet committed, is invisible to the snapshot it reads from.
   */
  private Staged current = new Staged();
  private Staged previous = new Staged();

  /** The record that holds an identity (§3.5), with its canonical body bytes. */
  public record Existing(long seq, Hash hash, byte[] body) {}

  public RefResolver(LedgerStore.Reader store) {
    this.store = store;
  }

  /** The snapshot that stored records are looked up in (the writer's current transaction). */
  public void use(LedgerStore.Reader reader) {
    this.store = reader;
  }

  /**
   * Makes a record of the current batch resolvable by later records of the same batch; {@code
   * body} is its body's canonical bytes.
   */
  public void stage(long seq, Hash hash, String kind, String name, String version, byte[] body) {
    Target t = new Target(seq, hash, kind);
    if (name != null && version != null) {
      String key = kind + '\0' + name + '\0' + version;
      if (!previous.byIdentity.containsKey(key)) {
        current.byIdentity.putIfAbsent(key, new Existing(seq, hash, body));
      }
    }
    current.bySeq.put(seq, t);
    current.byHash.put(hash, t);
    if (name != null) {
      current.byName.put(kind + '\0' + name, t);
      if (version != null) {
        current.byName.put(kind + '\0' + name + '\0' + version, t);
      }
    }
  }

  /** Forgets every staged record (both groups). */
  public void clearStaged() {
    current.clear();
    previous.clear();
  }

  /** Forgets the records the current group staged; the previous group's stay. */
  public void clearCurrentGroup() {
    current.clear();
  }

  /**
   * Starts staging a new group on top of the current one, which is not yet committed; the
   * group before it is forgotten (committed, so the snapshot the next lookups use has it).
   */
  public void newGroup() {
    Staged dropped = previous;
    previous = current;
    dropped.clear();
    current = dropped;
  }

  /** Makes the edges of a record of the current batch part of the graph later records see. */
  public void stageEdges(java.util.List<Edge> edges) {
    for (Edge e : edges) {
      current.downstream.computeIfAbsent(e.src(), k -> new java.util.ArrayList<>()).add(e.dst());
    }
  }

  /** Where data flows from {@code node}: stored edges and those staged in this batch. */
  public java.util.List<Long> downstream(long node) throws LedgerException {
    java.util.List<Long> out = new java.util.ArrayList<>(
        previous.downstream.getOrDefault(node, java.util.List.of()));
    out.addAll(current.downstream.getOrDefault(node, java.util.List.of()));
    out.addAll(store.downstream(node, Long.MAX_VALUE));
    return out;
  }

  /** Whether the store wants {@link #prefetchIdentities} (its lookups are round trips). */
  public boolean prefetchesIdentities() {
    return store.prefetchesIdentities();
  }

  /** Tells the store which identities the next {@link #identity} calls will ask for. */
  public void prefetchIdentities(java.util.List<String[]> ids) throws LedgerException {
    if (!ids.isEmpty()) {
      store.prefetchIdentities(ids);
    }
  }

  /** The first record of {@code kind} named {@code name@version}, staged or stored, or null. */
  public Existing identity(String kind, String name, String version) throws LedgerException {
    String key = kind + '\0' + name + '\0' + version;
    Existing e = previous.byIdentity.get(key);
    if (e == null) {
      e = current.byIdentity.get(key);
    }
    if (e != null) {
      return e;
    }
    try {
      return store.identity(kind, name, version);
    } catch (IllegalArgumentException ex) {
      throw new FormatException("a stored record is unreadable (run 'ledger verify')", ex);
    }
  }

  static byte[] bodyOf(byte[] record) {
    try {
      return dev.lineageledger.core.CanonicalJson.canonicalize(
          dev.lineageledger.core.CanonicalJson.parse(record).get("body"));
    } catch (InvalidRecordException | RuntimeException e) {
      return new byte[0]; // unreadable: never equal to a new body, so the identity stays taken
    }
  }

  /** Resolves a reference given in a draft; {@code field} names it in error messages. */
  public Target resolve(JsonNode given, String field) throws LedgerException {
    if (given.isIntegralNumber() || (given.isNumber() && given.asDouble() == Math.rint(given.asDouble()))) {
      long seq = given.asLong();
      return require(bySeq(seq), field, "record " + seq + " does not exist");
    }
    if (given.isObject()) {
      JsonNode h = given.get("hash");
      JsonNode s = given.get("seq");
      if (given.size() != 2 || h == null || s == null || !h.isTextual() || !s.isIntegralNumber()) {
        throw new InvalidRecordException(field, "a reference object must be exactly {\"hash\": HEX, \"seq\": N}");
      }
      Target t = require(bySeq(s.asLong()), field, "record " + s.asLong() + " does not exist");
      if (!t.hash.hex().equalsIgnoreCase(h.textValue())) {
        throw new InvalidRecordException(field, "record " + s.asLong() + " has a different hash");
      }
      return t;
    }
    String ref = given.asText();
    return resolve(ref, field);
  }

  public Target resolve(String ref, String field) throws LedgerException {
    Target t = find(ref, field);
    if (t == null) {
      throw new InvalidRecordException(field, "dangling reference: " + missing(ref));
    }
    return t;
  }

  /**
   * Resolves a reference as users write it (see {@link #resolve(String, String)}), or answers
   * null if it names no record; a string that is not a reference at all is still refused.
   */
  public Target find(String ref, String field) throws LedgerException {
    if (HEX64.matcher(ref).matches()) {
      return byHash(Hash.fromHex(ref.startsWith("sha256:") ? ref.substring(7) : ref));
    }
    if (ref.startsWith("sha256:")) {
      // Not kind "sha256" named "abc": no such kind exists, and the user meant a hash.
      throw new InvalidRecordException(field, "'" + RecordSchema.printable(ref)
          + "' is not a record hash: sha256: must be followed by 64 hex digits");
    }
    if (DIGITS.matcher(ref).matches()) {
      return bySeq(Long.parseLong(ref.startsWith("#") ? ref.substring(1) : ref));
    }
    int colon = ref.indexOf(':');
    if (colon > 0) {
      String kind = ref.substring(0, colon);
      String rest = ref.substring(colon + 1);
      int at = rest.lastIndexOf('@');
      String name = at >= 0 ? rest.substring(0, at) : rest;
      String version = at >= 0 ? rest.substring(at + 1) : null;
      if (!name.isEmpty()) {
        return byName(kind, name, version);
      }
    }
    throw new InvalidRecordException(field, "'" + RecordSchema.printable(ref)
        + "' is not a record reference (use a sequence number, sha256:HASH, or kind:name@version)");
  }

  /** Why {@code ref}, a well-formed reference that {@link #find} did not find, names nothing. */
  private static String missing(String ref) {
    if (HEX64.matcher(ref).matches()) {
      return "no record with hash "
          + (ref.startsWith("sha256:") ? ref.substring(7) : ref).toLowerCase(java.util.Locale.ROOT);
    }
    if (DIGITS.matcher(ref).matches()) {
      return "record " + Long.parseLong(ref.startsWith("#") ? ref.substring(1) : ref) + " does not exist";
    }
    return "no " + ref.substring(0, ref.indexOf(':')) + " record named '"
        + RecordSchema.printable(ref.substring(ref.indexOf(':') + 1)) + "'";
  }

  private static Target require(Target t, String field, String message) throws InvalidRecordException {
    if (t == null) {
      throw new InvalidRecordException(field, "dangling reference: " + message);
    }
    return t;
  }

  private Target bySeq(long seq) throws LedgerException {
    Target t = current.bySeq.get(seq);
    if (t == null) {
      t = previous.bySeq.get(seq);
    }
    if (t != null) {
      return t;
    }
    return store.bySeq(seq);
  }

  private Target byHash(Hash h) throws LedgerException {
    Target t = current.byHash.get(h);
    if (t == null) {
      t = previous.byHash.get(h);
    }
    if (t != null) {
      return t;
    }
    return store.byHash(h);
  }

  private Target byName(String kind, String name, String version) throws LedgerException {
    String key = version == null ? kind + '\0' + name : kind + '\0' + name + '\0' + version;
    Target t = current.byName.get(key);
    if (t == null) {
      t = previous.byName.get(key);
    }
    if (t != null) {
      return t;
    }
    return store.byName(kind, name, version);
  }

}
