package dev.lineageledger.server;

/**
 * A bearer token was missing, malformed, expired, for another audience or issuer, or not signed
 * by a trusted key (HTTP 401); or it was valid but grants no ledger role (HTTP 403, {@link
 * #forbidden()}). The message says which, and never contains the token.
 */
public final class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean forbidden;

  public AuthenticationException(String message) {
    this(message, false, null);
  }

  public AuthenticationException(String message, boolean forbidden, Throwable cause) {
    super(message, cause);
    this.forbidden = forbidden;
  }

  /** True when the caller is known but not allowed (403), false when unauthenticated (401). */
  public boolean forbidden() {
    return forbidden;
  }
}
