package dev.lineageledger.server.internal;

/** A request the server refuses with a 4xx, naming the offending field (JSON pointer-ish path). */
public final class BadRequest extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String field;

  public BadRequest(int status, String field, String message) {
    super(message);
    this.status = status;
    this.field = field;
  }

  public static BadRequest field(String field, String message) {
    return new BadRequest(400, field, message);
  }

  public int status() {
    return status;
  }

  public String field() {
    return field;
  }
}
