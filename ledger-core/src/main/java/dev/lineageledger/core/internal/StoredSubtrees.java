package dev.lineageledger.core.internal;

import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.LedgerException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Perfect subtree hashes read from {@code records.leaf_hash} and {@code records.nodes}. */
public final class StoredSubtrees implements SubtreeSource {
  private final Connection conn;
  private final Path path;

  public StoredSubtrees(Connection conn, Path path) {
    this.conn = conn;
    this.path = path;
  }

  @Override
  public Hash subtree(int level, long index) throws LedgerException {
    long row = NodeBlob.rowOf(level, index);
    String sql = level == 0
        ? "SELECT leaf_hash FROM records WHERE seq = ?"
        : "SELECT substr(nodes, " + ((level - 1) * Hash.SIZE + 1) + ", " + Hash.SIZE
            + ") FROM records WHERE seq = ?";
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setLong(1, row);
      try (ResultSet r = ps.executeQuery()) {
        if (!r.next()) {
          throw new FormatException("record " + row + " is missing (needed for tree node "
              + level + "/" + index + ")");
        }
        byte[] h = r.getBytes(1);
        if (h == null || h.length != Hash.SIZE) {
          throw new FormatException("stored tree node " + level + "/" + index + " in record "
              + row + " is malformed");
        }
        return Hash.of(h);
      }
    } catch (SQLException e) {
      throw SqliteStore.describe(path, "cannot read", e);
    }
  }
}
