package dev.lineageledger.cli;

import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerOptions;

/** Opens a ledger for reading only. */
final class ReadOnly {
  private ReadOnly() {}

  static Ledger open(LedgerOption ledger) throws LedgerException {
    return Ledger.open(ledger.path(), LedgerOptions.builder().readOnly(true)
        .busyTimeoutMillis(ledger.lockTimeoutMillis()).build());
  }
}
