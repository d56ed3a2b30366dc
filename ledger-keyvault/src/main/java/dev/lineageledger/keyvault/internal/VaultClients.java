package dev.lineageledger.keyvault.internal;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.util.Configuration;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.KeyClientBuilder;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClientBuilder;
import dev.lineageledger.keyvault.KeyVaultKeyId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Builds the Key Vault SDK clients for one vault with fail-fast settings: the JDK HTTP client
 * with short time-outs, at most {@code maxRetries} retries with sub-second back-off, only for
 * transport failures and 408/429/5xx whose {@code Retry-After} is short, never for a credential
 * failure; challenge-resource verification switched off for loopback vaults only.
 */
public final class VaultClients {
  /** Longest {@code Retry-After} we wait for; a longer one fails the operation at once. */
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(2);

  private final TokenCredential credential;
  private final HttpClient http;
  private final RetryOptions retry;

  public VaultClients(TokenCredential credential, HttpClient httpOrNull, Duration connectTimeout,
      Duration responseTimeout, int maxRetries) {
    this.credential = credential;
    this.http = httpOrNull != null ? httpOrNull : jdkClient(connectTimeout, responseTimeout);
    this.retry = new RetryOptions(new ExponentialBackoffOptions()
        .setMaxRetries(maxRetries)
        .setBaseDelay(Duration.ofMillis(200))
        .setMaxDelay(Duration.ofSeconds(1)))
        .setShouldRetryCondition(c -> c.getResponse() != null
            ? shouldRetry(c.getResponse()) : shouldRetry(c.getThrowable()));
  }

  static HttpClient jdkClient(Duration connectTimeout, Duration responseTimeout) {
    return new JdkHttpClientBuilder()
        .connectionTimeout(connectTimeout)
        .responseTimeout(responseTimeout)
        .readTimeout(responseTimeout)
        .build();
  }

  /**
   * DefaultAzureCredential (environment service principal, workload identity, managed identity,
   * Azure CLI, ...) set up to fail within seconds: its own HTTP pipeline does not retry, the
   * instance metadata probe retries once, developer-tool processes get 10 s. msal4j still retries
   * an App Service / IMDS token endpoint that answers 404/408/429/5xx three times, one second
   * apart (not configurable from outside msal4j).
   */
  public static TokenCredential defaultCredential(Duration connectTimeout, Duration responseTimeout) {
    return new DefaultAzureCredentialBuilder()
        .httpClient(jdkClient(connectTimeout, responseTimeout))
        .retryOptions(new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(0)))
        .maxRetry(1)
        .credentialProcessTimeout(Duration.ofSeconds(10))
        .configuration(Configuration.getGlobalConfiguration().clone())
        .build();
  }

  static boolean shouldRetry(HttpResponse r) {
    int s = r.getStatusCode();
    if (!(s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504)) {
      return false;
    }
    String ra = r.getHeaderValue("Retry-After");
    if (ra != null) {
      try {
        return Duration.ofSeconds(Long.parseLong(ra.strip())).compareTo(MAX_RETRY_AFTER) <= 0;
      } catch (NumberFormatException e) {
        return false; // an HTTP date: a long wait, do not block on it
      }
    }
    return true;
  }

  static boolean shouldRetry(Throwable t) {
    boolean transport = false;
    for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
      if (x instanceof ClientAuthenticationException
          || x.getClass().getName().startsWith("com.azure.identity")
          || x.getClass().getName().startsWith("com.microsoft.aad.msal4j")) {
        return false; // a credential failure is not cured by asking again
      }
      if (x instanceof javax.net.ssl.SSLHandshakeException
          || x instanceof java.net.UnknownHostException) {
        return false; // an untrusted certificate or a misspelt vault name does not heal
      }
      if (x instanceof IOException || x instanceof UncheckedIOException
          || x instanceof TimeoutException) {
        transport = true;
      }
    }
    return transport;
  }

  public KeyClient keyClient(KeyVaultKeyId key) {
    KeyClientBuilder b = new KeyClientBuilder()
        .vaultUrl(key.vaultUrl().toString())
        .credential(credential)
        .httpClient(http)
        .retryOptions(retry);
    if (key.isLoopback()) {
      // Key Vault's challenge names resource https://vault.azure.net, which a loopback emulator
      // cannot be under; the SDK refuses such a challenge unless told otherwise. Never for a
      // real vault: the check stops a look-alike host from collecting tokens for Key Vault.
      b.disableChallengeResourceVerification();
    }
    return b.buildClient();
  }

  public CryptographyClient cryptoClient(KeyVaultKeyId versionedKey) {
    CryptographyClientBuilder b = new CryptographyClientBuilder()
        .keyIdentifier(versionedKey.toString())
        .credential(credential)
        .httpClient(http)
        .retryOptions(retry)
        // RSA-OAEP-256 is not among the SDK's local algorithms: every wrap and unwrap goes to
        // the service; caching the key would only add a GET.
        .disableKeyCaching();
    if (versionedKey.isLoopback()) {
      b.disableChallengeResourceVerification();
    }
    return b.buildClient();
  }
}
