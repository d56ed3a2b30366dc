package dev.lineageledger.core;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A writer run in its own JVM by the crash and multi-process tests. Prints its verifier key,
 * then one {@code ACK seq hash} line per acknowledged record, flushed before the next append.
 * Args: ledger location (a path, or a PostgreSQL location with the password in {@code
 * PGPASSWORD}), per-record|checkpoint-only, FSYNC|OS_BUFFERED, record count (-1: forever),
 * name prefix, and the ledger's private key file (PKCS#8 PEM): a writer must sign with the
 * ledger's own key.
 */
public final class ChildWriter {
  private ChildWriter() {}

  public static void main(String[] args) throws Exception {
    String location = args[0];
    Durability durability = Durability.valueOf(args[2]);
    long count = Long.parseLong(args[3]);
    String prefix = args[4];
    Ed25519Signer key = KeyFiles.readPrivateKey(Path.of(args[5]), TestLedgers.ORIGIN, null, false);
    PrintStream out = System.out;
    out.println("KEY " + key.verifierKey());
    out.flush();
    try (Ledger l = Ledger.open(location, LedgerOptions.builder().checkpointSigner(key)
        .durability(durability).checkpointEveryRecords(50).checkpointIntervalMillis(20)
        .busyTimeoutMillis(30_000).build())) {
      for (long i = 0; count < 0 || i < count; i += 4) {
        List<CompletableFuture<Receipt>> batch = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
          batch.add(l.appendAsync(TestLedgers.dataset(prefix, "v" + (i + j), (int) (i + j))));
        }
        for (CompletableFuture<Receipt> f : batch) {
          Receipt r = f.get();
          out.println("ACK " + r.seq() + " " + r.leafHash().hex());
        }
        out.flush();
      }
    }
    out.println("DONE");
    out.flush();
  }
}
