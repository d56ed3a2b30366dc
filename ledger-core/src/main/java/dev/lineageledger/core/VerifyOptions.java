package dev.lineageledger.core;

import java.util.List;
import java.util.Optional;

/**
 * What verification trusts and requires. Secure by default: every check runs, signatures must
 * come from {@link #trustedKeys()}, and records not covered by a signed checkpoint are a
 * failure unless {@link Builder#allowUncoveredTail(boolean)} says otherwise.
 */
public final class VerifyOptions {
  private final List<VerifierKey> trustedKeys;
  private final String trustedCheckpoint;
  private final boolean allowUncoveredTail;
  private final int threads;
  private final int maxReportedFailures;
  private final ProgressListener progress;

  private VerifyOptions(Builder b) {
    this.trustedKeys = List.copyOf(b.trustedKeys);
    this.trustedCheckpoint = b.trustedCheckpoint;
    this.allowUncoveredTail = b.allowUncoveredTail;
    this.threads = b.threads;
    this.maxReportedFailures = b.maxReportedFailures;
    this.progress = b.progress;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<VerifierKey> trustedKeys() {
    return trustedKeys;
  }

  /** A signed checkpoint the auditor already trusts: verify incrementally from it. */
  public Optional<String> trustedCheckpoint() {
    return Optional.ofNullable(trustedCheckpoint);
  }

  public boolean allowUncoveredTail() {
    return allowUncoveredTail;
  }

  public int threads() {
    return threads;
  }

  public int maxReportedFailures() {
    return maxReportedFailures;
  }

  public Optional<ProgressListener> progress() {
    return Optional.ofNullable(progress);
  }

  /** Told how far verification has got; called from the verifying thread. */
  @FunctionalInterface
  public interface ProgressListener {
    void progress(long recordsChecked, long total);
  }

  public static final class Builder {
    private List<VerifierKey> trustedKeys = List.of();
    private String trustedCheckpoint;
    private boolean allowUncoveredTail;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int maxReportedFailures = 1000;
    private ProgressListener progress;

    private Builder() {}

    public Builder trustedKeys(List<VerifierKey> keys) {
      this.trustedKeys = List.copyOf(keys);
      return this;
    }

    public Builder trustedCheckpoint(String signedNoteText) {
      this.trustedCheckpoint = signedNoteText;
      return this;
    }

    /** Accept records after the last signed checkpoint (e.g. a ledger still being written). */
    public Builder allowUncoveredTail(boolean allow) {
      this.allowUncoveredTail = allow;
      return this;
    }

    public Builder threads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("threads must be >= 1");
      }
      this.threads = n;
      return this;
    }

    /** Failures listed in the report (all are counted). */
    public Builder maxReportedFailures(int n) {
      this.maxReportedFailures = Math.max(1, n);
      return this;
    }

    public Builder progress(ProgressListener p) {
      this.progress = p;
      return this;
    }

    public VerifyOptions build() {
      return new VerifyOptions(this);
    }
  }
}
