package dev.lineageledger.purview.internal;

import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.RetryStrategy;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/**
 * The retry policy of azure-identity's own HTTP calls (managed identity endpoint, Entra ID) for
 * DefaultAzureCredential: retry an identity endpoint that answered 429/5xx, as azure-core does,
 * but not one that is not there. Without it, where no managed identity exists (a laptop, a CI
 * runner) the managed identity credential retries a refused or unroutable connection for about
 * a minute and a half (measured: 96 s with IDENTITY_ENDPOINT on a closed loopback port) before
 * the sync can say "no credential". A connection that cannot be made is an answer.
 */
public final class IdentityRetry implements RetryStrategy {
  private final RetryStrategy backoff;

  private IdentityRetry(RetryStrategy backoff) {
    this.backoff = backoff;
  }

  /** For {@code DefaultAzureCredentialBuilder.retryPolicy(...)}. */
  public static RetryPolicy policy() {
    return new RetryPolicy(new IdentityRetry(new ExponentialBackoff(new ExponentialBackoffOptions()
        .setMaxRetries(3).setBaseDelay(Duration.ofMillis(800)).setMaxDelay(Duration.ofSeconds(8)))));
  }

  /** True when the failure is that no connection could be made at all. */
  static boolean unreachable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ConnectException || c instanceof ClosedChannelException
          || c instanceof UnknownHostException || c instanceof NoRouteToHostException
          || c instanceof HttpConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int getMaxRetries() {
    return backoff.getMaxRetries();
  }

  @Override
  public Duration calculateRetryDelay(int retryAttempts) {
    return backoff.calculateRetryDelay(retryAttempts);
  }

  @Override
  public Duration calculateRetryDelay(RequestRetryCondition condition) {
    return backoff.calculateRetryDelay(condition);
  }

  @Override
  public boolean shouldRetry(HttpResponse response) {
    return backoff.shouldRetry(response);
  }

  @Override
  public boolean shouldRetryException(Throwable throwable) {
    return !unreachable(throwable) && backoff.shouldRetryException(throwable);
  }

  @Override
  public boolean shouldRetryCondition(RequestRetryCondition condition) {
    Throwable t = condition.getThrowable();
    return (t == null || !unreachable(t)) && backoff.shouldRetryCondition(condition);
  }
}
