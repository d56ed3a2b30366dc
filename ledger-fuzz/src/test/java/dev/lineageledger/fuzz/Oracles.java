package dev.lineageledger.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lineageledger.core.LedgerException;

/** Checks shared by the fuzz targets. */
final class Oracles {
  private Oracles() {}

  /**
   * Error messages end up as one line on the CLI's stderr (README, "Using the CLI"); a newline or
   * carriage return taken from the input would let input forge extra output lines.
   */
  static void oneLine(LedgerException e) {
    assertThat(e.getMessage()).as("exception message").isNotNull().doesNotContain("\n", "\r");
  }
}
