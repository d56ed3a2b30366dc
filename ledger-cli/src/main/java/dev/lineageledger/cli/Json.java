package dev.lineageledger.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.LedgerRecord;
import java.util.List;

/** JSON output shared by the commands. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode base64(List<Hash> hashes) {
    ArrayNode a = MAPPER.createArrayNode();
    hashes.forEach(h -> a.add(h.base64()));
    return a;
  }

  /** A record with its position and hash: the export / log --json line format. */
  static ObjectNode record(LedgerRecord r) {
    ObjectNode o = object();
    o.put("seq", r.seq());
    o.put("hash", r.leafHash().hex());
    try {
      o.set("record", MAPPER.readTree(r.canonicalBytes()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored canonical bytes did not parse", e);
    }
    r.signature().ifPresent(s -> o.put("signature", java.util.Base64.getEncoder().encodeToString(s)));
    return o;
  }

  static String write(Object o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pretty(Object o) {
    try {
      return PRETTY.writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
