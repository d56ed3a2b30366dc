package dev.lineageledger.keyvault.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * A loopback HTTPS emulator of the few Azure Key Vault key operations a ledger uses, written from
 * Microsoft's Key Vault REST reference (keys, api-version 7.x / 2025-07-01): Create Key
 * ({@code POST /keys/{name}/create}), Rotate Key ({@code POST /keys/{name}/rotate}), Get Key
 * ({@code GET /keys/{name}[/{version}]}), Get Key Versions ({@code GET /keys/{name}/versions}),
 * Wrap Key and Unwrap Key ({@code POST /keys/{name}/{version}/wrapkey|unwrapkey}, RSA-OAEP-256:
 * RSAES-OAEP with SHA-256 and MGF1-SHA-256). Test fixture only: never in a production jar.
 *
 * <p>Authentication is Key Vault's: a request without a bearer token gets 401 with {@code
 * WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/TENANT",
 * resource="https://vault.azure.net"} (the challenge the SDK answers), a token the emulator did
 * not see issued gets 401 too. Error bodies are Key Vault's {@code {"error":{"code","message",
 * "innererror":{"code"}}}}: 403 Forbidden/ForbiddenByRbac (no permission), 403
 * Forbidden/KeyDisabled, 404 KeyNotFound, 429 Throttled with Retry-After, 400 BadParameter.
 */
public final class KeyVaultEmulator implements AutoCloseable {
  /** The resource Key Vault's challenge names (public cloud). */
  public static final String RESOURCE = "https://vault.azure.net";
  public static final String TENANT = "72f988bf-0000-4000-8000-00000000cafe";
  /** API versions the emulator accepts (what azure-security-keyvault-keys 4.x sends). */
  public static final Set<String> API_VERSIONS =
      Set.of("7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One logged request. */
  public record Request(String method, String path, String apiVersion, boolean bearer,
      int bodyLength, int status) {}

  private static final class Version {
    final String id;
    final KeyPair pair;
    final String kty;
    final List<String> ops;
    volatile boolean enabled = true;
    final long created = Instant.now().getEpochSecond();

    Version(String id, KeyPair pair, String kty, List<String> ops) {
      this.id = id;
      this.pair = pair;
      this.kty = kty;
      this.ops = ops;
    }
  }

  private final HttpsServer server;
  private final Map<String, List<Version>> keys = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Predicate<String> tokenValidator;
  private volatile Set<String> deniedOperations = Set.of();
  private final AtomicInteger throttleNext = new AtomicInteger();
  private volatile int throttleRetryAfterSeconds = 60;

  private KeyVaultEmulator(TestCertificate cert, Predicate<String> tokenValidator)
      throws IOException {
    this.tokenValidator = tokenValidator;
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(cert.serverContext()));
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "kv-emulator");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts on 127.0.0.1, an ephemeral port, with {@code cert}; accepts bearer tokens for which
   * {@code tokenValidator} returns true (e.g. those a {@link ManagedIdentityEndpoint} issued).
   */
  public static KeyVaultEmulator start(TestCertificate cert, Predicate<String> tokenValidator)
      throws IOException {
    return new KeyVaultEmulator(cert, tokenValidator);
  }

  /** {@code https://127.0.0.1:PORT} */
  public URI vaultUrl() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The key URL without version. */
  public String keyUrl(String name) {
    return vaultUrl() + "/keys/" + name;
  }

  // ------------------------------------------------------------------ state, for tests

  /** Creates an RSA 2048 key (or a new version of it) allowing every operation; its version. */
  public String createRsaKey(String name) {
    return addVersion(name, "RSA", List.of("encrypt", "decrypt", "sign", "verify", "wrapKey",
        "unwrapKey"));
  }

  /** An RSA key that may only sign and verify (wrapKey/unwrapKey not among its key_ops). */
  public String createSignOnlyRsaKey(String name) {
    return addVersion(name, "RSA", List.of("sign", "verify"));
  }

  /** An EC P-256 key: cannot wrap with RSA-OAEP-256. */
  public String createEcKey(String name) {
    return addVersion(name, "EC", List.of("sign", "verify"));
  }

  public void setEnabled(String name, String version, boolean enabled) {
    find(name, version).enabled = enabled;
  }

