package dev.lineageledger.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The fixture itself: a real server on loopback, password-protected, surviving a restart. */
class PostgresServerTest {
  final PostgresServer pg = PostgresServer.shared();

  @Test
  void freshDatabasesAreSeparateAndDataSurvivesARestart() throws Exception {
    String a = pg.freshDatabase();
    String b = pg.freshDatabase();
    assertThat(a).isNotEqualTo(b);
    try (Connection c = pg.connect(a); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (x int)");
      s.execute("INSERT INTO t VALUES (42)");
    }
    pg.restart();
    try (Connection c = pg.connect(a); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT x, inet_server_addr()::text FROM t")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(42);
      assertThat(r.getString(2)).startsWith("127.0.0.1");
    }
    try (Connection c = pg.connect(b); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT x FROM t")).isInstanceOf(SQLException.class);
    }
  }

  @Test
  void aWrongPasswordIsRefused() {
    Properties p = new Properties();
    p.setProperty("user", PostgresServer.SUPERUSER);
    p.setProperty("password", "not-" + pg.password());
    assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl("postgres"), p).close())
        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
  }
}
