package dev.lineageledger.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A stored record as read back: its position, leaf hash, canonical bytes and the envelope
 * fields. Values are read from the stored canonical bytes, not from derived columns.
 */
public final class LedgerRecord {
  private final long seq;
  private final Hash leafHash;
  private final byte[] canonical;
  private final byte[] signature;
  private final String kind;
  private final String actor;
  private final String time;
  private final String signer;
  private final Hash prev;
  private final ObjectNode body;

  public LedgerRecord(long seq, Hash leafHash, byte[] canonical, byte[] signature, String kind,
      String actor, String time, String signer, Hash prev, ObjectNode body) {
    this.seq = seq;
    this.leafHash = leafHash;
    this.canonical = canonical.clone();
    this.signature = signature == null ? null : signature.clone();
    this.kind = kind;
    this.actor = actor;
    this.time = time;
    this.signer = signer;
    this.prev = prev;
    this.body = body.deepCopy();
  }

  public long seq() {
    return seq;
  }

  public Hash leafHash() {
    return leafHash;
  }

  /** The RFC 8785 canonical bytes, a fresh copy. */
  public byte[] canonicalBytes() {
    return canonical.clone();
  }

  public String canonicalJson() {
    return new String(canonical, StandardCharsets.UTF_8);
  }

  public Optional<byte[]> signature() {
    return Optional.ofNullable(signature == null ? null : signature.clone());
  }

  public String kind() {
    return kind;
  }

  public String actor() {
    return actor;
  }

  public String time() {
    return time;
  }

  /** The signed-note name+keyid of the record signer, for per-record-signed records. */
  public Optional<String> signer() {
    return Optional.ofNullable(signer);
  }

  public Hash prev() {
    return prev;
  }

  /** A copy of the body. */
  public ObjectNode body() {
    return body.deepCopy();
  }

  /** A body field as text, or null. */
  public String text(String field) {
    JsonNode v = body.get(field);
    return v != null && v.isTextual() ? v.textValue() : null;
  }

  /** A short human label: {@code kind name@version} where those exist. */
  public String label() {
    String[] nv = dev.lineageledger.core.internal.RecordSchema.nameAndVersion(kind, body);
    StringBuilder b = new StringBuilder(kind);
    if (nv[0] != null) {
      b.append(' ').append(nv[0]);
      if (nv[1] != null) {
        b.append('@').append(nv[1]);
      }
    } else if (kind.equals("approval")) {
      JsonNode d = body.get("decision");
      b.append(' ').append(d == null ? "" : d.asText()).append(" by ").append(text("approver"));
    }
    if (kind.equals("deployment")) {
      JsonNode a = body.get("action");
      b.append(" (").append(a == null ? "" : a.asText()).append(')');
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "#" + seq + " " + label();
  }
}
