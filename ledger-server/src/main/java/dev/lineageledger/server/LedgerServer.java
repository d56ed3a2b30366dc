package dev.lineageledger.server;

import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.server.internal.PemKeyStore;
import dev.lineageledger.server.internal.Router;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The ledger as an HTTP service (docs/SERVER.md): OpenLineage ingest at {@code POST
 * /api/v1/lineage}, native appends and reads under {@code /v1}, and the C2SP tlog-checkpoint and
 * tlog-tiles read side for auditors. It serves a {@link Ledger} it does not own: {@link #stop}
 * drains in-flight requests and signs a final checkpoint; closing the ledger is the caller's.
 *
 * <pre>{@code
 * try (Ledger ledger = Ledger.open(path, options)) {
 *   LedgerServer server = LedgerServer.builder(ledger, authenticator)
 *       .listen(new InetSocketAddress("127.0.0.1", 8080)).build();
 *   server.start();
 *   ...
 *   server.stop();
 * }
 * }</pre>
 */
public final class LedgerServer {
  private final Ledger ledger;
  private final Server server;
  private final ServerConnector connector;
  private final Router router;
  private final boolean tls;
  private final AtomicBoolean accepting = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();

  private LedgerServer(Builder b) throws IOException, GeneralSecurityException {
    this.ledger = b.ledger;
    InetAddress host = b.listen.getAddress();
    if (host == null) {
      throw new IllegalArgumentException("cannot resolve listen address " + b.listen.getHostString());
    }
    if (b.certChain == null && !host.isLoopbackAddress()) {
      throw new IllegalArgumentException("plain HTTP is only served on loopback; "
          + b.listen.getHostString() + " needs --tls-cert and --tls-key");
    }
    QueuedThreadPool pool = new QueuedThreadPool(b.maxThreads, 4);
    pool.setName("ledger-serve");
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(16 * 1024);
    // Record references contain slashes (dataset:s3://lake/raw@v1), sent percent-encoded in
    // /v1/lineage/{ref}. Routing is by exact prefix on the decoded path and nothing maps a path
    // to a file, so an encoded separator is not ambiguous here.
    http.setUriCompliance(UriCompliance.DEFAULT.with("ledger-refs",
        UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
        UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
    if (b.certChain != null) {
      char[] pass = new char[32];
      SecureRandom r = new SecureRandom();
      for (int i = 0; i < pass.length; i++) {
        pass[i] = (char) ('a' + r.nextInt(26));
      }
      KeyStore ks = PemKeyStore.load(b.certChain, b.privateKey, pass);
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStore(ks);
      ssl.setKeyStorePassword(new String(pass));
      ssl.setKeyManagerPassword(new String(pass));
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      SecureRequestCustomizer src = new SecureRequestCustomizer();
      // Clients often reach a team service by IP or an internal alias.
      src.setSniHostCheck(false);
      http.addCustomizer(src);
      connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
          new HttpConnectionFactory(http));
      tls = true;
    } else {
      connector = new ServerConnector(server, new HttpConnectionFactory(http));
      tls = false;
    }
    connector.setHost(host.getHostAddress());
    connector.setPort(b.listen.getPort());
    server.addConnector(connector);
    router = new Router(b.ledger, b.authenticator, b.maxBodyBytes, b.queueCapacity, accepting::get,
        pool);
    server.setHandler(new GracefulHandler(router));
    server.setStopTimeout(b.drainMillis);
    server.setStopAtShutdown(false);
  }

  public static Builder builder(Ledger ledger, Authenticator authenticator) {
    return new Builder(ledger, authenticator);
  }

  /** Binds and starts serving. */
  public void start() throws IOException {
    try {
      server.start();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot start the server: " + e.getMessage(), e);
    }
    accepting.set(true);
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://HOST:PORT} or {@code https://...}. */
  public String url() {
    String h = connector.getHost();
    if (h.contains(":")) {
      h = "[" + h + "]";
    }
    return (tls ? "https://" : "http://") + h + ":" + port();
  }

  /** Append requests admitted and not yet durable. */
  public int queueDepth() {
    return router.queueDepth();
  }

  /**
   * Graceful stop: refuse new connections, wait (up to the drain time) for in-flight requests,
   * each of which is answered only after its records are durable, then sign a checkpoint over
   * everything appended. Idempotent.
   */
  public void stop() throws LedgerException {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    accepting.set(false);
    try {
      server.stop();
    } catch (Exception e) {
      // Jetty reports requests still running after the drain time; they were not acknowledged.
    }
    try {
      ledger.checkpoint();
    } catch (LedgerException e) {
      // A ledger opened read-only or without a checkpoint key has nothing to sign.
      String m = String.valueOf(e.getMessage());
      if (!m.contains("read-only") && !m.contains("no checkpoint signing key")) {
        throw e;
      }
    }
  }

  public static final class Builder {
    private final Ledger ledger;
    private final Authenticator authenticator;
    private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    private Path certChain;
    private Path privateKey;
    private long maxBodyBytes = 1 << 20;
    private int queueCapacity = 1024;
    private long drainMillis = 30_000;
    private int maxThreads = 200;

    private Builder(Ledger ledger, Authenticator authenticator) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    }

    public Builder listen(InetSocketAddress a) {
      this.listen = Objects.requireNonNull(a);
      return this;
    }

    /** TLS from PEM files: the certificate chain (leaf first) and its unencrypted PKCS#8 key. */
    public Builder tls(Path certChainPem, Path pkcs8KeyPem) {
      this.certChain = Objects.requireNonNull(certChainPem);
      this.privateKey = Objects.requireNonNull(pkcs8KeyPem);
      return this;
    }

    /** Largest accepted request body (default 1 MiB); larger ones get 413. */
    public Builder maxBodyBytes(long n) {
      if (n < 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
      }
      this.maxBodyBytes = n;
      return this;
    }

    /** Append requests admitted but not yet durable (default 1024); beyond it: 429. */
    public Builder queueCapacity(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("queueCapacity must be >= 1");
      }
      this.queueCapacity = n;
      return this;
    }

    /** How long {@link LedgerServer#stop} waits for in-flight requests (default 30 s). */
    public Builder drainMillis(long ms) {
      this.drainMillis = ms;
      return this;
    }

    public LedgerServer build() throws IOException, GeneralSecurityException {
      return new LedgerServer(this);
    }
  }
}
