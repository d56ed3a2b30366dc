package dev.lineageledger.server;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.core.VerifyOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;

/** A ledger served on an ephemeral loopback port, with a writer and a reader static token. */
final class TestService implements AutoCloseable {
  static final String ORIGIN = "serve.example/ledger";

  final Ed25519Signer key = Ed25519Signer.generate(ORIGIN);
  final Ledger ledger;
  final LedgerServer server;
  final String writerToken = randomToken();
  final String readerToken = randomToken();
  final HttpClient http = HttpClient.newHttpClient();

  TestService(Path dir) throws Exception {
    this(dir, null, b -> b);
  }

  TestService(Path dir, Authenticator auth, UnaryOperator<LedgerServer.Builder> tune)
      throws Exception {
    this(dir, Backend.SQLITE, auth, tune);
  }

  /** Where the served ledger lives. */
  enum Backend {
    SQLITE, POSTGRESQL;

    private static final java.util.concurrent.atomic.AtomicInteger SCHEMAS =
        new java.util.concurrent.atomic.AtomicInteger();

    String newLocation(Path dir) {
      if (this == SQLITE) {
        return dir.resolve("served.ledger").toString();
      }
      dev.lineageledger.core.testing.PostgresServer pg =
          dev.lineageledger.core.testing.PostgresServer.shared();
      return pg.location(pg.freshDatabase(), "served_" + SCHEMAS.incrementAndGet());
    }
  }

  TestService(Path dir, Backend backend) throws Exception {
    this(dir, backend, null, b -> b);
  }

  TestService(Path dir, Backend backend, Authenticator auth,
      UnaryOperator<LedgerServer.Builder> tune) throws Exception {
    LedgerOptions.Builder o = LedgerOptions.builder().checkpointSigner(key)
        .durability(Durability.OS_BUFFERED).checkpointIntervalMillis(200);
    if (backend == Backend.POSTGRESQL) {
      String pw = dev.lineageledger.core.testing.PostgresServer.shared().password();
      o.passwordSupplier(pw::toCharArray);
    }
    ledger = Ledger.create(backend.newLocation(dir), ORIGIN, SigningMode.CHECKPOINT_ONLY,
        o.build());
    if (auth == null) {
      Path tokens = dir.resolve("tokens");
      Files.writeString(tokens, "# test tokens\nwriter pipeline-bot " + writerToken
          + "\nreader auditor " + readerToken + "\n");
      Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
      auth = StaticTokenAuthenticator.load(tokens);
    }
    server = tune.apply(LedgerServer.builder(ledger, auth)
        .listen(new InetSocketAddress("127.0.0.1", 0))).build();
    server.start();
  }

  static String randomToken() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  VerifyOptions verifyOptions() {
    return VerifyOptions.builder().trustedKeys(List.of(key.verifierKey())).build();
  }

  HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> getBytes(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Override
  public void close() throws Exception {
    try {
      server.stop();
    } finally {
      ledger.close();
    }
  }
}
