package dev.lineageledger.purview.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/**
 * azure-identity's own calls (the managed identity endpoint): a connection that cannot be made
 * means there is no managed identity here, and is not retried; a slow answer still is.
 */
class IdentityRetryTest {
  @Test
  void aRefusedConnectionIsNotRetriedButATimeoutIs() {
    ConnectException refused = new ConnectException();
    refused.initCause(new ClosedChannelException());
    assertThat(IdentityRetry.unreachable(new UncheckedIOException(new IOException(refused))))
        .isTrue();
    assertThat(IdentityRetry.unreachable(new UncheckedIOException(
        new HttpTimeoutException("request timed out")))).isFalse();
    assertThat(IdentityRetry.unreachable(new IllegalStateException("500"))).isFalse();
  }
}
