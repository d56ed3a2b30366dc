package dev.lineageledger.benchmarks;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.LedgerRecord;
import dev.lineageledger.core.SigningMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the ledger really stores for {@link SampleRecords}: their canonical bytes, and the size
 * of a whole stored row (body, leaf hash, tree nodes and the derived columns). Measured from a
 * small real ledger rather than assumed, so the raw ceilings hash and insert exactly as many
 * bytes as the ledger does.
 */
record StoredSample(List<byte[]> canonicalRecords, int storedRowBytes) {
  static final int COUNT = 256;

  static StoredSample measure() {
    try (ScratchDir dir = ScratchDir.create("sample")) {
      Path file = dir.resolve("sample.ledger");
      List<byte[]> bodies = new ArrayList<>(COUNT);
      try (Ledger l = Ledger.create(file, SampleRecords.ORIGIN, SigningMode.CHECKPOINT_ONLY,
          LedgerOptions.builder().checkpointSigner(SampleRecords.KEY)
              .durability(Durability.OS_BUFFERED).build())) {
        l.appendAll(SampleRecords.datasets(COUNT));
        for (LedgerRecord r : l.records(Ledger.Query.all())) {
          bodies.add(r.canonicalBytes());
        }
      }
      int rowBytes;
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT avg(length(leaf_hash) + length(body)"
              + " + coalesce(length(sig), 0) + length(nodes) + length(kind) + length(name)"
              + " + length(version) + length(actor) + length(time)"
              + " + coalesce(length(signer), 0)) FROM records")) {
        r.next();
        rowBytes = (int) Math.round(r.getDouble(1));
      }
      return new StoredSample(List.copyOf(bodies), rowBytes);
    } catch (LedgerException e) {
      throw SampleRecords.fail(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  double averageCanonicalBytes() {
    return canonicalRecords.stream().mapToInt(b -> b.length).average().orElse(0);
  }
}
