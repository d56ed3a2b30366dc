package dev.lineageledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entra ID bearer tokens validated locally against a JWKS served on loopback, with tokens the
 * test signs: every refusal is a 401/403 with nothing written, and the record's actor is the
 * token's identity, which a caller cannot override.
 */
class EntraAuthTest {
  private static final String TENANT = "11111111-2222-3333-4444-555555555555";
  private static final String ISSUER = "https://login.microsoftonline.com/" + TENANT + "/v2.0";
  private static final String AUDIENCE = "api://lineage-ledger";
  private static final String RECORD =
      "{\"kind\":\"dataset\",\"body\":{\"name\":\"d\",\"version\":\"v1\",\"uri\":\"s3://l/d\","
          + "\"digest\":\"sha256:" + "ab".repeat(32) + "\"}}";

  @TempDir Path dir;
  private RSAKey key;
  private HttpServer jwks;
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private TestService s;

  @BeforeEach
  void start() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwks.createContext("/keys", ex -> {
      jwksFetches.incrementAndGet();
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    jwks.start();
    EntraAuthenticator auth = new EntraAuthenticator(
        URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/keys"), Set.of(ISSUER), AUDIENCE);
    s = new TestService(dir, auth, b -> b);
  }

  @AfterEach
  void stop() throws Exception {
    s.close();
    jwks.stop(0);
  }

  private JWTClaimsSet.Builder claims(String role) {
    long now = System.currentTimeMillis();
    JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE)
        .subject("s").claim("oid", "0f0f0f0f-aaaa-bbbb-cccc-000000000001")
        .claim("name", "Spark ETL").issueTime(new Date(now - 1000))
        .notBeforeTime(new Date(now - 1000)).expirationTime(new Date(now + 600_000));
    if (role != null) {
      c.claim("roles", List.of(role));
    }
    return c;
  }

  private String sign(JWTClaimsSet c, RSAKey k) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(k.getKeyID())
        .type(JOSEObjectType.JWT).build(), c);
    jwt.sign(new RSASSASigner(k));
    return jwt.serialize();
  }

  private void refused(String token, int status, String why) throws Exception {
    HttpResponse<String> r = s.post("/v1/records", token, RECORD);
    assertThat(r.statusCode()).as(why + ": " + r.body()).isEqualTo(status);
    assertThat(r.body()).contains("\"error\"");
    if (token != null) {
      assertThat(r.body()).doesNotContain(token);
    }
    assertThat(s.ledger.size()).as(why).isZero();
  }

  @Test
  void everyBadTokenIsRefusedAndNothingIsWritten() throws Exception {
    long now = System.currentTimeMillis();
    refused(null, 401, "no token");
    refused("not-a-jwt", 401, "garbage");
    refused(sign(claims("Ledger.Write").audience("api://someone-else").build(), key), 401, "wrong audience");
    refused(sign(claims("Ledger.Write").issuer("https://login.microsoftonline.com/other/v2.0").build(), key),
        401, "wrong issuer");
    refused(sign(claims("Ledger.Write").expirationTime(new Date(now - 3_600_000)).build(), key), 401, "expired");
    refused(sign(claims("Ledger.Write").notBeforeTime(new Date(now + 3_600_000)).build(), key), 401, "not yet valid");
    RSAKey impostor = new RSAKeyGenerator(2048).keyID("k1").generate();
    refused(sign(claims("Ledger.Write").build(), impostor), 401, "bad signature (same kid, other key)");
    refused(sign(claims("Ledger.Read").build(), key), 403, "reader writing");
    refused(sign(claims(null).build(), key), 403, "no role");
    // The JWKS was fetched once and cached, not once per token.
    assertThat(jwksFetches.get()).isLessThanOrEqualTo(2);
  }

  @Test
  void theActorIsTheTokensIdentityAndCannotBeClaimed() throws Exception {
    String writer = sign(claims("Ledger.Write").build(), key);
    HttpResponse<String> spoof = s.post("/v1/records", writer,
        RECORD.replace("{\"kind\"", "{\"actor\":\"mallory\",\"kind\""));
    assertThat(spoof.statusCode()).as(spoof.body()).isEqualTo(403);
    assertThat(spoof.body()).contains("\"field\":\"actor\"");
    assertThat(s.ledger.size()).isZero();

    HttpResponse<String> ok = s.post("/v1/records", writer, RECORD);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(s.ledger.record(0).orElseThrow().actor())
        .isEqualTo("Spark ETL <entra:0f0f0f0f-aaaa-bbbb-cccc-000000000001>");

    String reader = sign(claims("Ledger.Read").build(), key);
    assertThat(s.get("/v1/records/0", reader).statusCode()).isEqualTo(200);
    assertThat(s.get("/v1/records/0", null).statusCode()).isEqualTo(401);
  }
}
