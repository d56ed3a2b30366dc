package dev.lineageledger.core;

import dev.lineageledger.core.internal.LedgerStore;
import dev.lineageledger.core.internal.PostgresLedgerStore;
import dev.lineageledger.core.internal.PostgresLocation;
import java.util.List;

/** {@link LedgerStoreContract} on schemas of the test PostgreSQL server. */
class PostgresStoreContractTest extends LedgerStoreContract {
  @Override
  LedgerStore create(List<String[]> meta) throws Exception {
    return PostgresLedgerStore.create(PostgresLocation.parse(TestLedgers.postgresLocation()),
        Durability.OS_BUFFERED, 1000, TestLedgers.PG_PASSWORD, meta);
  }

  @Override
  LedgerStore reopen(LedgerStore s, boolean readOnly, int lockTimeoutMillis) throws Exception {
    return PostgresLedgerStore.open(PostgresLocation.parse(s.location()), Durability.OS_BUFFERED,
        lockTimeoutMillis, TestLedgers.PG_PASSWORD, readOnly);
  }
}
