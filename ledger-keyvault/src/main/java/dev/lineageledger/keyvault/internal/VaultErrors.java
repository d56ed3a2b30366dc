package dev.lineageledger.keyvault.internal;

import com.azure.core.exception.HttpResponseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lineageledger.keyvault.KeyVaultException;
import dev.lineageledger.keyvault.KeyVaultException.Reason;
import dev.lineageledger.keyvault.KeyVaultKeyId;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns what the SDK throws into one {@link KeyVaultException} with a one-line message: the
 * operation, the key, the HTTP status with Key Vault's error code (and inner code), Key Vault's
 * message (first line) and what to do about it. Error bodies follow Key Vault's REST reference:
 * {@code {"error":{"code":..,"message":..,"innererror":{"code":..}}}}.
 */
public final class VaultErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private VaultErrors() {}

  public static KeyVaultException map(String op, KeyVaultKeyId key, RuntimeException e) {
    String where = "Key Vault " + op + " with " + key;
    for (Throwable x = e; x != null; x = x.getCause() == x ? null : x.getCause()) {
      if (x instanceof HttpResponseException h && h.getResponse() != null) {
        return fromResponse(where, h);
      }
    }
    for (Throwable x = e; x != null; x = x.getCause() == x ? null : x.getCause()) {
      String cls = x.getClass().getName();
      if (x instanceof HttpResponseException || cls.startsWith("com.azure.identity")
          || cls.startsWith("com.microsoft.aad.msal4j")) {
        return new KeyVaultException(Reason.CREDENTIAL, where + " failed: no Entra ID token for"
            + " Key Vault: " + firstLine(x), e);
      }
    }
    UnknownHostException unknownHost = find(e, UnknownHostException.class);
    if (unknownHost != null) {
      return new KeyVaultException(Reason.UNREACHABLE, where + " failed: unknown host "
          + key.vaultUrl().getHost(), e);
    }
    ConnectException connect = find(e, ConnectException.class);
    if (connect != null) {
      return new KeyVaultException(Reason.UNREACHABLE, where + " failed: cannot connect to "
          + key.vaultUrl().getAuthority() + (connect.getMessage() == null ? ""
          : " (" + firstLine(connect) + ")"), e);
    }
    SSLException tls = find(e, SSLException.class);
    if (tls != null) {
      return new KeyVaultException(Reason.UNREACHABLE, where + " failed: TLS error with "
          + key.vaultUrl().getAuthority() + " (" + firstLine(tls) + ")", e);
    }
    if (find(e, HttpTimeoutException.class) != null || find(e, TimeoutException.class) != null) {
      return new KeyVaultException(Reason.UNREACHABLE, where + " failed: timed out", e);
    }
    IOException io = find(e, IOException.class);
    if (io != null) {
      return new KeyVaultException(Reason.UNREACHABLE, where + " failed: " + firstLine(io), e);
    }
    String m = firstLine(e);
    if (m.contains("challenge resource")) {
      return new KeyVaultException(Reason.SERVICE, where + " failed: the vault's bearer"
          + " challenge names a resource outside the vault's domain (refused; only loopback"
          + " vaults are exempt)", e);
    }
    return new KeyVaultException(Reason.SERVICE, where + " failed: " + m, e);
  }

  private static KeyVaultException fromResponse(String where, HttpResponseException h) {
    int status = h.getResponse().getStatusCode();
    String code = null;
    String inner = null;
    String message = null;
    JsonNode err = errorBody(h);
    if (err != null) {
      code = err.path("code").isTextual() ? err.path("code").asText() : null;
      inner = err.path("innererror").path("code").isTextual()
          ? err.path("innererror").path("code").asText() : null;
      message = err.path("message").isTextual() ? firstLine(err.path("message").asText()) : null;
    }
    StringBuilder s = new StringBuilder(where).append(" failed: HTTP ").append(status);
    if (code != null) {
      s.append(' ').append(code);
      if (inner != null) {
        s.append('/').append(inner);
      }
    }
    if (message != null && !message.isBlank()) {
      s.append(": ").append(message.strip());
    }
    Reason reason;
    switch (status) {
      case 401 -> {
        reason = Reason.UNAUTHORIZED;
        s.append(" (Key Vault refused the identity's token: check the tenant)");
      }
      case 403 -> {
        boolean disabled = "KeyDisabled".equalsIgnoreCase(inner) || "KeyDisabled".equalsIgnoreCase(code)
            || (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("disabled"));
        reason = disabled ? Reason.KEY_DISABLED : Reason.FORBIDDEN;
        s.append(disabled ? " (the key version is disabled; enable it or rewrap with an enabled"
            + " key)" : " (the identity needs the Key Vault Crypto User role, or an access policy"
            + " with get, wrapKey and unwrapKey)");
      }
      case 404 -> {
        reason = Reason.NOT_FOUND;
        s.append(" (no such key or key version: deleted, purged or misspelt)");
      }
      case 429 -> {
        reason = Reason.THROTTLED;
        s.append(" (Key Vault is throttling this vault; try again later)");
      }
      default -> reason = Reason.SERVICE;
    }
    return new KeyVaultException(reason, s.toString(), h);
  }

  /** The {@code error} object of a Key Vault error body, from the exception's value or message. */
  private static JsonNode errorBody(HttpResponseException h) {
    Object v = h.getValue();
    String text = null;
    if (v instanceof String str) {
      text = str;
    } else if (v != null && !(v instanceof byte[])) {
      try {
        JsonNode n = JSON.valueToTree(v);
        if (n.path("error").isObject()) {
          return n.path("error");
        }
      } catch (IllegalArgumentException ignored) {
        // fall back to the message
      }
    }
    if (text == null) {
      text = h.getMessage();
    }
    if (text == null) {
      return null;
    }
    int a = text.indexOf('{');
    int b = text.lastIndexOf('}');
    if (a < 0 || b <= a) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(text.substring(a, b + 1));
      return n.path("error").isObject() ? n.path("error") : null;
    } catch (IOException e) {
      return null;
    }
  }

  static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable x = e; x != null; x = x.getCause() == x ? null : x.getCause()) {
      if (type.isInstance(x)) {
        return type.cast(x);
      }
    }
    return null;
  }

  static String firstLine(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : firstLine(m);
  }

  static String firstLine(String m) {
    String s = m.strip();
    int nl = s.indexOf('\n');
    int cr = s.indexOf('\r');
    int cut = nl < 0 ? cr : cr < 0 ? nl : Math.min(nl, cr);
    return cut < 0 ? s : s.substring(0, cut).strip();
  }
}
