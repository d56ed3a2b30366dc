package dev.lineageledger.purview.internal;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.RetryStrategy;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.purview.PurviewAuth;
import dev.lineageledger.purview.PurviewEndpoint;
import dev.lineageledger.purview.PurviewException;
import dev.lineageledger.purview.PurviewSyncOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Atlas v2 requests over azure-core's HTTP pipeline on the JDK HTTP client: retry with
 * exponential backoff and jitter on 408, 429, 5xx (not 501/505) and connection failures,
 * honouring {@code Retry-After} / {@code retry-after-ms}; then the bearer token (Entra ID with
 * early refresh, or static). Tokens are never logged or put into messages.
 */
public final class AtlasHttp {
  /** An Atlas response: status, parsed JSON body (or null), and the raw body for messages. */
  public record Response(int status, JsonNode body, String rawBody) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** Atlas's {@code errorCode}, or Azure's {@code error.code}, or null. */
    public String errorCode() {
      if (body == null) {
        return null;
      }
      String c = Json.text(body, "errorCode");
      return c != null ? c : Json.text(body.get("error"), "code");
    }

    /** Atlas's {@code errorMessage}, or Azure's {@code error.message}, or the raw body. */
    public String errorMessage() {
      String m = body == null ? null : Json.text(body, "errorMessage");
      if (m == null && body != null) {
        m = Json.text(body.get("error"), "message");
      }
      if (m == null) {
        m = rawBody == null || rawBody.isBlank() ? "(no body)" : rawBody;
      }
      m = m.replace('\n', ' ').replace('\r', ' ');
      return m.length() > 500 ? m.substring(0, 500) + "..." : m;
    }

