package dev.lineageledger.core.internal;

import dev.lineageledger.core.LedgerException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