  /** Deletes the key with all its versions (as Delete Key does, soft-delete aside). */
  public void delete(String name) {
    keys.remove(name);
  }

  /** Operations ("get", "wrapKey", "unwrapKey", "create") the caller's role does not grant. */
  public void deny(String... operations) {
    deniedOperations = Set.of(operations);
  }

  /** The next {@code n} requests get 429 with {@code Retry-After: seconds}. */
  public void throttle(int n, int retryAfterSeconds) {
    throttleRetryAfterSeconds = retryAfterSeconds;
    throttleNext.set(n);
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<String> versions(String name) {
    List<String> out = new ArrayList<>();
    for (Version v : keys.getOrDefault(name, List.of())) {
      out.add(v.id);
    }
    return out;
  }

  private synchronized String addVersion(String name, String kty, List<String> ops) {
    try {
      KeyPair pair;
      if (kty.equals("RSA")) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, RANDOM);
        pair = g.generateKeyPair();
      } else {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        pair = g.generateKeyPair();
      }
      byte[] id = new byte[16];
      RANDOM.nextBytes(id);
      Version v = new Version(HexFormat.of().formatHex(id), pair, kty, ops);
      keys.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(v);
      return v.id;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Version find(String name, String version) {
    List<Version> vs = keys.get(name);
    if (vs == null || vs.isEmpty()) {
      return null;
    }
    if (version == null || version.isEmpty()) {
      return vs.get(vs.size() - 1);
    }
    for (Version v : vs) {
      if (v.id.equals(version)) {
        return v;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ HTTP

  private record Reply(int status, ObjectNode body, Map<String, String> headers) {
    static Reply ok(ObjectNode body) {
      return new Reply(200, body, Map.of());
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    int bodyLength = 0;
    Reply reply;
    String apiVersion = null;
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    boolean bearer = auth != null && auth.startsWith("Bearer ");
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(1 << 20);
      bodyLength = body.length;
      Map<String, String> query = query(ex.getRequestURI().getRawQuery());
      apiVersion = query.get("api-version");
      reply = route(ex.getRequestMethod(), ex.getRequestURI().getPath(), apiVersion, auth, body);
    } catch (RuntimeException e) {
      reply = error(500, "InternalServerError", "emulator: " + e, null);
    }
    requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), apiVersion,
        bearer, bodyLength, reply.status));
    byte[] out = JSON.writeValueAsBytes(reply.body);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.getResponseHeaders().set("x-ms-keyvault-service-version", "1.9.0.0");
    reply.headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    ex.sendResponseHeaders(reply.status, out.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(out);
    }
  }

  private Reply route(String method, String path, String apiVersion, String auth, byte[] body) {
    // Authentication comes first, as in Key Vault: the SDK's first request carries no token and
    // no body, and learns the authority and resource from this challenge.
    if (auth == null || !auth.startsWith("Bearer ")) {
      return new Reply(401, errorBody("Unauthorized",
          "AKV10000: Request is missing a Bearer or PoP token.", null),
          Map.of("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/"
              + TENANT + "\", resource=\"" + RESOURCE + "\""));
    }
    if (!tokenValidator.test(auth.substring("Bearer ".length()).strip())) {
      return new Reply(401, errorBody("Unauthorized", "AKV10032: Invalid issuer.", null),
          Map.of("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/"
              + TENANT + "\", resource=\"" + RESOURCE + "\""));
    }
    if (apiVersion == null) {
      return error(400, "BadParameter", "The api-version query parameter is required.", null);
    }
    if (!API_VERSIONS.contains(apiVersion)) {
      return error(400, "BadParameter", "The specified version (" + apiVersion
          + ") is not recognized. Consider using the latest supported version (7.6).", null);
    }
    if (throttleNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      return new Reply(429, errorBody("Throttled", "Request was not processed because too many"
          + " requests were received. Reason: VaultRequestTypeLimitReached", null),
          Map.of("Retry-After", Integer.toString(throttleRetryAfterSeconds)));
    }
    String[] p = path.split("/", -1);
    // p[0] == "", p[1] == "keys"
    if (p.length < 3 || !p[1].equals("keys") || p[2].isEmpty()) {
      return error(404, "NotFound", "The requested resource was not found.", null);
    }
    String name = p[2];
    if (method.equals("POST") && p.length == 4 && p[3].equals("create")) {
      return create(name, body);
    }
    if (method.equals("POST") && p.length == 4 && p[3].equals("rotate")) {
      if (denied("rotate")) {
        return forbidden("rotate");
      }
      if (keys.get(name) == null) {
        return notFound(name);
      }
      Version last = find(name, null);
      addVersion(name, last.kty, last.ops);
      return Reply.ok(bundle(name, find(name, null)));
    }
    if (method.equals("GET") && p.length == 4 && p[3].equals("versions")) {
      if (denied("list")) {
        return forbidden("list");
      }
      if (keys.get(name) == null) {
        return notFound(name);
      }
      ObjectNode o = JSON.createObjectNode();
      ArrayNode arr = o.putArray("value");
      for (Version v : keys.get(name)) {
        ObjectNode item = arr.addObject();
        item.put("kid", kid(name, v));
        item.set("attributes", attributes(v));
      }
      o.putNull("nextLink");
      return Reply.ok(o);
    }
    if (method.equals("GET") && (p.length == 3 || p.length == 4)) {
      if (denied("get")) {
        return forbidden("get");
      }
      Version v = find(name, p.length == 4 ? p[3] : null);
      if (v == null) {
        return notFound(name);
      }
      // Key Vault returns a disabled key's bundle (attributes.enabled false); only the
      // cryptographic operations refuse it.
      return Reply.ok(bundle(name, v));
    }
    if (method.equals("POST") && p.length == 5
        && (p[4].equals("wrapkey") || p[4].equals("unwrapkey"))) {
      String op = p[4].equals("wrapkey") ? "wrapKey" : "unwrapKey";
      if (denied(op)) {
        return forbidden(op);
      }
      Version v = find(name, p[3]);
      if (v == null) {
        return notFound(name);
      }
      if (!v.enabled) {
        return error(403, "Forbidden", "Operation " + op + " is not allowed on a disabled key.",
            "KeyDisabled");
      }
      return keyOperation(name, v, op, body);
    }
    return error(405, "MethodNotAllowed", "The requested method is not allowed.", null);
  }

  private Reply create(String name, byte[] body) {
    if (denied("create")) {
      return forbidden("create");
    }
    JsonNode req;
    try {
      req = JSON.readTree(body);
    } catch (IOException e) {
      return error(400, "BadParameter", "The request body is not valid JSON.", null);
    }
    String kty = req.path("kty").asText("");
    List<String> ops = new ArrayList<>();
    req.path("key_ops").forEach(n -> ops.add(n.asText()));
    if (ops.isEmpty()) {
      ops.addAll(List.of("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"));
    }
    if (kty.equals("RSA") || kty.equals("RSA-HSM")) {
      addVersion(name, "RSA", List.copyOf(ops));
    } else if (kty.equals("EC") || kty.equals("EC-HSM")) {
      addVersion(name, "EC", List.copyOf(ops));
    } else {
      return error(400, "BadParameter", "Property kty has invalid value", null);
    }
    return Reply.ok(bundle(name, find(name, null)));
  }

  private Reply keyOperation(String name, Version v, String op, byte[] body) {
    JsonNode req;
    try {
      req = JSON.readTree(body);
    } catch (IOException e) {
      return error(400, "BadParameter", "The request body is not valid JSON.", null);
    }
    if (req == null || !req.path("alg").isTextual() || !req.path("value").isTextual()) {
      return error(400, "BadParameter", "Property alg and value are required.", null);
    }
    String alg = req.path("alg").asText();
    if (!v.kty.equals("RSA")) {
      return error(400, "BadParameter", "Key and algorithm are not compatible. Key type: EC,"
          + " algorithm: " + alg, null);
    }
    if (!v.ops.contains(op)) {
      return error(403, "Forbidden", "Operation " + op + " is not permitted on this key.",
          "KeyOperationForbidden");
    }
    if (!alg.equals("RSA-OAEP-256")) {
      return error(400, "BadParameter", "The emulator implements RSA-OAEP-256 only, not " + alg,
          null);
    }
    byte[] in;
    try {
      in = Base64.getUrlDecoder().decode(req.path("value").asText());
    } catch (IllegalArgumentException e) {
      return error(400, "BadParameter", "Property value is not base64url.", null);
    }
    byte[] out;
    try {
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      OAEPParameterSpec spec = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
          PSource.PSpecified.DEFAULT);
      if (op.equals("wrapKey")) {
        c.init(Cipher.ENCRYPT_MODE, v.pair.getPublic(), spec);
      } else {
        c.init(Cipher.DECRYPT_MODE, v.pair.getPrivate(), spec);
      }
      out = c.doFinal(in);
    } catch (java.security.GeneralSecurityException e) {
      return error(400, "BadParameter", "Bad data for " + op + ".", null);
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("kid", kid(name, v));
    o.put("value", b64(out));
    return Reply.ok(o);
  }

  private boolean denied(String op) {
    return deniedOperations.contains(op);
  }

  private Reply forbidden(String op) {
    String action = switch (op) {
      case "wrapKey" -> "Microsoft.KeyVault/vaults/keys/wrap/action";
      case "unwrapKey" -> "Microsoft.KeyVault/vaults/keys/unwrap/action";
      case "create" -> "Microsoft.KeyVault/vaults/keys/create/action";
      default -> "Microsoft.KeyVault/vaults/keys/read";
    };
    return error(403, "Forbidden", "Caller is not authorized to perform action on resource.\r\n"
        + "If role assignments, deny assignments or role definitions were changed recently,"
        + " please observe propagation time.\r\nCaller: appid=emulator;oid=00000000-0000-0000"
        + "-0000-000000000001\r\nAction: '" + action + "'\r\nDecisionReason:"
        + " 'DeniedWithNoValidRBAC'\r\n", "ForbiddenByRbac");
  }

  private Reply notFound(String name) {
    return error(404, "KeyNotFound", "A key with (name/id) " + name + " was not found in this"
        + " key vault. If you recently deleted this key you may be able to recover it using the"
        + " correct recovery command.", null);
  }

  private static Reply error(int status, String code, String message, String inner) {
    return new Reply(status, errorBody(code, message, inner), Map.of());
  }

  private static ObjectNode errorBody(String code, String message, String inner) {
    ObjectNode o = JSON.createObjectNode();
    ObjectNode e = o.putObject("error");
    e.put("code", code);
    e.put("message", message);
    if (inner != null) {
      e.putObject("innererror").put("code", inner);
    }
    return o;
  }

  private String kid(String name, Version v) {
    return keyUrl(name) + "/" + v.id;
  }

  private ObjectNode bundle(String name, Version v) {
    ObjectNode o = JSON.createObjectNode();
    ObjectNode k = o.putObject("key");
    k.put("kid", kid(name, v));
    k.put("kty", v.kty);
    ArrayNode ops = k.putArray("key_ops");
    v.ops.forEach(ops::add);
    if (v.pair.getPublic() instanceof RSAPublicKey rsa) {
      k.put("n", b64(unsigned(rsa.getModulus())));
      k.put("e", b64(unsigned(rsa.getPublicExponent())));
    } else if (v.pair.getPublic() instanceof ECPublicKey ec) {
      k.put("crv", "P-256");
      k.put("x", b64(fixed(ec.getW().getAffineX(), 32)));
      k.put("y", b64(fixed(ec.getW().getAffineY(), 32)));
    }
    o.set("attributes", attributes(v));
    return o;
  }

  private static ObjectNode attributes(Version v) {
    ObjectNode a = JSON.createObjectNode();
    a.put("enabled", v.enabled);
    a.put("created", v.created);
    a.put("updated", v.created);
    a.put("recoveryLevel", "Recoverable+Purgeable");
    a.put("recoverableDays", 90);
    return a;
  }

  private static byte[] unsigned(BigInteger n) {
    byte[] b = n.toByteArray();
    return b.length > 1 && b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
  }

  private static byte[] fixed(BigInteger n, int len) {
    byte[] b = unsigned(n);
    byte[] out = new byte[len];
    System.arraycopy(b, 0, out, len - b.length, b.length);
    return out;
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null) {
      return m;
    }
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      m.put(k, v);
    }
    return m;
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
