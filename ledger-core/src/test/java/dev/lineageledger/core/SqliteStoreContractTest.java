package dev.lineageledger.core;

import dev.lineageledger.core.internal.LedgerStore;
import dev.lineageledger.core.internal.SqliteLedgerStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** {@link LedgerStoreContract} on SQLite files. */
class SqliteStoreContractTest extends LedgerStoreContract {
  @TempDir Path dir;
  private final AtomicInteger files = new AtomicInteger();

  @Override
  LedgerStore create(List<String[]> meta) throws Exception {
    return SqliteLedgerStore.create(dir.resolve("s" + files.incrementAndGet() + ".ledger"),
        Durability.OS_BUFFERED, 1000, meta);
  }

  @Override
  LedgerStore reopen(LedgerStore s, boolean readOnly, int lockTimeoutMillis) throws Exception {
    return SqliteLedgerStore.open(Path.of(s.location()), Durability.OS_BUFFERED, lockTimeoutMillis,
        readOnly);
  }
}
