package dev.lineageledger.core;

/**
 * A key could not be loaded, stored or used: missing or corrupt key file, wrong passphrase,
 * unsafe file permissions. Messages never contain key material.
 */
public class KeyException extends LedgerException {
  private static final long serialVersionUID = 1L;

  public KeyException(String message) {
    super(message);
  }

  public KeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
