package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import dev.lineageledger.core.KeyFiles;
import dev.lineageledger.keyvault.KeyVaultKeys;
import dev.lineageledger.keyvault.UnwrappedKey;
import dev.lineageledger.keyvault.WrappedKeyFile;
import dev.lineageledger.keyvault.testing.KeyVaultEmulator;
import dev.lineageledger.keyvault.testing.ManagedIdentityEndpoint;
import dev.lineageledger.keyvault.testing.TestCertificate;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged CLI with a Key Vault-wrapped signing key: each run is a fresh process with the
 * App Service managed identity environment (IDENTITY_ENDPOINT/IDENTITY_HEADER pointing at a
 * loopback token endpoint) and the emulator's certificate in its JVM trust store, as
 * LEDGER_JAVA_OPTS would give it. Nothing reaches 169.254.169.254 or a non-loopback address.
 */
class KeyVaultIT {
  /** JVM start-up plus "within seconds": far below the minutes of default SDK retries. */
  static final Duration FAIL_FAST = Duration.ofSeconds(20);

  static TestCertificate cert;
  static ManagedIdentityEndpoint identity;
  static KeyVaultEmulator vault;
  static Path trustStore;

  @TempDir Path dir;
  final List<Cli.Result> all = new ArrayList<>();

  @BeforeAll
  static void start(@TempDir Path shared) throws Exception {
    cert = TestCertificate.generate();
    trustStore = cert.writeTrustStore(shared.resolve("trust.p12"));
    identity = ManagedIdentityEndpoint.start();
    vault = KeyVaultEmulator.start(cert, ManagedIdentityEndpoint::issued);
  }

  @AfterAll
  static void stop() {
    vault.close();
    identity.close();
  }

  static List<String> jvm() {
    return List.of("-Djavax.net.ssl.trustStore=" + trustStore,
        "-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12");
  }

  static Map<String, String> env(ManagedIdentityEndpoint mi) {
    Map<String, String> env = new HashMap<>(mi.environment());
    // Only the managed identity of this test: no service principal or workload identity from
    // the machine running the tests.
    for (String k : List.of("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET",
        "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_USERNAME",
        "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT")) {
      env.put(k, null);
    }
    return env;
  }

  Cli.Result run(String... args) throws Exception {
    Cli.Result r = new Cli(dir, env(identity), jvm()).run(args);
    all.add(r);
    return r;
  }

