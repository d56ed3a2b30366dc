package dev.lineageledger.core.internal;

import dev.lineageledger.core.LedgerException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Splits index ranges across a small fixed pool plus the calling thread: used for Ed25519
 * signing on append and signature checks during verification, the two CPU-bound steps.
 */
public final class Parallel implements AutoCloseable {
  /** Work on indexes [from, to). */
  @FunctionalInterface
  public interface RangeTask {
    void run(int from, int to) throws LedgerException;
  }

  private static final int MIN_CHUNK = 8;
  /** Parts of an asynchronous range: small, so that whoever is free takes the next one. */
  private static final int ASYNC_CHUNK = 64;
  private final int threads;
  private final ExecutorService pool;

  public Parallel(int threads, String name) {
    this.threads = Math.max(1, threads);
    this.pool = this.threads > 1
        ? Executors.newFixedThreadPool(this.threads - 1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
          })
        : null;
  }

  /** Runs {@code task} over [0, n), the caller taking the first chunk. */
  public void forRange(int n, RangeTask task) throws LedgerException {
    int k = pool == null ? 1 : Math.min(threads, Math.max(1, n / MIN_CHUNK));
    if (k <= 1) {
      task.run(0, n);
      return;
    }
    int chunk = (n + k - 1) / k;
    List<Future<?>> futures = new ArrayList<>(k - 1);
    for (int t = 1; t < k; t++) {
      int from = t * chunk;
      int to = Math.min(n, from + chunk);
      if (from < to) {
        futures.add(pool.submit(() -> {
          task.run(from, to);
          return null;
        }));
      }
    }
    task.run(0, Math.min(n, chunk));
    for (Future<?> f : futures) {
      get(f);
    }
  }

  /** Work started by {@link #forRangeAsync}; {@link #await} finishes it. */
  public static final class Job {
    private final List<FutureTask<Void>> parts;

    private Job(List<FutureTask<Void>> parts) {
      this.parts = parts;
    }

    /**
     * Runs, on the calling thread, every part no pool thread has started yet, then waits for the
     * rest. A {@code FutureTask} runs at most once, so a part is never done twice.
     */
    public void await() throws LedgerException {
      for (FutureTask<Void> p : parts) {
        p.run();
      }
      for (FutureTask<Void> p : parts) {
        get(p);
      }
    }
  }

  /**
   * Starts {@code task} over [0, n) on the pool in small parts and returns at once, so that the
   * caller can do other work meanwhile; {@link Job#await} has the caller help with what is left.
   */
  public Job forRangeAsync(int n, RangeTask task) {
    int k = pool == null ? 1 : Math.max(1, n / ASYNC_CHUNK);
    int chunk = (n + k - 1) / k;
    List<FutureTask<Void>> parts = new ArrayList<>(k);
    for (int from = 0; from < n; from += chunk) {
      int f = from;
      int to = Math.min(n, from + chunk);
      FutureTask<Void> part = new FutureTask<>(() -> {
        task.run(f, to);
        return null;
      });
      parts.add(part);
      if (pool != null) {
        pool.execute(part);
      }
    }
    return new Job(parts);
  }

  private static void get(Future<?> f) throws LedgerException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof LedgerException le) {
        throw le;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new LedgerException("parallel task failed: " + c, c);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
