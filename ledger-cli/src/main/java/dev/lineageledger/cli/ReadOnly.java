package dev.lineageledger.cli;

import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;

/** Opens a ledger for reading only. */
final class ReadOnly {
  private ReadOnly() {}

  static Ledger open(LedgerOption ledger) throws LedgerException, UsageException {
    return Ledger.open(ledger.location(), ledger.options().readOnly(true).build());
  }
}
