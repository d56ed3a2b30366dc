package dev.lineageledger.benchmarks;

import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.SigningMode;

/** A fresh ledger in its own scratch directory, deleted with it. */
final class ScratchLedger implements AutoCloseable {
  final ScratchDir dir;
  final Ledger ledger;

  private ScratchLedger(ScratchDir dir, Ledger ledger) {
    this.dir = dir;
    this.ledger = ledger;
  }

  /** Options every benchmark starts from: the sample key signs checkpoints (and records). */
  static LedgerOptions.Builder options() {
    return LedgerOptions.builder().checkpointSigner(SampleRecords.KEY);
  }

  static ScratchLedger create(String name, SigningMode mode, LedgerOptions options) {
    ScratchDir dir = ScratchDir.create(name);
    try {
      return new ScratchLedger(dir,
          Ledger.create(dir.resolve(name + ".ledger"), SampleRecords.ORIGIN, mode, options));
    } catch (LedgerException e) {
      dir.close();
      throw SampleRecords.fail(e);
    }
  }

  @Override
  public void close() {
    ledger.close();
    dir.close();
  }
}
