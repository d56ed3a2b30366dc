package dev.lineageledger.core.internal;

import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.NoteSignature;
import dev.lineageledger.core.SignedNote;
import dev.lineageledger.core.StoredCheckpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoints are stored as their body plus one row per signature line, so that cosignatures
 * can be added append-only. The note text is the body, a blank line, and the lines in insertion
 * order (C2SP signed-note).
 */
public final class CheckpointTable {
  private CheckpointTable() {}

  public static StoredCheckpoint insert(Connection conn, Checkpoint c, SignedNote note)
      throws SQLException, LedgerException {
    try (PreparedStatement ps = conn.prepareStatement(
        "INSERT OR IGNORE INTO checkpoints(size, root, body, created) VALUES (?, ?, ?, ?)")) {
      ps.setLong(1, c.size());
      ps.setBytes(2, c.root().bytes());
      ps.setString(3, c.body());
      ps.setString(4, Envelope.formatTime(Instant.now()));
      ps.executeUpdate();
    }
    try (PreparedStatement ps = conn.prepareStatement(
        "INSERT OR IGNORE INTO checkpoint_signatures(size, line) VALUES (?, ?)")) {
      for (String line : signatureLines(note)) {
        ps.setLong(1, c.size());
        ps.setString(2, line);
        ps.executeUpdate();
      }
    }
    return read(conn, c.size());
  }

  /** The signature lines of a note, without their trailing newlines. */
  static List<String> signatureLines(SignedNote note) {
    List<String> out = new ArrayList<>();
    for (NoteSignature sig : note.signatures()) {
      String l = sig.line();
      out.add(l.endsWith("\n") ? l.substring(0, l.length() - 1) : l);
    }
    return out;
  }

  public static StoredCheckpoint read(Connection conn, long size) throws SQLException, LedgerException {
    List<StoredCheckpoint> l = query(conn, "WHERE size = ?", size);
    return l.isEmpty() ? null : l.get(0);
  }

  public static StoredCheckpoint latest(Connection conn) throws SQLException, LedgerException {
    List<StoredCheckpoint> l = query(conn, "WHERE size = (SELECT max(size) FROM checkpoints)");
    return l.isEmpty() ? null : l.get(0);
  }

  /** Every checkpoint, smallest first. Checkpoints are few (one per N records). */
  public static List<StoredCheckpoint> all(Connection conn) throws SQLException, LedgerException {
    return query(conn, "");
  }

  /** Raw rows for verification: size, stored root column, body text, note text (or a parse error). */
  public record Row(long size, byte[] root, String body, String noteText) {}

  /** A checkpoint's signature lines, newline-joined in insertion order: its note's tail. */
  private static final String SIGNATURE_LINES = "(SELECT group_concat(line, char(10)) FROM"
      + " (SELECT line FROM checkpoint_signatures s WHERE s.size = c.size ORDER BY id))";

  public static List<Row> rows(Connection conn) throws SQLException {
    return rows(conn, "");
  }

  /** The smallest stored checkpoint, or null: O(1), for writers checking their key on open. */
  public static Row first(Connection conn) throws SQLException {
    List<Row> l = rows(conn, " LIMIT 1");
    return l.isEmpty() ? null : l.get(0);
  }

  private static List<Row> rows(Connection conn, String limit) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement(
            "SELECT c.size, c.root, c.body, " + SIGNATURE_LINES
                + " FROM checkpoints c WHERE c.size >= 0 ORDER BY c.size" + limit);
        ResultSet r = ps.executeQuery()) {
      while (r.next()) {
        String body = r.getString(3);
        String lines = r.getString(4);
        String text = body + "\n" + (lines == null ? "" : lines + "\n");
        out.add(new Row(r.getLong(1), r.getBytes(2), body, text));
      }
    }
    return out;
  }

  private static List<StoredCheckpoint> query(Connection conn, String where, Object... args)
      throws SQLException, LedgerException {
    List<StoredCheckpoint> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT c.size, c.body, c.created, " + SIGNATURE_LINES
            + " FROM checkpoints c " + where + " ORDER BY c.size")) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          String body = r.getString(2);
          String lines = r.getString(4);
          if (lines == null) {
            throw new FormatException("checkpoint " + r.getLong(1) + " has no signature");
          }
          SignedNote note = SignedNote.parse(body + "\n" + lines + "\n");
          out.add(new StoredCheckpoint(Checkpoint.parse(body), note, r.getString(3)));
        }
      }
    }
    return out;
  }
}
