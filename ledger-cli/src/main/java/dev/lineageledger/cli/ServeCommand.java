package dev.lineageledger.cli;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.server.Authenticator;
import dev.lineageledger.server.EntraAuthenticator;
import dev.lineageledger.server.LedgerServer;
import dev.lineageledger.server.StaticTokenAuthenticator;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve the ledger over HTTP: OpenLineage ingest (POST /api/v1/lineage), native"
        + " appends and reads (/v1), and the C2SP checkpoint and tlog-tiles for auditors."
        + " Runs in the foreground; SIGTERM or Ctrl-C drains in-flight requests, signs a"
        + " checkpoint and exits 0. See docs/SERVER.md.",
    footer = {"", "Examples:",
        "  ledger serve --ledger lineage.ledger --token-file tokens.txt",
        "  ledger serve --ledger lineage.ledger --listen 0.0.0.0:8443 --tls-cert chain.pem"
            + " --tls-key key.pem --auth entra --tenant TENANT-ID --audience api://lineage-ledger"})
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerOption ledger;
  @Mixin KeyOptions keys;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
      description = "Address to listen on (default: 127.0.0.1:8080). Plain HTTP only on loopback.")
  String listen;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "PEM certificate chain, leaf first (with --tls-key).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 private key.")
  Path tlsKey;

  @Option(names = "--auth", paramLabel = "MODE",
      description = "entra (Microsoft Entra ID tokens) or token (static tokens from --token-file;"
          + " the default when --token-file is given).")
  String auth;

  @Option(names = "--tenant", paramLabel = "T", description = "Entra tenant id or domain.")
  String tenant;

  @Option(names = "--audience", paramLabel = "A",
      description = "Entra token audience: this API's application ID URI or client id.")
  String audience;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Static tokens, one 'ROLE ACTOR TOKEN' per line (mode 600).")
  Path tokenFile;

  @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "1048576",
      description = "Largest request body (default: 1 MiB).")
  long maxBody;

  @Option(names = "--queue", paramLabel = "N", defaultValue = "1024",
      description = "Append requests in flight before answering 429 (default: 1024).")
  int queue;

  @Option(names = "--durability", paramLabel = "MODE", defaultValue = "FSYNC",
      description = "FSYNC (default) or OS_BUFFERED: when an append is acknowledged.")
  Durability durability;

  @Override
  public Integer call() throws Exception {
    InetSocketAddress addr = listenAddress();
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException("--tls-cert and --tls-key go together");
    }
    Authenticator authenticator = authenticator();
    Ed25519Signer key = Writable.signingKey(ledger, keys);
    PrintWriter out = spec.commandLine().getOut();
    try (Ledger l = Writable.open(ledger, key, durability)) {
      LedgerServer.Builder b = LedgerServer.builder(l, authenticator).listen(addr);
      if (tlsCert != null) {
        b.tls(tlsCert, tlsKey);
      }
      LedgerServer server;
      try {
        server = b.maxBodyBytes(maxBody).queueCapacity(queue).build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      } catch (GeneralSecurityException e) {
        throw new UsageException("TLS: " + e.getMessage());
      }
      try {
        server.start();
      } catch (IOException e) {
        if (e.getCause() instanceof BindException || e instanceof BindException
            || String.valueOf(e.getMessage()).contains("Failed to bind")) {
          throw new IOException("cannot listen on " + listen + ": address in use or not local", e);
        }
        throw e;
      }
      CountDownLatch stop = new CountDownLatch(1);
      Signals.onTerminate(stop::countDown);
      out.println("ledger serve: " + l.origin() + " on " + server.url()
          + " (verifier key " + key.verifierKey() + ")");
      out.flush();
      stop.await();
      out.println("ledger serve: stopping: draining in-flight requests");
      out.flush();
      server.stop();
      out.println("ledger serve: stopped; checkpoint at size " + l.size());
      out.flush();
    }
    return ExitCodes.OK;
  }

  private InetSocketAddress listenAddress() throws UsageException {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      throw new UsageException("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
    }
    String host = listen.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new UsageException("--listen port must be 0..65535");
    }
    InetSocketAddress a = new InetSocketAddress(host, port);
    if (a.isUnresolved()) {
      throw new UsageException("--listen host '" + host + "' does not resolve");
    }
    return a;
  }

  private Authenticator authenticator() throws UsageException, IOException {
    String mode = auth != null ? auth : tokenFile != null ? "token" : null;
    if (mode == null) {
      throw new UsageException("choose how callers authenticate: --token-file FILE, or --auth"
          + " entra --tenant T --audience A");
    }
    switch (mode) {
      case "entra" -> {
        if (tenant == null || audience == null) {
          throw new UsageException("--auth entra needs --tenant and --audience");
        }
        if (tokenFile != null) {
          throw new UsageException("--token-file is for --auth token, not entra");
        }
        try {
          return EntraAuthenticator.forTenant(tenant, audience);
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
      }
      case "token" -> {
        if (tokenFile == null) {
          throw new UsageException("--auth token needs --token-file FILE");
        }
        try {
          return StaticTokenAuthenticator.load(tokenFile);
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
      }
      default -> throw new UsageException("--auth must be entra or token");
    }
  }

  /** SIGTERM and SIGINT end the serve loop so the process can drain and exit 0. */
  static final class Signals {
    private Signals() {}

    @SuppressWarnings("removal")
    static void onTerminate(Runnable r) {
      for (String name : new String[] {"TERM", "INT"}) {
        try {
          sun.misc.Signal.handle(new sun.misc.Signal(name), s -> r.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
          // Signal not available here (e.g. INT under some launchers): the JVM's default stays.
        }
      }
    }
  }
}
