package dev.lineageledger.core.internal;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.LedgerStorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

/**
 * Opening, creating and migrating the SQLite file, and turning SQLite errors into one-line
 * messages. Schema migrations are numbered SQL resources applied through {@code PRAGMA
 * user_version}.
 */
public final class SqliteStore {
  /** {@code PRAGMA application_id}: ASCII "LLdg", marks a file as a Lineage Ledger. */
  public static final int APPLICATION_ID = 0x4c4c6467;

  private static final String[] MIGRATIONS = {"001-initial.sql", "002-log-first.sql"};
  public static final int SCHEMA_VERSION = MIGRATIONS.length;

  private SqliteStore() {}

  /** Connection options shared by every connection to a ledger file. */
  public record ConnectionSpec(Path path, Durability durability, int busyTimeoutMillis,
      boolean readOnly) {}

  public static Connection connect(ConnectionSpec spec, boolean immediateTransactions, boolean create)
      throws LedgerStorageException {
    Path path = spec.path();
    if (!create && !Files.exists(path)) {
      throw new LedgerStorageException(LedgerStorageException.Reason.NOT_FOUND,
          "no ledger at " + path + " (create one with 'ledger init')", null);
    }
    if (create && Files.exists(path)) {
      throw new LedgerStorageException(LedgerStorageException.Reason.IO,
          "a file already exists at " + path, null);
    }
    SQLiteConfig c = new SQLiteConfig();
    if (!create) {
      c.resetOpenMode(SQLiteOpenMode.CREATE);
    }
    if (spec.readOnly()) {
      c.setReadOnly(true);
    }
    c.setBusyTimeout(spec.busyTimeoutMillis());
    c.setSynchronous(spec.durability() == Durability.FSYNC
        ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    c.setTransactionMode(immediateTransactions
        ? SQLiteConfig.TransactionMode.IMMEDIATE : SQLiteConfig.TransactionMode.DEFERRED);
    c.enforceForeignKeys(true);
    try {
      Connection conn = c.createConnection(spec.readOnly() && cannotCreateWalFiles(path)
          ? "jdbc:sqlite:" + path.toAbsolutePath().toUri() + "?immutable=1"
          : "jdbc:sqlite:" + path.toAbsolutePath());
      try (Statement s = conn.createStatement()) {
        // journal_mode is persistent in the file; only set it when creating.
        if (create) {
          s.execute("PRAGMA journal_mode=WAL");
        }
        s.execute("PRAGMA synchronous=" + (spec.durability() == Durability.FSYNC ? "FULL" : "NORMAL"));
      }
      return conn;
    } catch (SQLException e) {
      throw describe(path, "cannot open", e);
    }
  }

  /**
   * A WAL-mode database is read through its {@code -shm} index, which SQLite creates beside the
   * file; in a read-only directory (a read-only mount, an archive) it cannot, and even a
   * read-only open fails (https://sqlite.org/wal.html#readonly). When no {@code -wal} file exists
   * every committed transaction is in the main file, and nobody can write the ledger without
   * creating one, so it can be opened as immutable (https://sqlite.org/uri.html#uriimmutable):
   * read without locks or a shared-memory index. With a {@code -wal} file present the WAL must
   * be read, so the normal open is tried. (The one case this does not cover: a writer with
   * write access to the directory that starts while such a read runs; its WAL checkpoint could
   * change pages under the read, which would then fail, never pass, verification.)
   */
  private static boolean cannotCreateWalFiles(Path path) {
    Path abs = path.toAbsolutePath();
    Path dir = abs.getParent();
    return dir != null && !Files.isWritable(dir)
        && !Files.exists(Path.of(abs + "-wal")) && !Files.exists(Path.of(abs + "-shm"));
  }

  /** Creates the schema in a brand-new file. */
  public static void initialize(Connection conn, Path path, List<String[]> meta)
      throws LedgerStorageException {
    try {
      conn.setAutoCommit(false);
      try (Statement s = conn.createStatement()) {
        s.execute("PRAGMA application_id=" + APPLICATION_ID);
        migrate(conn, 0);
        try (PreparedStatement ps =
            conn.prepareStatement("INSERT INTO ledger_meta(key, value) VALUES (?, ?)")) {
          for (String[] kv : meta) {
            ps.setString(1, kv[0]);
            ps.setString(2, kv[1]);
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      conn.commit();
      conn.setAutoCommit(true);
    } catch (SQLException e) {
      throw describe(path, "cannot create ledger", e);
    }
  }

  /**
   * Checks that the file is a ledger of a schema this build understands, applying pending
   * migrations when {@code writable}.
   */
  public static int checkAndMigrate(Connection conn, Path path, boolean writable)
      throws LedgerStorageException {
    int appId;
    int version;
    try (Statement s = conn.createStatement()) {
      try (ResultSet r = s.executeQuery("PRAGMA application_id")) {
        appId = r.next() ? r.getInt(1) : 0;
      }
      try (ResultSet r = s.executeQuery("PRAGMA user_version")) {
        version = r.next() ? r.getInt(1) : 0;
      }
    } catch (SQLException e) {
      throw describe(path, "cannot read", e);
    }
    if (appId != APPLICATION_ID) {
      throw new LedgerStorageException(LedgerStorageException.Reason.NOT_A_LEDGER,
          path + " is not a Lineage Ledger file"
          + " (it is an SQLite database, but not one created by 'ledger init')", null);
    }
    if (version > SCHEMA_VERSION) {
      throw new LedgerStorageException(LedgerStorageException.Reason.NOT_A_LEDGER,
          path + " has ledger schema version " + version
          + ", newer than this build supports (" + SCHEMA_VERSION + "); upgrade lineage-ledger", null);
    }
    if (version == 1 && !writable) {
      return version; // read through compatibility views (SqliteLedgerStore), never migrated
    }
    if (version < SCHEMA_VERSION) {
      if (!writable) {
        throw new LedgerStorageException(path + " has ledger schema version " + version
            + " and needs a migration; open it writable once");
      }
      try {
        conn.setAutoCommit(false);
        migrate(conn, version);
        conn.commit();
        conn.setAutoCommit(true);
      } catch (SQLException e) {
        throw describe(path, "cannot migrate", e);
      }
    }
    return SCHEMA_VERSION;
  }

  /** SQLite's own structural check (O(n)); run by verification, not on every open. */
  public static void quickCheck(Connection conn, Path path) throws LedgerStorageException {
    try (Statement s = conn.createStatement();
        ResultSet r = s.executeQuery("PRAGMA quick_check(1)")) {
      String res = r.next() ? r.getString(1) : "no result";
      if (!"ok".equals(res)) {
        throw new LedgerStorageException(LedgerStorageException.Reason.CORRUPT, path + " is corrupt: "
            + res.replace("*** in database main ***", "").strip().replace('\n', ' '), null);
      }
    } catch (SQLException e) {
      throw describe(path, "cannot check", e);
    }
  }

  private static void migrate(Connection conn, int from) throws SQLException {
    for (int v = from; v < MIGRATIONS.length; v++) {
      String sql = resource("migrations/" + MIGRATIONS[v]);
      try (Statement s = conn.createStatement()) {
        for (String stmt : splitStatements(sql)) {
          s.execute(stmt);
        }
        s.execute("PRAGMA user_version=" + (v + 1));
      }
    }
  }

  private static String resource(String name) {
    try (InputStream in = SqliteStore.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + name, e);
    }
  }

  /** Splits on ';' at line ends, keeping trigger bodies (BEGIN ... END;) whole. */
  static List<String> splitStatements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : sql.split("\n")) {
      String t = line.strip();
      if (t.startsWith("--") || t.isEmpty()) {
        continue;
      }
      cur.append(line).append('\n');
      String upper = cur.toString().toUpperCase(java.util.Locale.ROOT);
      boolean inTrigger = upper.contains("CREATE TRIGGER");
      if (t.endsWith(";") && (!inTrigger || t.toUpperCase(java.util.Locale.ROOT).endsWith("END;"))) {
        out.add(cur.toString());
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString());
    }
    return out;
  }

  /** One clear line for an SQLite failure; the cause is kept for --verbose. */
  public static LedgerStorageException describe(Path path, String action, SQLException e) {
    String what;
    LedgerStorageException.Reason reason = LedgerStorageException.Reason.IO;
    SQLiteErrorCode code = e instanceof SQLiteException se ? se.getResultCode() : null;
    int primary = code == null ? e.getErrorCode() : code.code & 0xff;
    switch (primary) {
      case 5, 6 -> {
        what = "the ledger is locked by another writer (timed out waiting)";
        reason = LedgerStorageException.Reason.LOCKED;
      }
      case 8 -> {
        what = "the ledger is read-only (check file and directory permissions)";
        reason = LedgerStorageException.Reason.READ_ONLY;
      }
      case 10 -> what = "disk I/O error";
      case 11 -> {
        what = "the database is corrupt";
        reason = LedgerStorageException.Reason.CORRUPT;
      }
      case 13 -> what = "the disk is full";
      case 14 -> {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && Files.isDirectory(dir) && !Files.isWritable(dir)) {
          what = "the ledger is read-only (its directory is not writable, and writing creates"
              + " the -wal and -shm files beside it)";
          reason = LedgerStorageException.Reason.READ_ONLY;
        } else {
          what = "cannot open the database file";
        }
      }
      case 26 -> {
        what = "not a ledger (the file is not an SQLite database)";
        reason = LedgerStorageException.Reason.NOT_A_LEDGER;
      }
      default -> {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        what = nl >= 0 ? m.substring(0, nl) : m;
      }
    }
    return new LedgerStorageException(reason, action + " " + path + ": " + what, e);
  }
}
