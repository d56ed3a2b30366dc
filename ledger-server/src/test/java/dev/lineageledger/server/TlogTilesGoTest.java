package dev.lineageledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An auditor with an independent implementation: Go's golang.org/x/mod/sumdb/tlog reads the
 * served C2SP tlog-tiles through its TileHashReader (which checks each tile against the signed
 * checkpoint's root), recomputes the tree hash from tiles alone, and proves records' inclusion
 * with ProveRecord/CheckRecord over the bytes in the entry bundles
 * ({@code src/test/resources/tiles/tiles.go}).
 *
 * <p>Needs {@code go} and golang-golang-x-mod-dev (GOPATH /usr/share/gocode, or
 * LEDGER_INTEROP_GOPATH), offline; skipped without them unless LEDGER_REQUIRE_INTEROP=1.
 */
class TlogTilesGoTest {
  private static final String GOPATH =
      System.getenv().getOrDefault("LEDGER_INTEROP_GOPATH", "/usr/share/gocode");
  @TempDir static Path work;
  @TempDir Path dir;
  private static Path harness;

  record Result(int exit, String stdout, String stderr) {}

  @BeforeAll
  static void build() throws Exception {
    Path go = onPath("go");
    String missing = go == null ? "go is not on the PATH"
        : !Files.isRegularFile(Path.of(GOPATH, "src/golang.org/x/mod/sumdb/tlog/tile.go"))
            ? "golang.org/x/mod/sumdb/tlog not found under " + GOPATH : null;
    if (missing != null) {
      if ("1".equals(System.getenv("LEDGER_REQUIRE_INTEROP"))) {
        fail("LEDGER_REQUIRE_INTEROP=1 but " + missing);
      }
      assumeTrue(false, missing);
    }
    Path src = work.resolve("src/tiles.go");
    Files.createDirectories(src.getParent());
    try (InputStream in = TlogTilesGoTest.class.getResourceAsStream("/tiles/tiles.go")) {
      Files.copy(in, src);
    }
    harness = work.resolve("tiles");
    Result r = exec(List.of(go.toString(), "build", "-o", harness.toString(), src.toString()));
    assertThat(r.exit()).as("go build: %s", r.stderr()).isZero();
  }

  /** Appends n records in batches through the native API. */
  private static void append(TestService s, int from, int n) throws Exception {
    for (int i = from; i < from + n; i += 100) {
      StringBuilder b = new StringBuilder("{\"records\":[");
      for (int j = i; j < Math.min(from + n, i + 100); j++) {
        if (j > i) {
          b.append(',');
        }
        b.append("{\"kind\":\"dataset\",\"body\":{\"name\":\"d").append(j)
            .append("\",\"version\":\"v1\",\"uri\":\"s3://lake/d").append(j)
            .append("\",\"digest\":\"sha256:").append(String.format("%064x", j)).append("\"}}");
      }
      var res = s.post("/v1/records", s.writerToken, b.append("]}").toString());
      assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(TestService.Backend.class)
  void goTileHashReaderProvesInclusionAgainstTheServedCheckpoint(TestService.Backend backend)
      throws Exception {
    try (TestService s = new TestService(dir, backend)) {
      // 600 records: full level-0 tiles 000 and 001, partial 002.p/88, partial level-1 000.p/2.
      append(s, 0, 600);
      s.ledger.checkpoint();
      Result r = exec(List.of(harness.toString(), s.server.url(), s.key.verifierKey().toString(),
          TestService.ORIGIN, s.readerToken, "0", "255", "256", "511", "599", "300"));
      System.out.println(r.stdout() + r.stderr());
      assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
      assertThat(r.stdout()).startsWith("OK size=600\n")
          .contains("INCLUDED 0\n", "INCLUDED 255\n", "INCLUDED 256\n", "INCLUDED 511\n",
              "INCLUDED 599\n", "INCLUDED 300\n");

      // The log grows: the same auditor against the new checkpoint (partial tiles widen).
      append(s, 600, 70);
      s.ledger.checkpoint();
      Result grown = exec(List.of(harness.toString(), s.server.url(), s.key.verifierKey().toString(),
          TestService.ORIGIN, s.readerToken, "640", "5"));
      assertThat(grown.exit()).as(grown.stdout() + grown.stderr()).isZero();
      assertThat(grown.stdout()).startsWith("OK size=670\n").contains("INCLUDED 640\n");

      // An auditor who trusts another key rejects the checkpoint.
      Result stranger = exec(List.of(harness.toString(), s.server.url(),
          dev.lineageledger.core.Ed25519Signer.generate(TestService.ORIGIN).verifierKey().toString(),
          TestService.ORIGIN, s.readerToken, "0"));
      assertThat(stranger.exit()).isEqualTo(1);
      assertThat(stranger.stdout()).startsWith("FAIL checkpoint:");

      // Entry bundles need a reader token; hash tiles do not.
      assertThat(s.getBytes("/tile/entries/000", null).statusCode()).isEqualTo(401);
      assertThat(s.getBytes("/tile/0/000", null).statusCode()).isEqualTo(200);
    }
  }

  private static Result exec(List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    Map<String, String> env = pb.environment();
    env.put("GO111MODULE", "off");
    env.put("GOPATH", GOPATH);
    env.put("GOCACHE", work.resolve("gocache").toString());
    env.put("GOPROXY", "off");
    env.put("GOFLAGS", "");
    env.put("GOTOOLCHAIN", "local");
    env.put("CGO_ENABLED", "0");
    env.remove("HTTP_PROXY");
    env.remove("http_proxy");
    env.put("NO_PROXY", "127.0.0.1");
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(cmd.get(0) + " did not finish within 120 s");
    }
    return new Result(p.exitValue(), new String(out.get(), StandardCharsets.UTF_8),
        new String(err.get(), StandardCharsets.UTF_8));
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static Path onPath(String exe) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, exe);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
