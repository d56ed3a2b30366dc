package dev.lineageledger.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.security.keyvault.keys.KeyServiceVersion;
import com.microsoft.aad.msal4j.ManagedIdentityTestEnvironment;
import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.core.VerifyOptions;
import dev.lineageledger.keyvault.KeyVaultException.Reason;
import dev.lineageledger.keyvault.testing.KeyVaultEmulator;
import dev.lineageledger.keyvault.testing.ManagedIdentityEndpoint;
import dev.lineageledger.keyvault.testing.TestCertificate;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real azure-identity DefaultAzureCredential (managed identity, App Service protocol) and the
 * real azure-security-keyvault-keys clients against the loopback Key Vault emulator over HTTPS.
 */
class KeyVaultKeysTest {
  static final String ORIGIN = "example.org/ml/kv";
  /** "Within seconds": every failure must surface well before a minute of retries. */
  static final Duration FAIL_FAST = Duration.ofSeconds(10);

  static TestCertificate cert;
  static ManagedIdentityEndpoint identity;
  static KeyVaultEmulator vault;
  static KeyVaultKeys keys;

  @TempDir Path dir;
  String kekName;
  String v1;

  @BeforeAll
  static void start() throws Exception {
    cert = TestCertificate.generate();
    identity = ManagedIdentityEndpoint.start();
    ManagedIdentityTestEnvironment.set(identity.environment());
    vault = KeyVaultEmulator.start(cert, ManagedIdentityEndpoint::issued);
    keys = KeyVaultKeys.builder().httpClient(trustingClient()).build();
  }

