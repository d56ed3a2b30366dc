package dev.lineageledger.keyvault;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.models.KeyWrapAlgorithm;
import com.azure.security.keyvault.keys.cryptography.models.UnwrapResult;
import com.azure.security.keyvault.keys.cryptography.models.WrapResult;
import com.azure.security.keyvault.keys.models.KeyOperation;
import com.azure.security.keyvault.keys.models.KeyType;
import com.azure.security.keyvault.keys.models.KeyVaultKey;
import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.KeyFiles;
import dev.lineageledger.keyvault.KeyVaultException.Reason;
import dev.lineageledger.keyvault.internal.VaultClients;
import dev.lineageledger.keyvault.internal.VaultErrors;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Envelope protection of ledger signing keys by Azure Key Vault: an Ed25519 key is wrapped with
 * an RSA Key Vault key (RSA-OAEP-256 {@code wrapKey}) into a {@link WrappedKeyFile}, and
 * unwrapped in memory ({@code unwrapKey}) when a ledger opens for writing. Signing stays local;
 * Key Vault only guards the key. See docs/KEYVAULT.md.
 *
 * <p>Every operation fails within seconds with one {@link KeyVaultException} when the identity
 * has no token or no permission, the key is disabled, deleted or not an RSA wrapping key, or the
 * vault cannot be reached. Thread-safe.
 */
public final class KeyVaultKeys {
  private final VaultClients clients;

  private KeyVaultKeys(Builder b) {
    TokenCredential credential = b.credential != null ? b.credential
        : VaultClients.defaultCredential(b.connectTimeout, b.responseTimeout);
    this.clients = new VaultClients(credential, b.httpClient, b.connectTimeout,
        b.responseTimeout, b.maxRetries);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings; defaults: DefaultAzureCredential, 3 s connect, 15 s response, 2 retries. */
  public static final class Builder {
    private TokenCredential credential;
    private HttpClient httpClient;
    private Duration connectTimeout = Duration.ofSeconds(3);
    private Duration responseTimeout = Duration.ofSeconds(15);
    private int maxRetries = 2;

    private Builder() {}

    /** The Entra ID credential (default: DefaultAzureCredential, set up to fail fast). */
    public Builder credential(TokenCredential credential) {
      this.credential = Objects.requireNonNull(credential, "credential");
      return this;
    }

    /** The HTTP client for Key Vault (default: the JDK client with the time-outs below). */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = positive(d, "connectTimeout");
      return this;
    }

    public Builder responseTimeout(Duration d) {
      this.responseTimeout = positive(d, "responseTimeout");
      return this;
    }

    /** Retries of transport failures and short-{@code Retry-After} 408/429/5xx (0-5). */
    public Builder maxRetries(int n) {
      if (n < 0 || n > 5) {
        throw new IllegalArgumentException("maxRetries must be 0-5");
      }
      this.maxRetries = n;
      return this;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }

    public KeyVaultKeys build() {
      return new KeyVaultKeys(this);
    }
  }

  /**
   * Resolves {@code keyVaultKey} (its current version when it names none) and checks that it can
   * wrap: enabled, RSA, wrapKey and unwrapKey allowed.
   *
   * @return the key with its version
   */
  public KeyVaultKeyId resolve(KeyVaultKeyId keyVaultKey) throws KeyVaultException {
    Objects.requireNonNull(keyVaultKey, "keyVaultKey");
    KeyVaultKey k;
    try {
      KeyClient c = clients.keyClient(keyVaultKey);
      k = keyVaultKey.version() == null ? c.getKey(keyVaultKey.name())
          : c.getKey(keyVaultKey.name(), keyVaultKey.version());
    } catch (RuntimeException e) {
      throw VaultErrors.map("get key", keyVaultKey, e);
    }
    String where = "Key Vault key " + keyVaultKey;
    if (k == null || k.getId() == null || k.getKey() == null) {
      throw new KeyVaultException(Reason.SERVICE, where + ": Key Vault returned no key", null);
    }
    if (k.getProperties() != null && Boolean.FALSE.equals(k.getProperties().isEnabled())) {
      throw new KeyVaultException(Reason.KEY_DISABLED, where + " is disabled", null);
    }
    KeyType kty = k.getKeyType();
    if (!KeyType.RSA.equals(kty) && !KeyType.RSA_HSM.equals(kty)) {
      throw new KeyVaultException(Reason.WRONG_KEY_TYPE, where + " is a " + kty
          + " key; wrapping with " + WrappedKeyFile.ALGORITHM + " needs an RSA or RSA-HSM key", null);
    }
    List<KeyOperation> ops = k.getKeyOperations();
    if (ops != null && !(ops.contains(KeyOperation.WRAP_KEY) && ops.contains(KeyOperation.UNWRAP_KEY))) {
      throw new KeyVaultException(Reason.WRONG_KEY_TYPE, where + " does not permit wrapKey and"
          + " unwrapKey (its key operations are " + ops + ")", null);
    }
    KeyVaultKeyId resolved;
    try {
      resolved = KeyVaultKeyId.parse(k.getId());
    } catch (IllegalArgumentException e) {
      throw new KeyVaultException(Reason.SERVICE, where + ": Key Vault returned a malformed key id",
          e);
    }
    if (resolved.version() == null || !resolved.name().equals(keyVaultKey.name())
        || (keyVaultKey.version() != null && !keyVaultKey.version().equals(resolved.version()))) {
      throw new KeyVaultException(Reason.SERVICE, where + ": Key Vault returned key id "
          + resolved + " for it", null);
    }
    // The kid names the vault as the service sees itself; keep the URL the user gave us.
    return keyVaultKey.withVersion(resolved.version());
  }