    /** {@code HTTP 400 ATLAS-400-00-021 ObjectId is not valid ...}. */
    public String describe() {
      String c = errorCode();
      return "HTTP " + status + (c == null ? "" : " " + c) + " " + errorMessage();
    }
  }

  private final PurviewEndpoint endpoint;
  private final String authName;
  private final HttpPipeline pipeline;
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();

  public AtlasHttp(PurviewSyncOptions o) throws PurviewException {
    this.endpoint = o.endpoint();
    PurviewAuth auth = o.auth();
    this.authName = auth.toString();
    if (auth.revealStaticToken() != null && !endpoint.isHttps() && !endpoint.isLoopbackHttp()) {
      throw new PurviewException(PurviewException.Reason.CONFIG, "refusing to send a bearer"
          + " token over plain http to " + endpoint.baseUri().getHost()
          + " (use https, or http only on a loopback address)", null);
    }
    HttpClient client = new JdkHttpClientBuilder()
        .connectionTimeout(o.connectTimeout())
        .responseTimeout(o.responseTimeout())
        .readTimeout(o.responseTimeout())
        .build();
    List<HttpPipelinePolicy> policies = new ArrayList<>();
    policies.add(new HeaderPolicy());
    policies.add(new RetryPolicy(new FailFastOnCredentials(new ExponentialBackoff(
        new ExponentialBackoffOptions()
            .setMaxRetries(o.maxRetries())
            .setBaseDelay(o.retryBaseDelay())
            .setMaxDelay(o.retryMaxDelay())))));
    policies.add(new AttemptCounter());
    policies.add(new Pacing(new Pacer(o.opsPerSecond())));
    policies.add(new CredentialBarrier());
    if (auth.revealStaticToken() != null) {
      policies.add(new StaticTokenPolicy(auth.revealStaticToken()));
    } else {
      if (!endpoint.isHttps()) {
        throw new PurviewException(PurviewException.Reason.CONFIG, "Entra ID tokens are only sent"
            + " over https; give a static token (--token-file) for " + endpoint, null);
      }
      TokenCredential credential;
      try {
        credential = auth.tokenCredential(endpoint.cloud());
      } catch (RuntimeException e) {
        throw new PurviewException(PurviewException.Reason.AUTH,
            "cannot set up " + auth + ": " + firstLine(e), e);
      }
      policies.add(new BearerTokenAuthenticationPolicy(credential, endpoint.tokenScope()));
    }
    this.pipeline = new HttpPipelineBuilder().httpClient(client)
        .policies(policies.toArray(new HttpPipelinePolicy[0])).build();
  }

  public PurviewEndpoint endpoint() {
    return endpoint;
  }

  /** Requests sent over the wire, retries included. */
  public int attempts() {
    return attempts.get();
  }

  /** Logical requests (each possibly sent several times). */
  public int calls() {
    return calls.get();
  }

  /** The full URL of {@code path} (starting with {@code /atlas/v2/}) with query parameters. */
  public String url(String path, Map<String, String> query) {
    Map<String, String> q = new LinkedHashMap<>();
    if (endpoint.apiVersion() != null) {
      q.put("api-version", endpoint.apiVersion());
    }
    q.putAll(query);
    StringBuilder b = new StringBuilder(endpoint.baseUri().toString()).append(path);
    char sep = '?';
    for (Map.Entry<String, String> e : q.entrySet()) {
      b.append(sep).append(enc(e.getKey())).append('=').append(enc(e.getValue()));
      sep = '&';
    }
    return b.toString();
  }

  public static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Sends one request (retrying as configured) and returns the final response, successful or
   * not. Throws only when no response arrived at all, or no token could be obtained.
   */
  public Response send(String method, String path, Map<String, String> query, JsonNode body)
      throws PurviewException {
    return send(method, path, query, body, 1);
  }

  /**
   * As {@link #send(String, String, Map, JsonNode)}, for a request that is {@code ops} data map
   * operations (a bulk request of n entities is n), which is what it is paced by.
   */
  public Response send(String method, String path, Map<String, String> query, JsonNode body,
      int ops) throws PurviewException {
    return send(method, path, query, body == null ? null : Json.bytes(body), ops);
  }

  /** As above, with the body already serialised (so its size can be checked first). */
  public Response send(String method, String path, Map<String, String> query, byte[] body,
      int ops) throws PurviewException {
    String url = url(path, query);
    HttpRequest req = new HttpRequest(HttpMethod.valueOf(method), url);
    if (body != null) {
      req.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
      req.setBody(BinaryData.fromBytes(body));
    }
    calls.incrementAndGet();
    try (HttpResponse res = pipeline.sendSync(req, new Context(OPS_KEY, Math.max(1, ops)))) {
      byte[] bytes = res.getBodyAsBinaryData().toBytes();
      String raw = new String(bytes, StandardCharsets.UTF_8);
      JsonNode json;
      try {
        json = Json.parse(bytes);
      } catch (IOException e) {
        json = null;
      }
      Response r = new Response(res.getStatusCode(), json, raw);
      if (r.status() == 401 || r.status() == 403) {
        throw new PurviewException(PurviewException.Reason.AUTH, "Purview refused the token ("
            + r.describe() + ") at " + endpoint, r.status(), r.errorCode(), -1, null);
      }
      return r;
    } catch (PurviewException e) {
      throw e;
    } catch (RuntimeException e) {
      throw describeFailure(method, e);
    }
  }

  private PurviewException describeFailure(String method, RuntimeException thrown) {
    RuntimeException e = thrown instanceof CredentialFailure c ? c.original : thrown;
    Throwable credentialFailure = credentialFailure(e);
    if (credentialFailure != null) {
      return credentialFailure(credentialFailure, e);
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String what = root instanceof HttpTimeoutException || root instanceof TimeoutException
        ? "timed out" : refused(e) ? "cannot connect to " + hostPort()
        : root instanceof UncheckedIOException || root instanceof IOException
        ? firstLine(root) : firstLine(e);
    return new PurviewException(PurviewException.Reason.UNAVAILABLE, "cannot reach Purview at "
        + endpoint + " (" + method + ", " + attempts.get() + " attempts so far): " + what, e);
  }

  /**
   * The credential failure in {@code t}'s cause chain, or null: azure-core's
   * ClientAuthenticationException (azure-identity's CredentialUnavailableException is one),
   * anything thrown by azure-identity or MSAL.
   */
  static Throwable credentialFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String cls = c.getClass().getName();
      if (c instanceof ClientAuthenticationException || cls.startsWith("com.azure.identity.")
          || cls.startsWith("com.microsoft.aad.msal4j.")) {
        return c;
      }
    }
    return null;
  }

  /**
   * One line that says what to do, and the credential chain's reasons (one short line each) as
   * details for --verbose: DefaultAzureCredential's message lists every credential it tried,
   * which as a stack trace is hundreds of lines.
   */
  private PurviewException credentialFailure(Throwable failure, RuntimeException e) {
    String scope = endpoint.tokenScope();
    String why = firstLine(failure).strip();
    while (why.endsWith(".")) {
      why = why.substring(0, why.length() - 1);
    }
    String message = "cannot get an Entra ID token for " + scope + " from " + authName + ": "
        + why + ". To fix: sign in with `az login`; or set AZURE_TENANT_ID,"
        + " AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) for a"
        + " service principal; or run where a managed identity is assigned (AZURE_CLIENT_ID"
        + " picks a user-assigned one); or give a static token with --token-file"
        + " (--verbose shows why each credential failed)";
    List<String> details = new ArrayList<>();
    for (Throwable c = failure; c != null && details.size() < 24;
        c = c.getCause() == c ? null : c.getCause()) {
      String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
      for (String line : m.split("\\R")) {
        String l = line.strip();
        if (!l.isEmpty() && details.size() < 24 && !details.contains(l)) {
          details.add(l.length() > 240 ? l.substring(0, 240) + "..." : l);
        }
      }
    }
    return new PurviewException(PurviewException.Reason.AUTH, message, 0, null, -1, e, details);
  }

  /**
   * A refused (or otherwise failed) TCP connect: the JDK client reports it as a
   * ConnectException, often with a bare ClosedChannelException as its only cause, whose name
   * says nothing to a user.
   */
  private static boolean refused(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof java.net.ConnectException || c instanceof java.nio.channels.ClosedChannelException
          || c instanceof java.net.UnknownHostException || c instanceof java.net.NoRouteToHostException) {
        return true;
      }
    }
    return false;
  }

  private String hostPort() {
    java.net.URI u = endpoint.baseUri();
    int port = u.getPort() >= 0 ? u.getPort() : u.getScheme().equals("https") ? 443 : 80;
    return u.getHost() + ":" + port;
  }

  static String firstLine(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      m = t.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /**
   * azure-core's retry strategy, except that a credential failure is never retried: the token
   * is obtained inside the retry policy (so every retry carries a fresh one), and
   * DefaultAzureCredential failing — nothing configured, `az` not signed in, no managed
   * identity — is not something waiting fixes. Retried, it took minutes to report.
   */
  static final class FailFastOnCredentials implements RetryStrategy {
    private final RetryStrategy backoff;

    FailFastOnCredentials(RetryStrategy backoff) {
      this.backoff = backoff;
    }

    @Override
    public int getMaxRetries() {
      return backoff.getMaxRetries();
    }

    @Override
    public java.time.Duration calculateRetryDelay(int retryAttempts) {
      return backoff.calculateRetryDelay(retryAttempts);
    }

    @Override
    public java.time.Duration calculateRetryDelay(RequestRetryCondition condition) {
      return backoff.calculateRetryDelay(condition);
    }

    @Override
    public boolean shouldRetry(HttpResponse response) {
      return backoff.shouldRetry(response);
    }

    @Override
    public boolean shouldRetryException(Throwable throwable) {
      return !(throwable instanceof CredentialFailure) && backoff.shouldRetryException(throwable);
    }

    @Override
    public boolean shouldRetryCondition(RequestRetryCondition condition) {
      return !(condition.getThrowable() instanceof CredentialFailure)
          && backoff.shouldRetryCondition(condition);
    }
  }

  /**
   * A credential failure on its way through the retry policy. azure-core's RetryPolicy asks the
   * strategy about an exception and then about each of its causes, and a credential failure's
   * causes are often retryable-looking I/O errors (the managed identity endpoint refused the
   * connection), so the failure travels without a cause; {@link #send} unwraps it.
   */
  static final class CredentialFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient RuntimeException original;

    CredentialFailure(RuntimeException original) {
      super("credential failure", null, false, false);
      this.original = original;
    }
  }

  /** Between the retry policy and the token policy: marks credential failures (see above). */
  private static final class CredentialBarrier implements HttpPipelinePolicy {
    @Override
    public reactor.core.publisher.Mono<HttpResponse> process(HttpPipelineCallContext context,
        com.azure.core.http.HttpPipelineNextPolicy next) {
      return next.process().onErrorMap(e -> e instanceof RuntimeException r
          && credentialFailure(r) != null ? new CredentialFailure(r) : e);
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context,
        com.azure.core.http.HttpPipelineNextSyncPolicy next) {
      try {
        return next.processSync();
      } catch (RuntimeException e) {
        throw credentialFailure(e) != null ? new CredentialFailure(e) : e;
      }
    }
  }

  private static final String OPS_KEY = "lineage-ledger.purview.ops";

  /** Paces every attempt, retries included (they cost Purview the same). */
  private static final class Pacing extends HttpPipelineSyncPolicy {
    private final Pacer pacer;

    Pacing(Pacer pacer) {
      this.pacer = pacer;
    }

    @Override
    protected void beforeSendingRequest(HttpPipelineCallContext context) {
      Object ops = context.getData(OPS_KEY).orElse(1);
      try {
        pacer.acquire(ops instanceof Integer i ? i : 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while pacing requests to Purview", e);
      }
    }
  }

  /** Counts each attempt; sits after the retry policy so it sees retries too. */
  private final class AttemptCounter extends HttpPipelineSyncPolicy {
    @Override
    protected void beforeSendingRequest(HttpPipelineCallContext context) {
      attempts.incrementAndGet();
    }
  }

  private static final class HeaderPolicy extends HttpPipelineSyncPolicy {
    @Override
    protected void beforeSendingRequest(HttpPipelineCallContext context) {
      context.getHttpRequest().setHeader(HttpHeaderName.USER_AGENT, "lineage-ledger");
      context.getHttpRequest().setHeader(HttpHeaderName.ACCEPT, "application/json");
    }
  }

  /** A fixed bearer token; only ever sent over https or to a loopback address (checked above). */
  private static final class StaticTokenPolicy extends HttpPipelineSyncPolicy {
    private final String header;

    StaticTokenPolicy(String token) {
      this.header = "Bearer " + token;
    }

    @Override
    protected void beforeSendingRequest(HttpPipelineCallContext context) {
      context.getHttpRequest().setHeader(HttpHeaderName.AUTHORIZATION, header);
    }

    @Override
    public String toString() {
      return "StaticTokenPolicy";
    }
  }
}
