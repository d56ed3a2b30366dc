package dev.lineageledger.cli;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.lineageledger.purview.PurviewAuth;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The password of an Azure Database for PostgreSQL connection signed in with Entra ID: an access
 * token for {@value #SCOPE} from the same credential chain as the Purview sync
 * (DefaultAzureCredential: managed identity in production). A token is reused for new
 * connections until {@link #RENEW_BEFORE} before it expires, then a new one is fetched;
 * connections already open stay open (PostgreSQL checks the password only when connecting).
 * Thread-safe. The token is never logged or printed.
 */
final class EntraDatabasePassword implements Supplier<char[]> {
  /** The Entra ID resource of Azure Database for PostgreSQL (all its deployment options). */
  static final String SCOPE = "https://ossrdbms-aad.database.windows.net/.default";
  /** Renew this long before expiry, so a token never expires between fetch and connect. */
  static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

  private final Supplier<TokenCredential> credential;
  private final Clock clock;
  private TokenCredential built;
  private AccessToken token;

  EntraDatabasePassword(Supplier<TokenCredential> credential, Clock clock) {
    this.credential = Objects.requireNonNull(credential, "credential");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** DefaultAzureCredential, built when the first connection needs a token. */
  static EntraDatabasePassword defaultCredential() {
    return new EntraDatabasePassword(
        () -> PurviewAuth.defaultAzureCredential().tokenCredential(), Clock.systemUTC());
  }

  @Override
  public synchronized char[] get() {
    OffsetDateTime now = OffsetDateTime.now(clock);
    if (token == null || !token.getExpiresAt().minus(RENEW_BEFORE).isAfter(now)) {
      if (built == null) {
        built = credential.get();
      }
      AccessToken t;
      try {
        t = built.getTokenSync(new TokenRequestContext().addScopes(SCOPE));
      } catch (RuntimeException e) {
        throw new IllegalStateException("cannot get an Entra ID token for PostgreSQL (scope "
            + SCOPE + "): " + Main.firstLine(String.valueOf(e.getMessage())), e);
      }
      if (t == null || t.getToken() == null || t.getToken().isEmpty()) {
        throw new IllegalStateException("the Entra ID credential returned no token for " + SCOPE);
      }
      token = t;
    }
    return token.getToken().toCharArray();
  }
}