  /**
   * Wraps {@code key} with {@code keyVaultKey} (its current version unless one is named), then
   * unwraps the result once to prove the identity can open it again before anything is written.
   *
   * @throws KeyVaultException if Key Vault cannot be used (see the class comment)
   * @throws KeyException if the round trip does not give back the same key
   */
  public WrappedKeyFile wrap(Ed25519Signer key, KeyVaultKeyId keyVaultKey)
      throws KeyVaultException, KeyException {
    Objects.requireNonNull(key, "key");
    KeyVaultKeyId versioned = resolve(keyVaultKey);
    CryptographyClient crypto = clients.cryptoClient(versioned);
    WrapResult r;
    try {
      r = KeyFiles.sealPrivateKey(key,
          der -> crypto.wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, der));
    } catch (RuntimeException e) {
      throw VaultErrors.map("wrapKey", versioned, e);
    }
    WrappedKeyFile f;
    try {
      f = new WrappedKeyFile(versioned, WrappedKeyFile.ALGORITHM, r.getEncryptedKey(),
          key.verifierKey());
    } catch (IllegalArgumentException e) {
      throw new KeyVaultException(Reason.SERVICE, "Key Vault wrapKey with " + versioned
          + " returned an unusable result: " + e.getMessage(), e);
    }
    try (UnwrappedKey check = unwrap(f, key.verifierKey().name())) {
      // unwrap() compared the unwrapped key with key.verifierKey().
      return f;
    }
  }

  /**
   * Unwraps {@code file} with the Key Vault key version it names and checks that the unwrapped
   * private key derives the recorded verifier key.
   *
   * @param name the signed-note key name (the ledger's origin); must match the file's key
   * @throws KeyVaultException if Key Vault cannot be used
   * @throws KeyException if the unwrapped bytes are not the recorded Ed25519 key
   */
  public UnwrappedKey unwrap(WrappedKeyFile file, String name)
      throws KeyVaultException, KeyException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(name, "name");
    if (!file.verifierKey().name().equals(name)) {
      throw new KeyException("the wrapped key is for \"" + file.verifierKey().name()
          + "\", not \"" + name + "\"");
    }
    KeyVaultKeyId kek = file.keyVaultKey();
    byte[] plain = null;
    Ed25519Signer signer;
    try {
      UnwrapResult r;
      try {
        r = clients.cryptoClient(kek).unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, file.wrappedKey());
      } catch (RuntimeException e) {
        throw VaultErrors.map("unwrapKey", kek, e);
      }
      plain = r.getKey();
      if (plain == null) {
        throw new KeyVaultException(Reason.SERVICE, "Key Vault unwrapKey with " + kek
            + " returned no key", null);
      }
      signer = KeyFiles.openPrivateKey(plain, name, "the key unwrapped with " + kek);
    } finally {
      if (plain != null) {
        Arrays.fill(plain, (byte) 0);
      }
    }
    if (!signer.verifierKey().equals(file.verifierKey())) {
      signer.destroy();
      throw new KeyException("the key unwrapped with " + kek + " does not match the wrapped"
          + " file's verifier key " + file.verifierKey() + " (file altered or mixed up)");
    }
    return new UnwrappedKey(signer, file);
  }

  /**
   * Re-wraps the key in {@code file} with {@code keyVaultKey} (by default the same Key Vault key's
   * current version): for after the Key Vault key was rotated. The old file keeps working as long
   * as its key version exists and is enabled.
   */
  public WrappedKeyFile rewrap(WrappedKeyFile file, KeyVaultKeyId keyVaultKeyOrNull)
      throws KeyVaultException, KeyException {
    KeyVaultKeyId target = keyVaultKeyOrNull != null ? keyVaultKeyOrNull
        : file.keyVaultKey().unversioned();
    try (UnwrappedKey k = unwrap(file, file.verifierKey().name())) {
      return wrap(k.signer(), target);
    }
  }
}