  static HttpClient trustingClient() {
    return new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder()
        .sslContext(cert.clientContext()))
        .connectionTimeout(Duration.ofSeconds(3)).responseTimeout(Duration.ofSeconds(15))
        .build();
  }

  @AfterAll
  static void stop() {
    vault.close();
    identity.close();
    ManagedIdentityTestEnvironment.reset();
  }

  @BeforeEach
  void freshKey() {
    kekName = "kek-" + System.nanoTime();
    v1 = vault.createRsaKey(kekName);
    vault.deny();
  }

  KeyVaultKeyId kek() {
    return KeyVaultKeyId.parse(vault.keyUrl(kekName));
  }

  static RecordDraft dataset(String version) throws Exception {
    return RecordDraft.builder(RecordKind.DATASET, "etl@example.org")
        .put("name", "transactions").put("version", version)
        .put("uri", "s3://lake/tx/" + version + ".parquet")
        .put("digest", "sha256:" + "ab".repeat(32)).build();
  }

  @Test
  void initRecordReopenVerifyWithAWrappedKey() throws Exception {
    Ed25519Signer generated = Ed25519Signer.generate(ORIGIN);
    WrappedKeyFile wrapped = keys.wrap(generated, kek());
    assertThat(wrapped.keyVaultKey()).isEqualTo(kek().withVersion(v1));
    assertThat(wrapped.verifierKey()).isEqualTo(generated.verifierKey());
    Path file = dir.resolve("l.ledger.key.wrapped");
    wrapped.write(file, false);
    Path db = dir.resolve("l.ledger");
    try (UnwrappedKey k = keys.unwrap(WrappedKeyFile.read(file), ORIGIN);
        Ledger l = Ledger.create(db, ORIGIN, SigningMode.PER_RECORD,
            LedgerOptions.builder().checkpointSigner(k.signer()).build())) {
      l.append(dataset("1"));
      l.checkpoint();
    }
    UnwrappedKey reopened = keys.unwrap(WrappedKeyFile.read(file), ORIGIN);
    try (reopened; Ledger l = Ledger.open(db,
        LedgerOptions.builder().checkpointSigner(reopened.signer()).build())) {
      assertThat(reopened.signer().verifierKey()).isEqualTo(generated.verifierKey());
      l.append(dataset("2"));
      l.checkpoint();
      l.verify(VerifyOptions.builder().trustedKeys(List.of(generated.verifierKey())).build());
    }
    assertThat(reopened.signer().isDestroyed()).as("closing the key wipes it").isTrue();
    assertThatThrownBy(() -> reopened.signer().sign(new byte[1]))
        .isInstanceOf(IllegalStateException.class);

    // The SDK's bearer challenge flow, as Key Vault requires: the first request to the vault
    // carried neither token nor body and got 401; later ones carry the token.
    List<KeyVaultEmulator.Request> seen = vault.requests();
    assertThat(seen).isNotEmpty();
    assertThat(seen).allSatisfy(r -> assertThat(r.apiVersion())
        .isEqualTo(KeyServiceVersion.getLatest().getVersion()));
    assertThat(seen).filteredOn(r -> r.path().endsWith("/unwrapkey") && r.status() == 200)
        .hasSize(3); // wrap's round trip + two opens
    assertThat(seen).filteredOn(r -> r.status() == 200).allMatch(KeyVaultEmulator.Request::bearer);
    assertThat(seen).filteredOn(r -> !r.bearer())
        .allSatisfy(r -> {
          assertThat(r.status()).isEqualTo(401);
          assertThat(r.bodyLength()).isZero();
        });
    // The real ManagedIdentityCredential asked the App Service endpoint for a Key Vault token.
    assertThat(identity.requests()).isNotEmpty().allSatisfy(r -> {
      assertThat(r.apiVersion()).isEqualTo("2019-08-01");
      assertThat(r.resource()).isEqualTo("https://vault.azure.net");
      assertThat(r.headerOk()).isTrue();
    });
  }

  @Test
  void rewrapAfterTheKeyVaultKeyRotatedWhileOldWrappedFilesStillOpen() throws Exception {
    Ed25519Signer key = Ed25519Signer.generate(ORIGIN);
    WrappedKeyFile old = keys.wrap(key, kek());
    String v2 = vault.createRsaKey(kekName); // Key Vault rotation: a new version
    WrappedKeyFile rewrapped = keys.rewrap(old, null);
    assertThat(rewrapped.keyVaultKey().version()).isEqualTo(v2).isNotEqualTo(v1);
    assertThat(rewrapped.verifierKey()).isEqualTo(key.verifierKey());
    try (UnwrappedKey a = keys.unwrap(old, ORIGIN); UnwrappedKey b = keys.unwrap(rewrapped, ORIGIN)) {
      byte[] msg = {1, 2, 3};
      assertThat(a.signer().sign(msg)).isEqualTo(key.sign(msg)).isEqualTo(b.signer().sign(msg));
    }
    // Pinning a version wraps with exactly that version.
    assertThat(keys.wrap(key, kek().withVersion(v1)).keyVaultKey().version()).isEqualTo(v1);
  }

  @Test
  void aFileWhoseVerifierKeyWasSwappedIsRefusedAfterUnwrapping() throws Exception {
    WrappedKeyFile good = keys.wrap(Ed25519Signer.generate(ORIGIN), kek());
    WrappedKeyFile forged = new WrappedKeyFile(good.keyVaultKey(), good.algorithm(),
        good.wrappedKey(), Ed25519Signer.generate(ORIGIN).verifierKey());
    assertThatThrownBy(() -> keys.unwrap(forged, ORIGIN)).isInstanceOf(KeyException.class)
        .hasMessageContaining("does not match the wrapped file's verifier key");
    assertThatThrownBy(() -> keys.unwrap(good, "other.example/log"))
        .isInstanceOf(KeyException.class).hasMessageContaining("not \"other.example/log\"");
  }

  // ------------------------------------------------------------------ failure modes

  KeyVaultException failsFast(ThrowingCallable op, Reason reason, String... contains) {
    long t0 = System.nanoTime();
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(() -> {
      try {
        op.call();
      } catch (Throwable t) {
        caught[0] = t;
        throw t;
      }
    }).isInstanceOf(KeyVaultException.class);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    KeyVaultException e = (KeyVaultException) caught[0];
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r").contains(contains);
    assertThat(took).as("failed after " + took).isLessThan(FAIL_FAST);
    return e;
  }

  @Test
  void noPermission() throws Exception {
    WrappedKeyFile f = keys.wrap(Ed25519Signer.generate(ORIGIN), kek());
    vault.deny("unwrapKey");
    failsFast(() -> keys.unwrap(f, ORIGIN), Reason.FORBIDDEN, "unwrapKey", "HTTP 403 Forbidden/ForbiddenByRbac",
        "Caller is not authorized", "Key Vault Crypto User");
    vault.deny("get");
    failsFast(() -> keys.wrap(Ed25519Signer.generate(ORIGIN), kek()), Reason.FORBIDDEN, "get key");
  }

  @Test
  void keyDisabled() throws Exception {
    WrappedKeyFile f = keys.wrap(Ed25519Signer.generate(ORIGIN), kek());
    vault.setEnabled(kekName, v1, false);
    failsFast(() -> keys.unwrap(f, ORIGIN), Reason.KEY_DISABLED, "HTTP 403 Forbidden/KeyDisabled",
        "disabled");
    failsFast(() -> keys.wrap(Ed25519Signer.generate(ORIGIN), kek()), Reason.KEY_DISABLED,
        "is disabled");
  }

  @Test
  void keyDeleted() throws Exception {
    WrappedKeyFile f = keys.wrap(Ed25519Signer.generate(ORIGIN), kek());
    vault.delete(kekName);
    failsFast(() -> keys.unwrap(f, ORIGIN), Reason.NOT_FOUND, "HTTP 404 KeyNotFound");
    failsFast(() -> keys.wrap(Ed25519Signer.generate(ORIGIN), kek()), Reason.NOT_FOUND, "get key");
  }

  @Test
  void wrongKeyType() {
    String ec = "ec-" + System.nanoTime();
    vault.createEcKey(ec);
    failsFast(() -> keys.wrap(Ed25519Signer.generate(ORIGIN),
        KeyVaultKeyId.parse(vault.keyUrl(ec))), Reason.WRONG_KEY_TYPE, "is a EC key", "RSA");
    String signOnly = "sign-" + System.nanoTime();
    vault.createSignOnlyRsaKey(signOnly);
    failsFast(() -> keys.wrap(Ed25519Signer.generate(ORIGIN),
        KeyVaultKeyId.parse(vault.keyUrl(signOnly))), Reason.WRONG_KEY_TYPE,
        "does not permit wrapKey and unwrapKey");
  }

  @Test
  void vaultUnreachable() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    KeyVaultKeyId gone = KeyVaultKeyId.parse("https://127.0.0.1:" + closed + "/keys/k");
    failsFast(() -> keys.wrap(Ed25519Signer.generate(ORIGIN), gone), Reason.UNREACHABLE,
        "cannot connect to 127.0.0.1:" + closed);
    WrappedKeyFile f = keys.wrap(Ed25519Signer.generate(ORIGIN), kek());
    WrappedKeyFile elsewhere = new WrappedKeyFile(gone.withVersion(v1), f.algorithm(),
        f.wrappedKey(), f.verifierKey());
    failsFast(() -> keys.unwrap(elsewhere, ORIGIN), Reason.UNREACHABLE, "unwrapKey");
  }

  @Test
  void anUntrustedCertificateIsAnUnreachableVaultNotASilentDowngrade() {
    KeyVaultKeys strict = KeyVaultKeys.builder().build(); // JVM default trust store
    failsFast(() -> strict.wrap(Ed25519Signer.generate(ORIGIN), kek()), Reason.UNREACHABLE,
        "TLS error");
  }

  @Test
  void throttlingWithALongRetryAfterIsNotWaitedFor() throws Exception {
    WrappedKeyFile f = keys.wrap(Ed25519Signer.generate(ORIGIN), kek());
    int before = vault.requests().size();
    vault.throttle(100, 60);
    try {
      failsFast(() -> keys.unwrap(f, ORIGIN), Reason.THROTTLED, "HTTP 429 Throttled");
      assertThat(vault.requests().size() - before).as("no retry of a 60 s Retry-After").isEqualTo(1);
    } finally {
      vault.throttle(0, 0);
    }
    // A short Retry-After is honoured and retried.
    vault.throttle(1, 1);
    try (UnwrappedKey k = keys.unwrap(f, ORIGIN)) {
      assertThat(k.signer().verifierKey()).isEqualTo(f.verifierKey());
    }
  }

  @Test
  void aTokenKeyVaultRejectsIsOneLineNotARetryLoop() throws Exception {
    WrappedKeyFile f = keys.wrap(Ed25519Signer.generate(ORIGIN), kek());
    KeyVaultKeys wrongToken = KeyVaultKeys.builder().httpClient(trustingClient())
        .credential(ctx -> reactor.core.publisher.Mono.just(new com.azure.core.credential.AccessToken(
            "not-issued-token", java.time.OffsetDateTime.now().plusHours(1)))).build();
    failsFast(() -> wrongToken.unwrap(f, ORIGIN), Reason.UNAUTHORIZED, "HTTP 401 Unauthorized");
  }

  @Test
  void aCredentialThatFailsIsNotRetried() throws Exception {
    WrappedKeyFile f = keys.wrap(Ed25519Signer.generate(ORIGIN), kek());
    int[] calls = {0};
    KeyVaultKeys noToken = KeyVaultKeys.builder().httpClient(trustingClient())
        .credential(ctx -> {
          calls[0]++;
          return reactor.core.publisher.Mono.error(
              new com.azure.identity.CredentialUnavailableException("no identity here"));
        }).build();
    failsFast(() -> noToken.unwrap(f, ORIGIN), Reason.CREDENTIAL, "no Entra ID token",
        "no identity here");
    assertThat(calls[0]).as("the HTTP retry policy must not ask the credential again").isEqualTo(1);
  }

  @Test
  void nothingIsWrittenWhenWrappingFails() throws Exception {
    vault.deny("wrapKey");
    failsFast(() -> keys.wrap(Ed25519Signer.generate(ORIGIN), kek()), Reason.FORBIDDEN, "wrapKey");
    try (var s = Files.list(dir)) {
      assertThat(s).isEmpty();
    }
  }
}
