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
import com.azure.core.http.policy.RetryPolicy;
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
  private final HttpPipeline pipeline;
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();

  public AtlasHttp(PurviewSyncOptions o) throws PurviewException {
    this.endpoint = o.endpoint();
    PurviewAuth auth = o.auth();
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
    policies.add(new RetryPolicy(new ExponentialBackoff(new ExponentialBackoffOptions()
        .setMaxRetries(o.maxRetries())
        .setBaseDelay(o.retryBaseDelay())
        .setMaxDelay(o.retryMaxDelay()))));
    policies.add(new AttemptCounter());
    if (auth.revealStaticToken() != null) {
      policies.add(new StaticTokenPolicy(auth.revealStaticToken()));
    } else {
      if (!endpoint.isHttps()) {
        throw new PurviewException(PurviewException.Reason.CONFIG, "Entra ID tokens are only sent"
            + " over https; give a static token (--token-file) for " + endpoint, null);
      }
      TokenCredential credential;
      try {
        credential = auth.tokenCredential();
      } catch (RuntimeException e) {
        throw new PurviewException(PurviewException.Reason.AUTH,
            "cannot set up " + auth + ": " + firstLine(e), e);
      }
      policies.add(new BearerTokenAuthenticationPolicy(credential, PurviewAuth.SCOPE));
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
    String url = url(path, query);
    HttpRequest req = new HttpRequest(HttpMethod.valueOf(method), url);
    if (body != null) {
      req.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
      req.setBody(BinaryData.fromBytes(Json.bytes(body)));
    }
    calls.incrementAndGet();
    try (HttpResponse res = pipeline.sendSync(req, Context.NONE)) {
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

  private PurviewException describeFailure(String method, RuntimeException e) {
    String cls = e.getClass().getName();
    if (cls.startsWith("com.azure.identity") || cls.contains("ClientAuthenticationException")
        || cls.contains("CredentialUnavailable")) {
      return new PurviewException(PurviewException.Reason.AUTH, "cannot get an Entra ID token"
          + " for " + PurviewAuth.SCOPE + ": " + firstLine(e), e);
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String what = root instanceof HttpTimeoutException || root instanceof TimeoutException
        ? "timed out" : root instanceof UncheckedIOException || root instanceof IOException
        ? firstLine(root) : firstLine(e);
    return new PurviewException(PurviewException.Reason.UNAVAILABLE, "cannot reach Purview at "
        + endpoint + " (" + method + ", " + attempts.get() + " attempts so far): " + what, e);
  }

  static String firstLine(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      m = t.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
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
