package dev.lineageledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS from PEM files, loopback-only plain HTTP, and the bounded append queue (429). */
class TransportAndBackpressureTest {
  private static final String RECORD =
      "{\"kind\":\"dataset\",\"body\":{\"name\":\"d\",\"version\":\"v1\",\"uri\":\"s3://l/d\","
          + "\"digest\":\"sha256:" + "ab".repeat(32) + "\"}}";
  @TempDir Path dir;

  @Test
  void servesTlsFromPemChainAndPkcs8Key() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    KeyPair kp = g.generateKeyPair();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=127.0.0.1"),
        BigInteger.valueOf(System.nanoTime()), new Date(System.currentTimeMillis() - 60_000),
        new Date(System.currentTimeMillis() + 3_600_000), new X500Name("CN=127.0.0.1"), kp.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    Path chain = dir.resolve("chain.pem");
    Path key = dir.resolve("key.pem");
    Files.writeString(chain, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));

    try (TestService s = new TestService(dir, null, x -> x.tls(chain, key))) {
      assertThat(s.server.url()).startsWith("https://127.0.0.1:");
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("server", cert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      HttpClient https = HttpClient.newBuilder().sslContext(ctx).build();
      HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(s.server.url() + "/v1/records"))
          .header("Authorization", "Bearer " + s.writerToken)
          .POST(HttpRequest.BodyPublishers.ofString(RECORD)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      // A client that does not trust the certificate cannot talk to it.
      assertThatThrownBy(() -> HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(s.server.url() + "/healthz")).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }
  }

  @Test
  void plainHttpOnlyOnLoopback() throws Exception {
    try (TestService s = new TestService(dir)) {
      assertThatThrownBy(() -> LedgerServer.builder(s.ledger, t -> null)
          .listen(new InetSocketAddress("0.0.0.0", 0)).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("plain HTTP is only served on loopback");
    }
  }

  @Test
  void aFullQueueAnswers429WithRetryAfterAndNoAckBeforeDurability() throws Exception {
    try (TestService s = new TestService(dir, null, x -> x.queueCapacity(1))) {
      // Another process holds the SQLite write lock: the first append cannot become durable.
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + s.ledger.path());
          Statement st = c.createStatement()) {
        st.execute("BEGIN IMMEDIATE");
        CompletableFuture<HttpResponse<String>> first = s.http.sendAsync(
            HttpRequest.newBuilder(URI.create(s.server.url() + "/v1/records"))
                .header("Authorization", "Bearer " + s.writerToken)
                .POST(HttpRequest.BodyPublishers.ofString(RECORD)).build(),
            HttpResponse.BodyHandlers.ofString());
        long deadline = System.currentTimeMillis() + 10_000;
        while (s.server.queueDepth() < 1 && System.currentTimeMillis() < deadline) {
          Thread.sleep(10);
        }
        assertThat(s.server.queueDepth()).isEqualTo(1);
        HttpResponse<String> second = s.post("/v1/records", s.writerToken, RECORD);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        Thread.sleep(300);
        assertThat(first).as("no acknowledgement before the commit").isNotDone();
        st.execute("ROLLBACK");
        assertThat(first.get().statusCode()).as(first.get().body()).isEqualTo(201);
      }
      assertThat(s.ledger.size()).isEqualTo(1);
      assertThat(s.get("/metrics", null).body())
          .contains("ledger_rejected_requests_total{reason=\"queue_full\"} 1")
          .contains("ledger_append_requests_total{api=\"native\"} 1")
          .contains("ledger_queue_depth 0");
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
