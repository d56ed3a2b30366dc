package dev.lineageledger.keyvault.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback App Service-style managed identity token endpoint (the protocol azure-identity /
 * msal4j speak when {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} are set): {@code GET
 * IDENTITY_ENDPOINT?api-version=2019-08-01&resource=RESOURCE} with header {@code
 * X-IDENTITY-HEADER: IDENTITY_HEADER}, answered with {@code {"access_token","expires_on",
 * "resource","token_type","client_id"}}. Test fixture only.
 *
 * <p>Every token it issues is remembered JVM-wide ({@link #issued(String)}), because msal4j caches
 * managed identity tokens in a static cache shared by all credentials of a JVM.
 */
public final class ManagedIdentityEndpoint implements AutoCloseable {
  private static final Set<String> ISSUED = ConcurrentHashMap.newKeySet();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One token request as received. */
  public record TokenRequest(String apiVersion, String resource, boolean headerOk) {}

  private final HttpServer server;
  private final String secret;
  private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
  private volatile int failStatus;

  private ManagedIdentityEndpoint() throws IOException {
    byte[] s = new byte[18];
    RANDOM.nextBytes(s);
    secret = Base64.getUrlEncoder().withoutPadding().encodeToString(s);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/msi/token", this::handle);
    server.start();
  }

  public static ManagedIdentityEndpoint start() throws IOException {
    return new ManagedIdentityEndpoint();
  }

  /** Whether any endpoint in this JVM issued {@code token}. */
  public static boolean issued(String token) {
    return ISSUED.contains(token);
  }

  /** Every token issued in this JVM (for scanning output). */
  public static Set<String> allIssued() {
    return Set.copyOf(ISSUED);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/msi/token");
  }

  /** The environment that makes azure-identity use this endpoint. */
  public Map<String, String> environment() {
    return Map.of("IDENTITY_ENDPOINT", endpoint().toString(), "IDENTITY_HEADER", secret);
  }

  /** The identity header's secret (for scanning output). */
  public String secret() {
    return secret;
  }

  /** From now on answer every request with {@code status} (400: no identity assigned). */
  public void failWith(int status) {
    failStatus = status;
  }

  public List<TokenRequest> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange ex) throws IOException {
    Map<String, String> q = new HashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          q.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    boolean headerOk = secret.equals(ex.getRequestHeaders().getFirst("X-IDENTITY-HEADER"));
    requests.add(new TokenRequest(q.get("api-version"), q.get("resource"), headerOk));
    ObjectNode body = JSON.createObjectNode();
    int status;
    if (!headerOk) {
      status = 401;
      body.put("statusCode", 401).put("message", "Unauthorized: missing or wrong X-IDENTITY-HEADER");
    } else if (failStatus != 0) {
      status = failStatus;
      body.put("statusCode", failStatus).put("message", "Unable to load the proper Managed"
          + " Identity.");
    } else if (!"2019-08-01".equals(q.get("api-version")) || q.get("resource") == null) {
      status = 400;
      body.put("statusCode", 400).put("message", "api-version 2019-08-01 and resource required");
    } else {
      byte[] t = new byte[24];
      RANDOM.nextBytes(t);
      String token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0."
          + Base64.getUrlEncoder().withoutPadding().encodeToString(t) + ".mi-emulator";
      ISSUED.add(token);
      status = 200;
      body.put("access_token", token);
      body.put("expires_on", Long.toString(Instant.now().plusSeconds(3600).getEpochSecond()));
      body.put("resource", q.get("resource"));
      body.put("token_type", "Bearer");
      body.put("client_id", "00000000-0000-0000-0000-0000000000c1");
    }
    byte[] out = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
