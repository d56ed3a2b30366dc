package dev.lineageledger.core;

import dev.lineageledger.core.internal.PostgresLocation;
import dev.lineageledger.core.testing.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The two stores the API tests run over: a file, or a schema on the test PostgreSQL server. */
enum Backend {
  SQLITE, POSTGRESQL;

  private static final AtomicInteger FILES = new AtomicInteger();

  /** A location for a new ledger (nothing exists there yet). */
  String newLocation(Path dir) {
    return this == SQLITE ? dir.resolve("l" + FILES.incrementAndGet() + ".ledger").toString()
        : TestLedgers.postgresLocation();
  }

  /** Tables of a ledger, in an order that keeps a copy's references valid. */
  private static final List<String> TABLES = List.of("schema_version", "ledger_meta", "records",
      "checkpoints", "checkpoint_signatures", "record_index", "hash_index", "edges",
      "index_state", "write_lock", "sync_state");

  /**
   * A copy of the ledger at {@code location}, every row as stored (for attacks on copies of one
   * pristine ledger). A PostgreSQL copy has the tables, keys and indexes, not the triggers.
   */
  String copyOf(String location, Path dir) throws Exception {
    String copy = newLocation(dir);
    if (this == SQLITE) {
      java.nio.file.Files.copy(Path.of(location), Path.of(copy));
      return copy;
    }
    PostgresLocation from = PostgresLocation.parse(location);
    String to = PostgresLocation.parse(copy).schema();
    try (Connection c = PostgresServer.shared().connect(from.database());
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + to);
      for (String t : TABLES) {
        s.execute("CREATE TABLE " + to + "." + t + " (LIKE " + from.schema() + "." + t
            + " INCLUDING ALL)");
        s.execute("INSERT INTO " + to + "." + t + " OVERRIDING SYSTEM VALUE SELECT * FROM "
            + from.schema() + "." + t);
      }
    }
    return copy;
  }

  /** A connection to a ledger's tables as their owner (the superuser); triggers stay on. */
  static Connection connect(String location) throws Exception {
    if (!PostgresLocation.isPostgres(location)) {
      return DriverManager.getConnection("jdbc:sqlite:" + location);
    }
    PostgresLocation loc = PostgresLocation.parse(location);
    Connection c = PostgresServer.shared().connect(loc.database());
    try (Statement s = c.createStatement()) {
      s.execute("SET search_path = " + loc.schema());
    }
    return c;
  }

  /**
   * A connection as the superuser with the append-only triggers out of the way: an attacker
   * with full control of the database (SQLite: triggers dropped; PostgreSQL: {@code
   * session_replication_role = replica}, which fires no trigger and checks no foreign key).
   */
  static Connection tamper(String location) throws Exception {
    Connection c = connect(location);
    try (Statement s = c.createStatement()) {
      if (PostgresLocation.isPostgres(location)) {
        s.execute("SET session_replication_role = replica");
      } else {
        List<String> triggers = new ArrayList<>();
        try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger'")) {
          while (r.next()) {
            triggers.add(r.getString(1));
          }
        }
        for (String t : triggers) {
          s.execute("DROP TRIGGER " + t);
        }
        s.execute("PRAGMA foreign_keys = OFF");
      }
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }
}
