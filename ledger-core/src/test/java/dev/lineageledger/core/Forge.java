package dev.lineageledger.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.internal.NodeBlob;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Plays an attacker who holds the ledger's signing key and rewrites the last record with plain
 * SQL: edits its envelope, re-canonicalizes, re-hashes, re-signs (when it was signed, or when
 * the edit adds a signer) and fixes every derived column, so that the only thing wrong with the
 * result is the rule the edit breaks. The record must be after the last checkpoint.
 */
final class Forge {
  private Forge() {}

  static void rewriteLast(Path file, Ed25519Signer key, String origin, Consumer<ObjectNode> edit)
      throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      List<String> triggers = new ArrayList<>();
      try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger'")) {
        while (r.next()) {
          triggers.add(r.getString(1));
        }
      }
      for (String t : triggers) {
        s.execute("DROP TRIGGER " + t);
      }
      long seq;
      byte[] body;
      try (ResultSet r = s.executeQuery("SELECT seq, body FROM records ORDER BY seq DESC LIMIT 1")) {
        r.next();
        seq = r.getLong(1);
        body = r.getBytes(2);
      }
      ObjectNode env = (ObjectNode) CanonicalJson.parse(body);
      edit.accept(env);
      byte[] forged = CanonicalJson.canonicalize(env);
      Hash leaf = MerkleTree.leafHash(forged);
      byte[] sig = null;
      if (env.has("signer")) {
        sig = key.sign(dev.lineageledger.core.internal.Envelope.recordSignatureMessage(origin, leaf));
      }
      List<Hash> roots = new ArrayList<>();
      for (CompactRange.PerfectSubtree ps : CompactRange.decomposition(seq)) {
        roots.add(subtree(c, ps.level(), ps.index()));
      }
      byte[] nodes = NodeBlob.encode(CompactRange.of(seq, roots).append(leaf));
      String[] nv = dev.lineageledger.core.internal.RecordSchema.nameAndVersion(
          env.path("kind").asText(), env.path("body"));
      try (PreparedStatement ps = c.prepareStatement("UPDATE records SET body = ?, leaf_hash = ?,"
          + " sig = ?, nodes = ?, actor = ?, time = ?, signer = ?, kind = ?, name = ?, version = ?"
          + " WHERE seq = ?")) {
        ps.setBytes(1, forged);
        ps.setBytes(2, leaf.bytes());
        ps.setBytes(3, sig);
        ps.setBytes(4, nodes);
        ps.setString(5, env.path("actor").asText());
        ps.setString(6, env.path("time").asText());
        ps.setString(7, env.has("signer") ? env.get("signer").asText() : null);
        ps.setString(8, env.path("kind").asText());
        ps.setString(9, nv[0]);
        ps.setString(10, nv[1]);
        ps.setLong(11, seq);
        ps.executeUpdate();
      }
      // A thorough forger keeps the derived index in step too (schema version 2).
      try (PreparedStatement ps = c.prepareStatement("UPDATE record_index SET kind = ?, name = ?,"
          + " version = ?, time = ? WHERE seq = ?")) {
        ps.setString(1, env.path("kind").asText());
        ps.setString(2, nv[0]);
        ps.setString(3, nv[1]);
        ps.setString(4, env.path("time").asText());
        ps.setLong(5, seq);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE hash_index SET leaf_hash = ? WHERE seq = ?")) {
        ps.setBytes(1, leaf.bytes());
        ps.setLong(2, seq);
        ps.executeUpdate();
      }
    }
  }

  /** A stored perfect subtree hash (docs/FORMAT.md §7: records.leaf_hash and records.nodes). */
  private static Hash subtree(Connection c, int level, long index) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(level == 0
        ? "SELECT leaf_hash FROM records WHERE seq = ?"
        : "SELECT substr(nodes, " + ((level - 1) * Hash.SIZE + 1) + ", " + Hash.SIZE
            + ") FROM records WHERE seq = ?")) {
      ps.setLong(1, NodeBlob.rowOf(level, index));
      try (ResultSet r = ps.executeQuery()) {
        r.next();
        return Hash.of(r.getBytes(1));
      }
    }
  }
}
