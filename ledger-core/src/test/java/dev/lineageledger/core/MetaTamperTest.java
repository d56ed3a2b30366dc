package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every single-byte change of every {@code ledger_meta} cell (names and values) is detected:
 * by verification, or by refusing to open the file. The one exception is the value of {@code
 * created}, which nothing signs and nothing depends on (docs/RELIABILITY.md lists it); a change
 * that leaves it a well-formed time goes unnoticed by design.
 */
class MetaTamperTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(SigningMode.class)
  void everyByteOfLedgerMetaIsProtected(SigningMode mode) throws Exception {
    TestLedgers keys = TestLedgers.keys();
    Path pristine = dir.resolve("meta.ledger");
    try (Ledger l = keys.create(pristine, mode)) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
    }
    List<String[]> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + pristine);
        ResultSet r = c.createStatement().executeQuery("SELECT key, value FROM ledger_meta")) {
      while (r.next()) {
        rows.add(new String[] {r.getString(1), r.getString(2)});
      }
    }
    int tried = 0;
    List<String> missed = new ArrayList<>();
    Path work = dir.resolve("work.ledger");
    for (String[] row : rows) {
      for (int col = 0; col < 2; col++) {
        if (col == 1 && row[0].equals("created")) {
          continue;
        }
        byte[] cell = row[col].getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < cell.length; i++) {
          byte[] flipped = cell.clone();
          flipped[i] ^= 0x01;
          Files.copy(pristine, work, StandardCopyOption.REPLACE_EXISTING);
          try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + work);
              PreparedStatement ps = c.prepareStatement(col == 0
                  ? "UPDATE ledger_meta SET key = ? WHERE key = ?"
                  : "UPDATE ledger_meta SET value = ? WHERE key = ?")) {
            ps.setString(1, new String(flipped, StandardCharsets.UTF_8));
            ps.setString(2, row[0]);
            ps.executeUpdate();
          }
          tried++;
          boolean detected;
          try (Ledger l = Ledger.open(work, LedgerOptions.readOnly())) {
            detected = !l.verify(keys.verifyOptions()).ok();
          } catch (LedgerException e) {
            detected = true; // refused to open, or verification failed
          }
          if (!detected) {
            missed.add(row[0] + (col == 0 ? " (name)" : " (value)") + " byte " + i);
          }
        }
      }
    }
    System.out.printf("tamper ledger_meta (%s): detected %d of %d%n", mode.id(), tried - missed.size(), tried);
    assertThat(missed).isEmpty();
  }
}
