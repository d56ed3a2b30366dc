package dev.lineageledger.purview;

import java.time.Duration;
import java.util.Objects;

/**
 * How to sync: where to, as whom, in what batches, with what retry policy. Immutable; use
 * {@link #builder}. Defaults: batches of at most 100 entities and 2 MiB, paced to 25 operations
 * per second (one data map capacity unit), 6 retries per request with
 * exponential backoff from 800 ms (with jitter, capped at 60 s, {@code Retry-After} honoured),
 * 10 s to connect and 60 s for a response.
 */
public final class PurviewSyncOptions {
  public static final int DEFAULT_BATCH_SIZE = 100;
  public static final int MAX_BATCH_SIZE = 1000;
  /** Operations per second per data map capacity unit (Microsoft: "Elastic data map"). */
  public static final int OPS_PER_CAPACITY_UNIT = 25;
  /**
   * Default most bytes of one request body. Purview does not publish the limit of its bulk API;
   * Azure front ends commonly refuse bodies over 4 MB, so half that leaves room.
   */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 2 * 1024 * 1024;

  private final PurviewEndpoint endpoint;
  private final PurviewAuth auth;
  private final String collection;
  private final int batchSize;
  private final int maxRetries;
  private final Duration retryBaseDelay;
  private final Duration retryMaxDelay;
  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final boolean full;
  private final double opsPerSecond;
  private final int maxRequestBytes;

  private PurviewSyncOptions(Builder b) {
    this.endpoint = b.endpoint;
    this.auth = b.auth;
    this.collection = b.collection;
    this.batchSize = b.batchSize;
    this.maxRetries = b.maxRetries;
    this.retryBaseDelay = b.retryBaseDelay;
    this.retryMaxDelay = b.retryMaxDelay;
    this.connectTimeout = b.connectTimeout;
    this.responseTimeout = b.responseTimeout;
    this.full = b.full;
    this.opsPerSecond = b.opsPerSecond;
    this.maxRequestBytes = b.maxRequestBytes;
  }

  public static Builder builder(PurviewEndpoint endpoint, PurviewAuth auth) {
    return new Builder(endpoint, auth);
  }

  public PurviewEndpoint endpoint() {
    return endpoint;
  }

  public PurviewAuth auth() {
    return auth;
  }

  /** The Purview collection to put new entities in ({@code collectionId}), or null. */
  public String collection() {
    return collection;
  }

  public int batchSize() {
    return batchSize;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public Duration retryBaseDelay() {
    return retryBaseDelay;
  }

  public Duration retryMaxDelay() {
    return retryMaxDelay;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration responseTimeout() {
    return responseTimeout;
  }

  /** Push every record again from the start, ignoring (then advancing) the cursor. */
  public boolean full() {
    return full;
  }

  /**
   * Operations per second requests are paced to (a bulk request of n entities is n
   * operations); 0: not paced. Default 25, one capacity unit.
   */
  public double opsPerSecond() {
    return opsPerSecond;
  }

  /** Most bytes of one bulk request body; larger batches are split (default 2 MiB). */
  public int maxRequestBytes() {
    return maxRequestBytes;
  }

  public static final class Builder {
    private final PurviewEndpoint endpoint;
    private final PurviewAuth auth;
    private String collection;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int maxRetries = 6;
    private Duration retryBaseDelay = Duration.ofMillis(800);
    private Duration retryMaxDelay = Duration.ofSeconds(60);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration responseTimeout = Duration.ofSeconds(60);
    private boolean full;
    private double opsPerSecond = OPS_PER_CAPACITY_UNIT;
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;

    private Builder(PurviewEndpoint endpoint, PurviewAuth auth) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      this.auth = Objects.requireNonNull(auth, "auth");
    }

    public Builder collection(String id) {
      if (id != null && (id.isBlank() || id.length() > 256)) {
        throw new IllegalArgumentException("collection id must be 1..256 characters");
      }
      this.collection = id;
      return this;
    }

    /** Most entities per {@code /entity/bulk} request, 1..1000 (default 100). */
    public Builder batchSize(int n) {
      if (n < 1 || n > MAX_BATCH_SIZE) {
        throw new IllegalArgumentException("batch size must be between 1 and " + MAX_BATCH_SIZE);
      }
      this.batchSize = n;
      return this;
    }

    /** Retries of one request after 429, 408, 5xx or a connection failure, 0..20 (default 6). */
    public Builder maxRetries(int n) {
      if (n < 0 || n > 20) {
        throw new IllegalArgumentException("max retries must be between 0 and 20");
      }
      this.maxRetries = n;
      return this;
    }

    /** First backoff delay and the cap; each retry doubles the delay, with jitter. */
    public Builder retryDelays(Duration base, Duration max) {
      if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
        throw new IllegalArgumentException("need 0 < base delay <= max delay");
      }
      this.retryBaseDelay = base;
      this.retryMaxDelay = max;
      return this;
    }

    public Builder timeouts(Duration connect, Duration response) {
      this.connectTimeout = Objects.requireNonNull(connect);
      this.responseTimeout = Objects.requireNonNull(response);
      return this;
    }

    public Builder full(boolean full) {
      this.full = full;
      return this;
    }

    /** Paces to {@code units} data map capacity units, 25 operations per second each. */
    public Builder capacityUnits(int units) {
      if (units < 1 || units > 10_000) {
        throw new IllegalArgumentException("capacity units must be between 1 and 10000");
      }
      this.opsPerSecond = (double) units * OPS_PER_CAPACITY_UNIT;
      return this;
    }

    /** Paces to {@code ops} operations per second; 0 turns pacing off (the emulator, tests). */
    public Builder opsPerSecond(double ops) {
      if (ops < 0 || Double.isNaN(ops)) {
        throw new IllegalArgumentException("operations per second must be >= 0");
      }
      this.opsPerSecond = ops;
      return this;
    }

    /** Most bytes of one bulk request body, 1 KiB..64 MiB (default 2 MiB). */
    public Builder maxRequestBytes(int bytes) {
      if (bytes < 1024 || bytes > 64 * 1024 * 1024) {
        throw new IllegalArgumentException("max request bytes must be between 1024 and 67108864");
      }
      this.maxRequestBytes = bytes;
      return this;
    }

    public PurviewSyncOptions build() {
      return new PurviewSyncOptions(this);
    }
  }
}
