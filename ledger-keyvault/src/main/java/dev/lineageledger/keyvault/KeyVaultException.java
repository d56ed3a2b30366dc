package dev.lineageledger.keyvault;

import dev.lineageledger.core.LedgerException;
import java.util.Objects;

/**
 * Key Vault could not wrap or unwrap a ledger key: the identity has no token or no permission,
 * the key is disabled, deleted or of the wrong type, or the vault is unreachable or throttling.
 * These are environment problems (the CLI exits 3); the message is one line naming the key, the
 * operation and Key Vault's error code, never a token or key material.
 */
public class KeyVaultException extends LedgerException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, for callers that react differently. */
  public enum Reason {
    /** No Entra ID token for Key Vault (credential unavailable or refused). */
    CREDENTIAL,
    /** Key Vault answered 401 with a token (e.g. wrong tenant). */
    UNAUTHORIZED,
    /** 403: the identity lacks the permission (RBAC or access policy). */
    FORBIDDEN,
    /** 403 with Key Vault's KeyDisabled code: the key (version) is disabled. */
    KEY_DISABLED,
    /** 404: no such key or version (deleted, or a typo). */
    NOT_FOUND,
    /** The key cannot wrap with RSA-OAEP-256 (not an RSA key, or wrap/unwrap not allowed). */
    WRONG_KEY_TYPE,
    /** 429 from Key Vault (beyond the short retry budget). */
    THROTTLED,
    /** Connection refused, DNS failure, TLS failure, time-out. */
    UNREACHABLE,
    /** Anything else Key Vault answered (400, 5xx, a malformed response). */
    SERVICE
  }

  private final Reason reason;

  public KeyVaultException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
