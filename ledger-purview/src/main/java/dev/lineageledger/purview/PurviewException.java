package dev.lineageledger.purview;

/**
 * A Purview sync or request failed. {@link #reason()} says what kind of failure it is; for a
 * request Purview rejected, {@link #atlasErrorCode()} and {@link #httpStatus()} say how, and
 * {@link #recordSeq()} names the ledger record it was about when that is known. The message is
 * one line and never contains a token.
 */
public final class PurviewException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** Bad configuration: endpoint, options, token source. */
    CONFIG,
    /** Authentication or authorisation failed (401/403, or no token could be obtained). */
    AUTH,
    /** Purview could not be reached or kept failing with retryable errors. */
    UNAVAILABLE,
    /** Purview rejected a request with a non-retryable error. */
    REJECTED,
    /** Purview's types conflict with ours in a way a sync cannot fix. */
    TYPE_CONFLICT,
    /** Another sync moved the cursor while this one ran. */
    CURSOR_MOVED
  }

  private final Reason reason;
  private final int httpStatus;
  private final String atlasErrorCode;
  private final long recordSeq;
  private final java.util.List<String> details;

  public PurviewException(Reason reason, String message, int httpStatus, String atlasErrorCode,
      long recordSeq, Throwable cause) {
    this(reason, message, httpStatus, atlasErrorCode, recordSeq, cause, java.util.List.of());
  }

  public PurviewException(Reason reason, String message, int httpStatus, String atlasErrorCode,
      long recordSeq, Throwable cause, java.util.List<String> details) {
    super(message, cause);
    this.reason = reason;
    this.httpStatus = httpStatus;
    this.atlasErrorCode = atlasErrorCode;
    this.recordSeq = recordSeq;
    this.details = java.util.List.copyOf(details);
  }

  public PurviewException(Reason reason, String message, Throwable cause) {
    this(reason, message, 0, null, -1, cause);
  }

  public Reason reason() {
    return reason;
  }

  /** The HTTP status of the failed response, or 0. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Atlas's {@code errorCode} (e.g. {@code ATLAS-400-00-021}), or null. */
  public String atlasErrorCode() {
    return atlasErrorCode;
  }

  /**
   * Short lines explaining the failure further (for example why each credential of
   * DefaultAzureCredential failed), for a verbose report instead of a stack trace; often empty.
   */
  public java.util.List<String> details() {
    return details;
  }

  /** The ledger record the failure is about, or -1. */
  public long recordSeq() {
    return recordSeq;
  }
}
