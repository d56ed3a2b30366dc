package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lineageledger.core.internal.PostgresLedgerStore;
import dev.lineageledger.core.internal.PostgresLocation;
import dev.lineageledger.core.testing.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What only a PostgreSQL ledger has: its location, its password, the roles that may write it,
 * and a server that can refuse, drop or restart under a writer.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PostgresLedgerTest {
  final PostgresServer pg = PostgresServer.shared();
  final TestLedgers t = TestLedgers.keys();

  @Test
  void locationsAreParsedStrictlyAndNeverCarryAPassword() throws Exception {
    PostgresLocation l = PostgresLocation.parse("postgresql://ml%40corp@db.example:6432/lineage");
    assertThat(l.user()).isEqualTo("ml@corp");
    assertThat(l.port()).isEqualTo(6432);
    assertThat(l.schema()).isEqualTo(PostgresLocation.DEFAULT_SCHEMA);
    assertThat(l.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6432/lineage");
    assertThat(l).hasToString("postgresql://ml%40corp@db.example:6432/lineage?schema=lineage_ledger");
    PostgresLocation v6 = PostgresLocation.parse("postgres://u@[::1]/d?schema=s1&sslmode=require");
    assertThat(v6.host()).isEqualTo("[::1]");
    assertThat(v6.port()).isEqualTo(5432);
    assertThat(v6.params()).containsEntry("sslmode", "require");
    assertThat(v6).hasToString("postgresql://u@[::1]:5432/d?schema=s1&sslmode=require");
    for (String bad : new String[] {"postgresql://u:hunter2@h/d", "postgresql://u@h/d?password=hunter2"}) {
      assertThatThrownBy(() -> PostgresLocation.parse(bad)).isInstanceOf(InvalidRecordException.class)
          .hasMessageContaining("must not contain a password").hasMessageNotContaining("hunter2");
      assertThatThrownBy(() -> Ledger.open(bad, t.options().build()))
          .hasMessageContaining("must not contain a password").hasMessageNotContaining("hunter2");
    }
    for (String bad : new String[] {"postgresql://h/d", "postgresql://u@h", "postgresql://u@h:99999/d",
        "postgresql://u@h/d?schema=Bad-Name", "postgresql://u@h/d?color=blue",
        "postgresql://u@h/d?sslmode=maybe", "postgresql://u%4@h/d"}) {
      assertThatThrownBy(() -> PostgresLocation.parse(bad)).as(bad)
          .isInstanceOf(InvalidRecordException.class);
    }
  }

  @Test
  void missingLedgersWrongPasswordsAndSecondCreatesFailInOneLine() throws Exception {
    String location = TestLedgers.postgresLocation();
    assertThatThrownBy(() -> Ledger.open(location, TestLedgers.readOnly()))
        .isInstanceOfSatisfying(LedgerStorageException.class, e -> {
          assertThat(e.reason()).isEqualTo(LedgerStorageException.Reason.NOT_FOUND);
          assertThat(e.getMessage()).isEqualTo("no ledger at " + location
              + " (create one with 'ledger init')");
        });
    String noDb = pg.location("no_such_database", "s");
    assertThatThrownBy(() -> Ledger.open(noDb, TestLedgers.readOnly()))
        .isInstanceOfSatisfying(LedgerStorageException.class,
            e -> assertThat(e.reason()).isEqualTo(LedgerStorageException.Reason.NOT_FOUND))
        .hasMessageContaining("database no_such_database does not exist");
    t.create(location, SigningMode.CHECKPOINT_ONLY).close();
    assertThatThrownBy(() -> t.create(location, SigningMode.CHECKPOINT_ONLY))
        .hasMessageContaining("already exists");
    LedgerOptions wrong = LedgerOptions.builder().readOnly(true)
        .passwordSupplier(() -> "wrong".toCharArray()).build();
    assertThatThrownBy(() -> Ledger.open(location, wrong))
        .isInstanceOf(LedgerStorageException.class)
        .hasMessage("cannot connect to " + location + ": authentication failed for user postgres"
            + " (check the user and the password)");
    LedgerOptions none = LedgerOptions.builder().readOnly(true).passwordSupplier(() -> null).build();
    assertThatThrownBy(() -> Ledger.open(location, none))
        .hasMessageContaining("asks for a password and none was given (set PGPASSWORD)");
    String closedPort = "postgresql://postgres@127.0.0.1:1/" + TestLedgers.database();
    assertThatThrownBy(() -> Ledger.open(closedPort, TestLedgers.readOnly()))
        .isInstanceOf(LedgerStorageException.class)
        .hasMessageStartingWith("cannot connect to " + closedPort + "?schema=lineage_ledger: ")
        .hasMessageNotContaining("\n");
    // The supplier is asked for each new connection (a token provider renews its token there).
    AtomicInteger asked = new AtomicInteger();
    try (Ledger l = Ledger.open(location, LedgerOptions.builder().readOnly(true).passwordSupplier(() -> {
      asked.incrementAndGet();
      return pg.password().toCharArray();
    }).build())) {
      assertThat(l.size()).isZero();
      assertThat(l.location()).isEqualTo(location).doesNotContain(pg.password());
    }
    assertThat(asked.get()).isPositive();
  }

  @Test
  void aWriterRoleWithTheGrantsAppendsButCannotChangeTheLog() throws Exception {
    String location = TestLedgers.postgresLocation();
    PostgresLocation loc = PostgresLocation.parse(location);
    t.create(location, SigningMode.PER_RECORD).close(); // by the owner (here: the superuser)
    String role = "writer_" + loc.schema();
    try (Connection c = pg.connect(loc.database()); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'w-secret'");
      for (String g : PostgresLedgerStore.writerGrants(loc.schema(), role)) {
        s.execute(g);
      }
    }
    String asWriter = pg.location(role, loc.database(), loc.schema());
    try (Ledger l = Ledger.open(asWriter, t.options().passwordSupplier(() -> "w-secret".toCharArray())
        .build())) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
      assertThat(l.compareAndSetSyncState("cursor", null, "9")).isTrue();
      assertThat(l.compareAndSetSyncState("cursor", "9", "10")).isTrue();
      assertThat(l.verify(t.verifyOptions()).coveredSize()).isEqualTo(9);
    }
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", role);
    p.setProperty("password", "w-secret");
    try (Connection c = java.sql.DriverManager.getConnection(loc.jdbcUrl().replace("127.0.0.1",
        pg.host()), p); Statement s = c.createStatement()) {
      s.execute("SET search_path = " + loc.schema());
      for (String sql : new String[] {"UPDATE records SET name = 'x' WHERE seq = 0",
          "DELETE FROM records WHERE seq = 8", "TRUNCATE records", "DELETE FROM checkpoints",
          "DROP TABLE records", "ALTER TABLE records DISABLE TRIGGER ALL"}) {
        assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("42501", "42P01"));
      }
    }
  }

  @Test
  void theGrantsFormatMdDocumentsAreTheOnesTested() throws Exception {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "FORMAT.md"));
    int at = doc.indexOf("```sql\nGRANT USAGE ON SCHEMA s TO w;");
    assertThat(at).as("the grants block of docs/FORMAT.md §7.3").isPositive();
    String block = doc.substring(at + 7, doc.indexOf("```", at + 7));
    java.util.List<String> documented = java.util.Arrays.stream(block.split(";"))
        .map(x -> x.strip().replaceAll("\\s+", " ")).filter(x -> !x.isEmpty()).toList();
    assertThat(documented).isEqualTo(PostgresLedgerStore.writerGrants("s", "w"));
  }

  @Test
  void aLockHeldTooLongIsLockedAndADroppedConnectionIsReplaced() throws Exception {
    String location = TestLedgers.postgresLocation();
    PostgresLocation loc = PostgresLocation.parse(location);
    t.create(location, SigningMode.CHECKPOINT_ONLY).close();
    try (Connection holder = Backend.connect(location)) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.executeQuery("SELECT id FROM write_lock FOR UPDATE").close();
      }
      try (Ledger l = Ledger.open(location, t.options().busyTimeoutMillis(300).build())) {
        assertThatThrownBy(() -> l.append(TestLedgers.dataset("a", "1", 1)))
            .isInstanceOfSatisfying(LedgerStorageException.class,
                e -> assertThat(e.reason()).isEqualTo(LedgerStorageException.Reason.LOCKED))
            .hasMessage("cannot append to " + location
                + ": the ledger is locked by another writer (timed out waiting)");
      }
      // A writer waiting for the lock loses its connection (an administrator, a proxy): it
      // starts its transaction again on a new one and appends once the lock is free.
      try (Ledger l = Ledger.open(location, t.options().busyTimeoutMillis(30_000).build())) {
        CompletableFuture<Receipt> waiting = l.appendAsync(TestLedgers.dataset("b", "1", 2));
        int terminated = 0;
        for (int i = 0; i < 200 && terminated == 0; i++) {
          Thread.sleep(25);
          try (Connection admin = pg.connect(loc.database()); Statement s = admin.createStatement();
              ResultSet r = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM"
                  + " pg_stat_activity WHERE datname = current_database() AND application_name"
                  + " = 'lineage-ledger' AND wait_event_type = 'Lock'")) {
            r.next();
            terminated = r.getInt(1);
          }
        }
        assertThat(terminated).as("the waiting writer's backend was found").isEqualTo(1);
        Thread.sleep(200);
        assertThat(waiting).isNotDone();
        holder.rollback();
        assertThat(waiting.get(30, TimeUnit.SECONDS).seq()).isZero();
        assertThat(l.append(TestLedgers.dataset("c", "1", 3)).seq()).isEqualTo(1);
        assertThat(l.verify(t.verifyOptions()).size()).isEqualTo(2);
      }
    }
  }

  @Test
  void aServerRestartWhileAWriterWaitsLosesNothingAndTheWriterGoesOn() throws Exception {
    String location = TestLedgers.postgresLocation();
    PostgresLocation loc = PostgresLocation.parse(location);
    t.create(location, SigningMode.PER_RECORD).close();
    try (Ledger l = Ledger.open(location, t.options().busyTimeoutMillis(30_000).build())) {
      TestLedgers.pipeline(l, 1);
      Connection holder = Backend.connect(location);
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.executeQuery("SELECT id FROM write_lock FOR UPDATE").close();
      }
      CompletableFuture<Receipt> waiting = l.appendAsync(TestLedgers.dataset("w", "1", 1));
      boolean seen = false;
      for (int i = 0; i < 200 && !seen; i++) {
        Thread.sleep(25);
        try (Connection admin = pg.connect(loc.database()); Statement s = admin.createStatement();
            ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname ="
                + " current_database() AND application_name = 'lineage-ledger'"
                + " AND wait_event_type = 'Lock'")) {
          r.next();
          seen = r.getInt(1) == 1;
        }
      }
      assertThat(seen).as("the writer waits for the lock").isTrue();
      pg.restart(); // every connection dropped, the holder's included: its lock is gone
      holder.close();
      long expected = 9;
      try {
        // The writer's transaction restarts once on a new connection: depending on how soon
        // the server accepts connections again, the append commits or fails in one line.
        assertThat(waiting.get(60, TimeUnit.SECONDS).seq()).isEqualTo(9);
        expected = 10;
      } catch (java.util.concurrent.ExecutionException e) {
        // Failing on the old connection (waiting, or just granted the lock the holder lost),
        // or on the new one while the server was still down: whole, in one line.
        assertThat(e.getCause()).isInstanceOf(LedgerStorageException.class)
            .hasMessageMatching("cannot (append to|read|connect to) "
                + java.util.regex.Pattern.quote(location) + ": [^\n]+");
      }
      System.out.printf("server restart while a writer waited: its append %s%n", expected == 10
          ? "committed on a new connection" : "failed in one line");
      assertThat(l.size()).isEqualTo(expected);
      assertThat(l.append(TestLedgers.dataset("after", "1", 2)).seq()).isEqualTo(expected);
      l.checkpoint();
      assertThat(l.verify(t.verifyOptions()).coveredSize()).isEqualTo(expected + 1);
    }
  }

  @Test
  void aConnectionDroppedMidTransactionFailsTheBatchWholeAndTheNextOneCommits() throws Exception {
    String location = TestLedgers.postgresLocation();
    PostgresLocation loc = PostgresLocation.parse(location);
    try (Ledger l = t.create(location, SigningMode.CHECKPOINT_ONLY)) {
      TestLedgers.pipeline(l, 1);
    }
    PostgresLedgerStore store = PostgresLedgerStore.open(loc, Durability.FSYNC, 5000,
        TestLedgers.PG_PASSWORD, false);
    try (store; Connection admin = pg.connect(loc.database()); Statement s = admin.createStatement()) {
      try (var tx = store.beginAppend(); var source = store.read()) {
        java.util.List<dev.lineageledger.core.internal.LedgerStore.LogEntry> copy = new java.util.ArrayList<>();
        source.scan(0, 3, row -> copy.add(new dev.lineageledger.core.internal.LedgerStore.LogEntry(
            row.seq() + 9, Hash.of(row.leafHash()), row.body(), row.sig(), row.nodes(), row.kind(),
            row.name(), row.version(), row.actor(), row.time(), row.signer(), java.util.List.of())));
        tx.insert(copy);
        try (ResultSet r = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM"
            + " pg_stat_activity WHERE datname = current_database() AND application_name"
            + " = 'lineage-ledger' AND state = 'idle in transaction' AND query LIKE 'INSERT%'")) {
          r.next();
          assertThat(r.getInt(1)).isEqualTo(1);
        }
        assertThatThrownBy(tx::commit).isInstanceOf(LedgerStorageException.class)
            .hasMessageStartingWith("cannot append to " + location + ": ")
            .hasMessageNotContaining("\n");
      }
      try (var r = store.read()) {
        assertThat(r.size()).as("nothing of the dropped transaction").isEqualTo(9);
      }
    }
    try (Ledger l = Ledger.open(location, t.options().build())) {
      assertThat(l.append(TestLedgers.dataset("after", "1", 9)).seq()).isEqualTo(9);
      assertThat(l.verify(t.verifyOptions()).size()).isEqualTo(10);
    }
  }
}
