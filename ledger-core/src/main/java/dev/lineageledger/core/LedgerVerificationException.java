package dev.lineageledger.core;

/** The ledger failed verification; {@link #report()} lists every failure found. */
public class LedgerVerificationException extends VerificationException {
  private static final long serialVersionUID = 1L;
  private final transient VerificationReport report;

  public LedgerVerificationException(VerificationReport report) {
    super(summary(report));
    this.report = report;
  }

  private static String summary(VerificationReport r) {
    VerificationFailure f = r.failures().isEmpty() ? null : r.failures().get(0);
    return "ledger verification failed with " + r.failureCount() + " failure"
        + (r.failureCount() == 1 ? "" : "s") + (f == null ? "" : "; first: " + f);
  }

  public VerificationReport report() {
    return report;
  }
}
