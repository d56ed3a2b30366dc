package dev.lineageledger.core;

/**
 * A record was rejected before anything was written: malformed JSON, a missing or mistyped
 * field, an oversized value or a dangling reference. {@link #field()} names the offending field
 * as a JSON-pointer-like path ({@code body.inputs[2]}), or is empty when the whole input is bad.
 */
public class InvalidRecordException extends LedgerException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public InvalidRecordException(String field, String message) {
    super(field == null || field.isEmpty() ? message : field + ": " + message);
    this.field = field == null ? "" : field;
  }

  public InvalidRecordException(String field, String message, Throwable cause) {
    super(field == null || field.isEmpty() ? message : field + ": " + message, cause);
    this.field = field == null ? "" : field;
  }

  public String field() {
    return field;
  }

  /** The message without the leading {@code "field: "}, to re-wrap it with more context. */
  public String reason() {
    String m = getMessage();
    return field.isEmpty() ? m : m.substring(field.length() + 2);
  }
}
