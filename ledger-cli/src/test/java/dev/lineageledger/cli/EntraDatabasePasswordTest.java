package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.LedgerStorageException;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.core.testing.PostgresServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Entra ID sign-in to PostgreSQL: the access token (scope {@value EntraDatabasePassword#SCOPE})
 * is the password of each new connection, fetched once and renewed five minutes before it
 * expires; a credential that fails is a one-line storage error. End to end against the real
 * server of the tests, with a credential that hands out the server's password as its token.
 */
class EntraDatabasePasswordTest {
  /** A credential that records each request and hands out the given token, valid for an hour. */
  static final class FakeCredential implements TokenCredential {
    final List<TokenRequestContext> requests = new ArrayList<>();
    final String token;
    final Clock clock;

    FakeCredential(String token, Clock clock) {
      this.token = token;
      this.clock = clock;
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
      return Mono.fromCallable(() -> getTokenSync(request));
    }

    @Override
    public synchronized AccessToken getTokenSync(TokenRequestContext request) {
      requests.add(request);
      return new AccessToken(token + requests.size(),
          OffsetDateTime.now(clock).plus(Duration.ofHours(1)));
    }
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-12-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aTokenIsReusedUntilFiveMinutesBeforeItExpires() {
    MovableClock clock = new MovableClock();
    FakeCredential cred = new FakeCredential("tok", clock);
    EntraDatabasePassword pw = new EntraDatabasePassword(() -> cred, clock);
    assertThat(new String(pw.get())).isEqualTo("tok1");
    clock.now = clock.now.plus(Duration.ofMinutes(54));
    assertThat(new String(pw.get())).isEqualTo("tok1");
    clock.now = clock.now.plus(Duration.ofMinutes(1)); // 55 min: 5 min before expiry
    assertThat(new String(pw.get())).isEqualTo("tok2");
    assertThat(cred.requests).hasSize(2).allSatisfy(r ->
        assertThat(r.getScopes()).containsExactly(EntraDatabasePassword.SCOPE));
  }

  @Test
  void aFailingCredentialIsAOneLineStorageError() {
    TokenCredential broken = new TokenCredential() {
      @Override
      public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.error(new IllegalStateException("no managed identity here\nsecond line"));
      }

      @Override
      public AccessToken getTokenSync(TokenRequestContext request) {
        throw new IllegalStateException("no managed identity here\nsecond line");
      }
    };
    EntraDatabasePassword pw = new EntraDatabasePassword(() -> broken, Clock.systemUTC());
    PostgresServer pg = PostgresServer.shared();
    String location = pg.location(pg.freshDatabase(), "entra_broken");
    assertThatThrownBy(() -> Ledger.open(location, LedgerOptions.builder().readOnly(true)
        .passwordSupplier(pw).build()))
        .isInstanceOf(LedgerStorageException.class)
        .hasMessageContaining("no managed identity here").hasMessageNotContaining("second line");
  }

  @Test
  void aLedgerIsCreatedAndReopenedWithTokensAsPasswords() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String location = pg.location(pg.freshDatabase(), "entra_ok");
    MovableClock clock = new MovableClock();
    // The server's password, handed out as if it were a token (the test server takes no JWTs).
    TokenCredential cred = new TokenCredential() {
      int calls;

      @Override
      public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> getTokenSync(request));
      }

      @Override
      public synchronized AccessToken getTokenSync(TokenRequestContext request) {
        calls++;
        return new AccessToken(pg.password(), OffsetDateTime.now(clock).plusHours(1));
      }

      @Override
      public String toString() {
        return "calls=" + calls;
      }
    };
    EntraDatabasePassword pw = new EntraDatabasePassword(() -> cred, clock);
    Ed25519Signer key = Ed25519Signer.generate("ci.example/entra");
    LedgerOptions opts = LedgerOptions.builder().checkpointSigner(key)
        .durability(Durability.OS_BUFFERED).passwordSupplier(pw).build();
    try (Ledger l = Ledger.create(location, "ci.example/entra", SigningMode.CHECKPOINT_ONLY, opts)) {
      l.append(RecordDraft.builder(RecordKind.DATASET, "ingest").put("name", "raw")
          .put("version", "1").put("uri", "s3://lake/raw").put("digest", "sha256:" + "a".repeat(64))
          .build());
    }
    clock.now = clock.now.plus(Duration.ofHours(2)); // the first token has expired
    try (Ledger l = Ledger.open(location, opts)) {
      assertThat(l.size()).isEqualTo(1);
    }
    assertThat(cred.toString()).isEqualTo("calls=2");
  }
}