  /** Runs a command that must fail: exit 3, one line on stderr, quickly. */
  Cli.Result fails(Cli cli, String expected, String... args) throws Exception {
    long t0 = System.nanoTime();
    Cli.Result r = cli.run(args);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    all.add(r);
    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.IO);
    if (!List.of(args).contains("--verbose")) { // --verbose adds the causes on purpose
      assertThat(r.err().lines()).as(r.toString()).hasSize(1);
    }
    assertThat(r.err().lines().findFirst().orElse("")).startsWith("ledger: ").contains(expected);
    assertThat(took).as("took " + took).isLessThan(FAIL_FAST);
    return r;
  }

  Cli.Result fails(String expected, String... args) throws Exception {
    return fails(new Cli(dir, env(identity), jvm()), expected, args);
  }

  static String sha256(Path f) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  List<String> files() throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void initRecordRotateRewrapVerifyThenEveryFailureModeWithoutLeakingSecrets() throws Exception {
    String kek = "ledger-kek-" + System.nanoTime();
    String v1 = vault.createRsaKey(kek);
    Files.writeString(dir.resolve("d.json"), CliIT.DATASET);

    Cli.Result init = run("init", "--ledger", "l.ledger", "--origin", "example.org/ml/kv",
        "--key-vault-key", vault.keyUrl(kek));
    assertThat(init.code()).as(init.toString()).isZero();
    // The *.key version-control hint is for PEM keys; a wrapped key file is harmless.
    assertThat(init.out()).contains("l.ledger.key.wrapped (owner-only, wrapped by "
        + vault.keyUrl(kek) + "/" + v1 + ")").doesNotContain("*.key");
    assertThat(files()).containsExactly("d.json", "l.ledger", "l.ledger.key.wrapped", "l.ledger.pub");
    Path wrapped = dir.resolve("l.ledger.key.wrapped");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(wrapped)))
        .isEqualTo("rw-------");
    String originalKey = Files.readString(dir.resolve("l.ledger.pub")).strip();

    assertThat(run("record", "--json", "d.json", "--ledger", "l.ledger").code()).isZero();
    assertThat(run("checkpoint", "--new", "--ledger", "l.ledger").code()).isZero();
    Cli.Result verify = run("verify", "--ledger", "l.ledger", "--key", originalKey);
    assertThat(verify.code()).as(verify.toString()).isZero();

    // Rotation of the Ed25519 key: the new one is wrapped by the Key Vault key's current version.
    Cli.Result rotate = run("key", "rotate", "--ledger", "l.ledger");
    assertThat(rotate.code()).as(rotate.toString()).isZero();
    assertThat(files()).contains("l.ledger.key.wrapped").doesNotContain("l.ledger.key")
        .anyMatch(f -> f.startsWith("l.ledger.key.wrapped.retired-"));
    WrappedKeyFile afterRotate = WrappedKeyFile.read(wrapped);
    assertThat(afterRotate.keyVaultKey().version()).isEqualTo(v1);
    assertThat(afterRotate.verifierKey().toString()).isNotEqualTo(originalKey);
    assertThat(run("record", "--json", "d.json", "--ledger", "l.ledger").code()).isZero();

    // Rotation of the Key Vault key: rewrap moves the file to the new version.
    String v2 = vault.createRsaKey(kek);
    Path beforeRewrap = dir.resolve("copy-v1.wrapped");
    Files.copy(wrapped, beforeRewrap);
    Cli.Result rewrap = run("key", "rewrap", "--ledger", "l.ledger");
    assertThat(rewrap.code()).as(rewrap.toString()).isZero();
    assertThat(rewrap.out()).contains("old: " + vault.keyUrl(kek) + "/" + v1)
        .contains("new: " + vault.keyUrl(kek) + "/" + v2);
    WrappedKeyFile afterRewrap = WrappedKeyFile.read(wrapped);
    assertThat(afterRewrap.keyVaultKey().version()).isEqualTo(v2);
    assertThat(afterRewrap.verifierKey()).isEqualTo(afterRotate.verifierKey());
    assertThat(run("record", "--json", "d.json", "--ledger", "l.ledger").code()).isZero();
    // The copy wrapped by the older version still opens (as --key-file).
    assertThat(run("record", "--json", "d.json", "--ledger", "l.ledger", "--key-file",
        "copy-v1.wrapped").code()).isZero();
    Cli.Result verify2 = run("verify", "--ledger", "l.ledger", "--key", originalKey);
    assertThat(verify2.code()).as(verify2.toString()).isZero();

    List<String> material = new ArrayList<>(keyMaterial(afterRewrap));
    try (var retired = Files.list(dir)) {
      for (Path r : retired.filter(x -> x.getFileName().toString()
          .startsWith("l.ledger.key.wrapped.retired-")).toList()) {
        material.addAll(keyMaterial(WrappedKeyFile.read(r)));
      }
    }

    // ---------------------------------------------------------------- failure modes
    String ledgerHash = sha256(dir.resolve("l.ledger"));
    String wrappedHash = sha256(wrapped);

    vault.deny("unwrapKey");
    fails("HTTP 403 Forbidden/ForbiddenByRbac", "record", "--json", "d.json", "--ledger", "l.ledger");
    fails("Key Vault Crypto User", "checkpoint", "--new", "--ledger", "l.ledger", "--verbose");
    vault.deny();

    vault.setEnabled(kek, v2, false);
    fails("KeyDisabled", "record", "--json", "d.json", "--ledger", "l.ledger");
    fails("disabled", "key", "rotate", "--ledger", "l.ledger");
    vault.setEnabled(kek, v2, true);

    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    fails("cannot connect to 127.0.0.1:" + closed, "init", "--ledger", "gone.ledger",
        "--key-vault-key", "https://127.0.0.1:" + closed + "/keys/k");

    String ec = "ec-" + System.nanoTime();
    vault.createEcKey(ec);
    fails("is a EC key", "init", "--ledger", "ec.ledger", "--key-vault-key", vault.keyUrl(ec));
    vault.deny("wrapKey");
    fails("wrapKey", "init", "--ledger", "denied.ledger", "--key-vault-key", vault.keyUrl(kek));
    vault.deny();

    // No token: the managed identity endpoint answers 400 (no identity assigned).
    try (ManagedIdentityEndpoint broken = ManagedIdentityEndpoint.start()) {
      broken.failWith(400);
      fails(new Cli(dir, env(broken), jvm()), "no Entra ID token", "record", "--json", "d.json",
          "--ledger", "l.ledger");
    }

    // Deleted last: the ledger can no longer be written at all.
    Path copy = dir.resolve("keep.wrapped");
    Files.copy(wrapped, copy);
    vault.delete(kek);
    fails("HTTP 404 KeyNotFound", "record", "--json", "d.json", "--ledger", "l.ledger", "--verbose");
    fails("HTTP 404 KeyNotFound", "key", "rewrap", "--ledger", "l.ledger");

    // Nothing was written by any failure.
    assertThat(sha256(dir.resolve("l.ledger"))).isEqualTo(ledgerHash);
    assertThat(sha256(wrapped)).isEqualTo(wrappedHash);
    assertThat(files()).noneMatch(f -> f.startsWith("gone.") || f.startsWith("ec.")
        || f.startsWith("denied.") || f.endsWith(".next") || f.contains(".tmp"));

    // ---------------------------------------------------------------- secrets
    assertNoSecretsIn(all, material);
  }

  private void assertNoSecretsIn(List<Cli.Result> results, List<String> keyMaterial) {
    List<String> secrets = new ArrayList<>(ManagedIdentityEndpoint.allIssued());
    secrets.add(identity.secret());
    secrets.addAll(keyMaterial);
    StringBuilder everything = new StringBuilder();
    for (Cli.Result r : results) {
      everything.append(r.out()).append('\n').append(r.err()).append('\n');
    }
    String text = everything.toString();
    assertThat(ManagedIdentityEndpoint.allIssued()).isNotEmpty();
    assertThat(keyMaterial).isNotEmpty();
    for (String s : secrets) {
      assertThat(text).as("output must not contain a secret").doesNotContain(s);
    }
  }

  /** Unwraps {@code f} in this JVM and returns its private key in every encoding we can think of. */
  static List<String> keyMaterial(WrappedKeyFile f) throws Exception {
    java.net.http.HttpResponse<String> t = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(identity.endpoint()
            + "?api-version=2019-08-01&resource=https://vault.azure.net"))
            .header("X-IDENTITY-HEADER", identity.secret()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    String token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(t.body())
        .get("access_token").asText();
    KeyVaultKeys keys = KeyVaultKeys.builder()
        .httpClient(new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder()
            .sslContext(cert.clientContext())).build())
        .credential(ctx -> reactor.core.publisher.Mono.just(new com.azure.core.credential.AccessToken(
            token, java.time.OffsetDateTime.now().plusHours(1))))
        .build();
    try (UnwrappedKey k = keys.unwrap(f, f.verifierKey().name())) {
      byte[] der = KeyFiles.sealPrivateKey(k.signer(), byte[]::clone);
      byte[] seed = java.util.Arrays.copyOfRange(der, der.length - 32, der.length);
      List<String> out = new ArrayList<>();
      for (byte[] b : List.of(der, seed)) {
        out.add(HexFormat.of().formatHex(b));
        out.add(HexFormat.of().withUpperCase().formatHex(b));
        out.add(Base64.getEncoder().encodeToString(b));
        out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
        // base64 of the key starting at other byte offsets than 0 (inside a larger blob)
        out.add(Base64.getEncoder().encodeToString(b).substring(4, 40));
      }
      return out;
    }
  }
}
