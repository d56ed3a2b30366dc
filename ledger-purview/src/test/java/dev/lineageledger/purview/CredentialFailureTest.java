package dev.lineageledger.purview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.CredentialUnavailableException;
import dev.lineageledger.core.Ledger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * No credential available: the sync fails at the first token request, not after the retry
 * policy has asked the credential chain again six times, and says how to fix it. The
 * credential is injected (no azure-identity probing anything); the endpoint is a closed
 * loopback port, which is never reached since no token comes.
 */
class CredentialFailureTest {
  @TempDir Path dir;

  /**
   * Fails like DefaultAzureCredential does when nothing is configured (its cause, as when the
   * managed identity endpoint refuses the connection, an I/O error that azure-core's retry
   * policy would retry if it saw it), counting the calls.
   */
  static final class Unavailable implements TokenCredential {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
      return Mono.fromCallable(() -> getTokenSync(request));
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
      calls.incrementAndGet();
      throw new CredentialUnavailableException("DefaultAzureCredential failed to retrieve a token"
          + " from the included credentials.\nAttempted credentials:\n\tEnvironmentCredential"
          + " authentication unavailable. Environment variables are not fully configured.\n\t"
          + "ManagedIdentityCredential authentication unavailable. Connection to IMDS endpoint"
          + " cannot be established.\n\tAzureCliCredential authentication unavailable. Azure CLI"
          + " not installed.", new java.io.UncheckedIOException(new java.net.ConnectException()));
    }
  }

  @Test
  void aCredentialFailureIsNotRetriedAndNamesTheFixes() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Unavailable credential = new Unavailable();
    try (Ledger ledger = TestPipelines.create(dir.resolve("l.ledger"))) {
      TestPipelines.pipeline(ledger, "r1");
      PurviewSyncOptions o = PurviewSyncOptions.builder(
              PurviewEndpoint.of("https://127.0.0.1:" + port + "/datamap/api"),
              PurviewAuth.credential(credential))
          .maxRetries(6).retryDelays(Duration.ofMillis(5), Duration.ofMillis(20)).build();
      assertThatThrownBy(() -> PurviewSync.sync(ledger, o))
          .isInstanceOfSatisfying(PurviewException.class, e -> {
            assertThat(e.reason()).isEqualTo(PurviewException.Reason.AUTH);
            assertThat(e.getMessage()).doesNotContain("\n")
                .startsWith("cannot get an Entra ID token for https://purview.azure.net/.default"
                    + " from Unavailable: DefaultAzureCredential failed to retrieve a token")
                .contains("`az login`", "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET",
                    "managed identity", "--token-file", "--verbose");
            assertThat(e.details()).contains(
                "EnvironmentCredential authentication unavailable. Environment variables are not"
                    + " fully configured.",
                "ManagedIdentityCredential authentication unavailable. Connection to IMDS endpoint"
                    + " cannot be established.");
            assertThat(e.details()).hasSizeLessThan(25);
          });
      assertThat(PurviewSync.cursor(ledger, PurviewEndpoint.of("https://127.0.0.1:" + port
          + "/datamap/api"))).isZero();
    }
    assertThat(credential.calls).hasValue(1);
  }
}
