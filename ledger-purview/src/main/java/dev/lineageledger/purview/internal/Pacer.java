package dev.lineageledger.purview.internal;

import java.util.function.LongSupplier;

/**
 * Paces requests to what a Purview account can take: a token bucket of {@code rate} operations
 * per second holding at most one second's worth, so a small sync goes out at once and a large
 * one settles at the rate instead of running into 429s. A request of {@code n} operations (a
 * bulk request of n entities) takes n; one larger than the bucket leaves it in debt, which the
 * following requests wait out. Purview's data map gives each capacity unit 25 operations per
 * second ("Elastic data map in Microsoft Purview"), operations being creates, reads, updates and
 * deletes of metadata.
 */
public final class Pacer {
  private final double rate;
  private final double burst;
  private final LongSupplier nanoTime;
  private double stored;
  private long last;

  /** {@code rate} operations per second; 0 or less: no pacing. */
  public Pacer(double rate) {
    this(rate, System::nanoTime);
  }

  Pacer(double rate, LongSupplier nanoTime) {
    this.rate = rate;
    this.burst = Math.max(1, rate);
    this.nanoTime = nanoTime;
    this.stored = burst;
    this.last = nanoTime.getAsLong();
  }

  /** Takes {@code ops} operations; returns how long to wait before sending, in nanoseconds. */
  public synchronized long reserve(int ops) {
    if (rate <= 0) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    stored = Math.min(burst, stored + (now - last) / 1e9 * rate);
    last = now;
    stored -= ops;
    return stored >= 0 ? 0 : (long) Math.ceil(-stored / rate * 1e9);
  }

  /** Takes {@code ops} operations, sleeping as long as the pace requires. */
  public void acquire(int ops) throws InterruptedException {
    long wait = reserve(ops);
    if (wait > 0) {
      java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
