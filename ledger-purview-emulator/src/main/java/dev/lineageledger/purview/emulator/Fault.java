package dev.lineageledger.purview.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A fault the {@link PurviewEmulator} injects into matching requests: an error status (429 with
 * {@code Retry-After}, 503, or any Atlas error), a slow response, or a dropped connection
 * (before the request is applied, or after it was applied but before the answer). Immutable;
 * narrow it with {@link #onPath}, {@link #onMethod}, {@link #afterRequests}, {@link #times} and
 * {@link #atRate}. Without {@link #times} a fault fires on every matching request.
 *
 * <pre>{@code
 * emulator.inject(Fault.tooManyRequests(Duration.ofMillis(20)).onPath("/entity/bulk").times(3));
 * emulator.inject(Fault.dropConnection().onPath("/entity/bulk").afterRequests(2).times(1));
 * }</pre>
 */
public final class Fault {
  /** What the fault does. */
  public enum Kind { STATUS, SLOW, DROP_BEFORE_APPLY, DROP_AFTER_APPLY, HANG_AFTER_APPLY }

  private final Kind kind;
  private final int status;
  private final String errorCode;
  private final String errorMessage;
  private final Duration retryAfter;
  private final Duration delay;
  private final String path;
  private final String method;
  private final long after;
  private final int times;
  private final double rate;
  private final long minBodyBytes;

  private Fault(Kind kind, int status, String errorCode, String errorMessage, Duration retryAfter,
      Duration delay, String path, String method, long after, int times, double rate) {
    this(kind, status, errorCode, errorMessage, retryAfter, delay, path, method, after, times,
        rate, -1);
  }

  private Fault(Kind kind, int status, String errorCode, String errorMessage, Duration retryAfter,
      Duration delay, String path, String method, long after, int times, double rate,
      long minBodyBytes) {
    this.kind = kind;
    this.status = status;
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
    this.retryAfter = retryAfter;
    this.delay = delay;
    this.path = path;
    this.method = method;
    this.after = after;
    this.times = times;
    this.rate = rate;
    this.minBodyBytes = minBodyBytes;
  }

  private static Fault of(Kind kind, int status, String code, String message, Duration retryAfter,
      Duration delay) {
    return new Fault(kind, status, code, message, retryAfter, delay, null, null, 0, -1, 1.0);
  }

  /**
   * HTTP 429 with {@code Retry-After} in whole seconds (rounded up), plus {@code retry-after-ms}
   * when {@code retryAfter} is not a whole number of seconds, as Azure services send.
   */
  public static Fault tooManyRequests(Duration retryAfter) {
    return of(Kind.STATUS, 429, null, "Too many requests", Objects.requireNonNull(retryAfter), null);
  }

  /** HTTP 503 without Retry-After. */
  public static Fault serviceUnavailable() {
    return of(Kind.STATUS, 503, null, "Service unavailable", null, null);
  }

  /** Any status with an Atlas error body ({@code errorCode}, {@code errorMessage}). */
  public static Fault atlasError(int status, String errorCode, String errorMessage) {
    return of(Kind.STATUS, status, errorCode, errorMessage, null, null);
  }

  /** Waits {@code delay} before handling the request normally. */
  public static Fault slow(Duration delay) {
    return of(Kind.SLOW, 0, null, null, null, Objects.requireNonNull(delay));
  }

  /** Closes the connection without answering, before the request has any effect. */
  public static Fault dropConnection() {
    return of(Kind.DROP_BEFORE_APPLY, 0, null, null, null, null);
  }

  /** Applies the request, then closes the connection without answering: the answer is lost. */
  public static Fault dropAfterApply() {
    return of(Kind.DROP_AFTER_APPLY, 0, null, null, null, null);
  }

  /**
   * Applies the request, then holds the connection open for {@code hold} without answering
   * (for tests that kill the client while Purview has applied a request it never acknowledged).
   */
  public static Fault hangAfterApply(Duration hold) {
    return of(Kind.HANG_AFTER_APPLY, 0, null, null, null, Objects.requireNonNull(hold));
  }

  /** Only requests whose path contains {@code fragment}, e.g. {@code /entity/bulk}. */
  public Fault onPath(String fragment) {
    return new Fault(kind, status, errorCode, errorMessage, retryAfter, delay, fragment, method,
        after, times, rate, minBodyBytes);
  }

  /** Only requests with this HTTP method. */
  public Fault onMethod(String m) {
    return new Fault(kind, status, errorCode, errorMessage, retryAfter, delay, path, m, after,
        times, rate, minBodyBytes);
  }

  /** Lets the first {@code n} matching requests through untouched. */
  public Fault afterRequests(long n) {
    return new Fault(kind, status, errorCode, errorMessage, retryAfter, delay, path, method, n,
        times, rate, minBodyBytes);
  }

  /** Fires on at most {@code n} requests, then expires. */
  public Fault times(int n) {
    return new Fault(kind, status, errorCode, errorMessage, retryAfter, delay, path, method, after,
        n, rate, minBodyBytes);
  }

  /** Fires on each matching request with probability {@code p} (seeded, so repeatable). */
  public Fault atRate(double p) {
    if (p < 0 || p > 1) {
      throw new IllegalArgumentException("rate must be in [0, 1]");
    }
    return new Fault(kind, status, errorCode, errorMessage, retryAfter, delay, path, method, after,
        times, p, minBodyBytes);
  }

  /**
   * Only requests whose body is larger than {@code bytes}: with {@link #atlasError} a front end
   * that answers an oversize body with a 5xx instead of 413.
   */
  public Fault onBodyLargerThan(long bytes) {
    return new Fault(kind, status, errorCode, errorMessage, retryAfter, delay, path, method, after,
        times, rate, bytes);
  }

  /** The body size above which it fires, or -1 for any. */
  public long minBodyBytes() {
    return minBodyBytes;
  }

  public Kind kind() {
    return kind;
  }

  public int status() {
    return status;
  }

  public String errorCode() {
    return errorCode;
  }

  public String errorMessage() {
    return errorMessage;
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  public Duration delay() {
    return delay;
  }

  public String path() {
    return path;
  }

  public String method() {
    return method;
  }

  public long afterRequests() {
    return after;
  }

  /** How many times it fires; -1: unlimited. */
  public int times() {
    return times;
  }

  public double rate() {
    return rate;
  }

  @Override
  public String toString() {
    return "Fault[" + kind + (status > 0 ? " " + status : "") + (path == null ? "" : " on " + path)
        + (after > 0 ? " after " + after : "") + (times >= 0 ? " x" + times : "")
        + (rate < 1 ? " rate " + rate : "") + "]";
  }
}
