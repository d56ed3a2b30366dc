package dev.lineageledger.cli;

import picocli.CommandLine;

/** {@code ledger --version}. */
final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Version.class.getPackage().getImplementationVersion();
    return new String[] {"ledger " + (v == null ? "development build" : v)
        + " (ledger format 1, Java " + System.getProperty("java.version") + ")"};
  }
}
