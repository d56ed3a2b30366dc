package dev.lineageledger.core;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * How a ledger is opened: keys, durability, group-commit and checkpoint policy. Immutable; use
 * {@link #builder()}. Defaults are the safe ones: fsync per commit group, a checkpoint every
 * 1000 records or 1 s after the first record it does not yet cover.
 */
public final class LedgerOptions {
  private final Signer checkpointSigner;
  private final Signer recordSigner;
  private final Durability durability;
  private final int checkpointEveryRecords;
  private final long checkpointIntervalMillis;
  private final int maxBatchRecords;
  private final int busyTimeoutMillis;
  private final int signingThreads;
  private final boolean readOnly;
  private final boolean checkpointOnClose;
  private final Supplier<char[]> passwordSupplier;

  private LedgerOptions(Builder b) {
    this.checkpointSigner = b.checkpointSigner;
    this.recordSigner = b.recordSigner;
    this.durability = b.durability;
    this.checkpointEveryRecords = b.checkpointEveryRecords;
    this.checkpointIntervalMillis = b.checkpointIntervalMillis;
    this.maxBatchRecords = b.maxBatchRecords;
    this.busyTimeoutMillis = b.busyTimeoutMillis;
    this.signingThreads = b.signingThreads;
    this.readOnly = b.readOnly;
    this.checkpointOnClose = b.checkpointOnClose;
    this.passwordSupplier = b.passwordSupplier;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Read-only access: queries, proofs and verification; appends are refused. */
  public static LedgerOptions readOnly() {
    return builder().readOnly(true).build();
  }

  /** The key that signs checkpoints (the log key); empty means no automatic checkpoints. */
  public Optional<Signer> checkpointSigner() {
    return Optional.ofNullable(checkpointSigner);
  }

  /** The writer key for per-record signatures; defaults to the checkpoint signer. */
  public Optional<Signer> recordSigner() {
    return Optional.ofNullable(recordSigner != null ? recordSigner : checkpointSigner);
  }

  public Durability durability() {
    return durability;
  }

  public int checkpointEveryRecords() {
    return checkpointEveryRecords;
  }

  public long checkpointIntervalMillis() {
    return checkpointIntervalMillis;
  }

  public int maxBatchRecords() {
    return maxBatchRecords;
  }

  public int busyTimeoutMillis() {
    return busyTimeoutMillis;
  }

  public int signingThreads() {
    return signingThreads;
  }

  public boolean isReadOnly() {
    return readOnly;
  }

  public boolean checkpointOnClose() {
    return checkpointOnClose;
  }

  /**
   * Where the password of a PostgreSQL ledger comes from: called for every new connection, so
   * that a token provider (Entra ID) can hand out a current token each time. Returns null for
   * no password. Default: the {@code PGPASSWORD} environment variable, read at each call. Not
   * used by file ledgers.
   */
  public Supplier<char[]> passwordSupplier() {
    return passwordSupplier;
  }

  /** {@code PGPASSWORD} as libpq reads it, or null when unset. */
  private static char[] environmentPassword() {
    String pw = System.getenv("PGPASSWORD");
    return pw == null ? null : pw.toCharArray();
  }

  public static final class Builder {
    private Signer checkpointSigner;
    private Signer recordSigner;
    private Durability durability = Durability.FSYNC;
    private int checkpointEveryRecords = 1000;
    private long checkpointIntervalMillis = 1000;
    private int maxBatchRecords = 1024;
    private int busyTimeoutMillis = 10_000;
    private int signingThreads = Runtime.getRuntime().availableProcessors();
    private boolean readOnly;
    private boolean checkpointOnClose = true;
    private Supplier<char[]> passwordSupplier = LedgerOptions::environmentPassword;

    private Builder() {}

    public Builder checkpointSigner(Signer s) {
      this.checkpointSigner = s;
      return this;
    }

    public Builder recordSigner(Signer s) {
      this.recordSigner = s;
      return this;
    }

    public Builder durability(Durability d) {
      this.durability = java.util.Objects.requireNonNull(d);
      return this;
    }

    /** Sign a checkpoint whenever this many records are not yet covered; 0 disables. */
    public Builder checkpointEveryRecords(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("checkpointEveryRecords must be >= 0");
      }
      this.checkpointEveryRecords = n;
      return this;
    }

    /** Sign a checkpoint this long after the first uncovered record; 0 disables. */
    public Builder checkpointIntervalMillis(long ms) {
      if (ms < 0) {
        throw new IllegalArgumentException("checkpointIntervalMillis must be >= 0");
      }
      this.checkpointIntervalMillis = ms;
      return this;
    }

    /** Most records committed in one transaction (group commit). */
    public Builder maxBatchRecords(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxBatchRecords must be >= 1");
      }
      this.maxBatchRecords = n;
      return this;
    }

    /**
     * How long to wait for another process's write lock before failing (SQLite's busy
     * timeout; PostgreSQL's {@code lock_timeout} on the ledger's write_lock row).
     */
    public Builder busyTimeoutMillis(int ms) {
      if (ms < 0) {
        throw new IllegalArgumentException("busyTimeoutMillis must be >= 0");
      }
      this.busyTimeoutMillis = ms;
      return this;
    }

    /** Threads that compute per-record signatures in parallel (the writer thread is one). */
    public Builder signingThreads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("signingThreads must be >= 1");
      }
      this.signingThreads = n;
      return this;
    }

    public Builder readOnly(boolean ro) {
      this.readOnly = ro;
      return this;
    }

    /** Sign a final checkpoint on close when records are uncovered (default true). */
    public Builder checkpointOnClose(boolean b) {
      this.checkpointOnClose = b;
      return this;
    }

    /**
     * The password of a PostgreSQL ledger, asked for each new connection (see {@link
     * LedgerOptions#passwordSupplier()}); the array returned is cleared after use. A supplier
     * that throws fails the connection with its message.
     */
    public Builder passwordSupplier(Supplier<char[]> s) {
      this.passwordSupplier = java.util.Objects.requireNonNull(s);
      return this;
    }

    public LedgerOptions build() {
      return new LedgerOptions(this);
    }
  }
}
