package dev.lineageledger.purview;

import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerOptions;
import java.nio.file.Path;

/**
 * A sync run in its own JVM by {@link SyncKillTest}, so that it can be killed with SIGKILL.
 * Args: ledger path, endpoint URL, token, batch size. Prints {@code DONE} when it finishes.
 */
public final class SyncChild {
  private SyncChild() {}

  public static void main(String[] args) throws Exception {
    try (Ledger l = Ledger.open(Path.of(args[0]), LedgerOptions.builder().build())) {
      PurviewSync.sync(l, PurviewSyncOptions.builder(PurviewEndpoint.of(args[1]),
          PurviewAuth.staticToken(args[2])).batchSize(Integer.parseInt(args[3])).opsPerSecond(0).build());
    }
    System.out.println("DONE");
  }
}
