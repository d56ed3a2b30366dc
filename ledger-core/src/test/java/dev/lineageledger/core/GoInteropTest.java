package dev.lineageledger.core;

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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-checks notes and checkpoints with the Go reference implementation,
 * golang.org/x/mod/sumdb/note, through {@code src/test/resources/interop/interop.go}.
 *
 * <p>Needs {@code go} on the PATH and the x/mod sources in GOPATH mode (Debian:
 * golang-golang-x-mod-dev, under /usr/share/gocode; override with LEDGER_INTEROP_GOPATH). Works
 * offline: GO111MODULE=off, GOPROXY=off. Skipped when the toolchain is missing, unless
 * LEDGER_REQUIRE_INTEROP=1, in which case it fails.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GoInteropTest {
  private static final String GOPATH =
      System.getenv().getOrDefault("LEDGER_INTEROP_GOPATH", "/usr/share/gocode");
  private static final long TIMEOUT_SECONDS = 20;

  @TempDir static Path work;
  private static Path interop;

  private static final String BODY =
      "lineage.example/log\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
          + "ünïcødé extension ✓ 🙂\n";

  record Result(int exit, String stdout, String stderr) {}

  @BeforeAll
  static void buildHarness() throws Exception {
    boolean required = "1".equals(System.getenv("LEDGER_REQUIRE_INTEROP"));
    String missing = null;
    Path go = onPath("go");
    if (go == null) {
      missing = "go is not on the PATH";
    } else if (!Files.isRegularFile(
        Path.of(GOPATH, "src/golang.org/x/mod/sumdb/note/note.go"))) {
      missing = "golang.org/x/mod/sumdb/note not found under GOPATH " + GOPATH;
    }
    if (missing != null) {
      if (required) {
        fail("LEDGER_REQUIRE_INTEROP=1 but " + missing);
      }
      assumeTrue(false, missing);
    }
    Path src = work.resolve("src/interop.go");
    Files.createDirectories(src.getParent());
    try (InputStream in = GoInteropTest.class.getResourceAsStream("/interop/interop.go")) {
      Files.copy(in, src);
    }
    interop = work.resolve("interop");
    Result r = exec(List.of(go.toString(), "build", "-o", interop.toString(), src.toString()));
    assertThat(r.exit()).as("go build: %s", r.stderr()).isZero();
  }

  // ------------------------------------------------------------------ Java signs, Go verifies

  @Test
  void javaSignedNoteVerifiesInGo() throws Exception {
    Ed25519Signer fixed = TestVectors.seeded("lineage.example/log", 0x11);
    Ed25519Signer random = Ed25519Signer.generate("witness.example/w1");
    SignedNote note = SignedNote.sign(BODY, List.of(fixed, random));
    Result r = go("note-verify", vkeys(fixed, random), file("java.note", note.text()));
    report("Java-signed note, Go note.Open", r);
    assertThat(r.exit()).isZero();
    assertThat(r.stdout())
        .isEqualTo(
            "OK " + label(fixed.verifierKey()) + " " + label(random.verifierKey()) + "\n");
  }

  @Test
  void goRejectsTamperedOrUntrustedJavaNote() throws Exception {
    Ed25519Signer log = TestVectors.seeded("lineage.example/log", 0x11);
    SignedNote note = SignedNote.sign(BODY, List.of(log));
    Result tampered =
        go("note-verify", vkeys(log), file("tampered.note", note.text().replace("\n3\n", "\n4\n")));
    report("tampered Java note, Go note.Open", tampered);
    assertThat(tampered.exit()).isEqualTo(1);
    assertThat(tampered.stdout())
        .isEqualTo("FAIL invalid signature for key " + label(log.verifierKey()) + "\n");

    Ed25519Signer stranger = TestVectors.seeded("stranger.example", 0x22);
    Result untrusted = go("note-verify", vkeys(stranger), file("untrusted.note", note.text()));
    report("Java note, untrusted key, Go note.Open", untrusted);
    assertThat(untrusted.exit()).isEqualTo(1);
    assertThat(untrusted.stdout()).isEqualTo("FAIL note has no verifiable signatures\n");
  }

  // ------------------------------------------------------------------ Go signs, Java verifies

  @Test
  void goSignedNoteVerifiesInJavaAndMatchesJavaSignature() throws Exception {
    byte[] seed = new byte[32];
    for (int i = 0; i < 32; i++) {
      seed[i] = (byte) (i * 7 + 1);
    }
    Result r =
        go("note-sign", "go.example/log", HexFormat.of().formatHex(seed), file("body.txt", BODY));
    report("Go note.GenerateKey(fixed seed) + note.Sign", r);
    assertThat(r.exit()).isZero();
    String[] parts = r.stdout().split("\n", 2);
    VerifierKey goKey = VerifierKey.parse(parts[0]);
    SignedNote goNote = SignedNote.parse(parts[1]);
    assertThat(goNote.verify(List.of(goKey))).containsExactly(goKey);
    assertThat(goNote.body()).isEqualTo(BODY);

    // Same seed in Java: same vkey and, Ed25519 being deterministic, the identical note.
    Ed25519Signer ours = Ed25519Signer.fromSeed("go.example/log", seed);
    assertThat(ours.verifierKey()).isEqualTo(goKey);
    assertThat(ours.verifierKey().toString()).isEqualTo(parts[0]);
    assertThat(SignedNote.sign(BODY, List.of(ours)).text()).isEqualTo(parts[1]);
    assertThat(Checkpoint.open(parts[1], List.of(goKey), "lineage.example/log").size()).isEqualTo(3);
  }

  @Test
  void goRandomKeyNoteVerifiesInJava() throws Exception {
    Result r = go("note-sign", "go.example/random", "random", file("body.txt", BODY));
    report("Go note.GenerateKey(crypto/rand) + note.Sign", r);
    assertThat(r.exit()).isZero();
    String[] parts = r.stdout().split("\n", 2);
    VerifierKey goKey = VerifierKey.parse(parts[0]);
    assertThat(SignedNote.parse(parts[1]).verify(List.of(goKey))).containsExactly(goKey);
  }

  // ------------------------------------------------------------------ cosigning across

  @Test
  void cosigningAcrossImplementations() throws Exception {
    Ed25519Signer log = TestVectors.seeded("lineage.example/log", 0x11);
    SignedNote javaNote = SignedNote.sign(BODY, List.of(log));

    // Go cosigns a Java note; Java verifies both signatures.
    Result cosigned =
        go("note-cosign", "go.example/witness", "random", vkeys(log), file("j.note", javaNote.text()));
    report("Go note.Open + note.Sign cosigning a Java note", cosigned);
    assertThat(cosigned.exit()).isZero();
    String[] parts = cosigned.stdout().split("\n", 2);
    VerifierKey goWitness = VerifierKey.parse(parts[0]);
    assertThat(SignedNote.parse(parts[1]).verify(List.of(log.verifierKey(), goWitness)))
        .containsExactly(log.verifierKey(), goWitness);

    // Java cosigns that note; Go verifies all three.
    Ed25519Signer javaWitness = Ed25519Signer.generate("java.example/witness");
    SignedNote three = SignedNote.parse(parts[1]).withSignature(javaWitness);
    Path keys = file("three.vkeys", log.verifierKey() + "\n" + goWitness + "\n" + javaWitness.verifierKey() + "\n");
    Result r = go("note-verify", keys.toString(), file("three.note", three.text()));
    report("Java cosigning a Go-cosigned note, Go note.Open", r);
    assertThat(r.stdout())
        .isEqualTo(
            "OK "
                + label(log.verifierKey())
                + " "
                + label(goWitness)
                + " "
                + label(javaWitness.verifierKey())
                + "\n");
  }

  @Test
  void specVectorsVerifyInGo() throws Exception {
    Result r =
        go(
            "note-verify",
            file("pn.vkeys", TestVectors.resource("note/peterneumann.vkey") + TestVectors.resource("note/enochroot.vkey")),
            file("pn.note", TestVectors.note("peterneumann-enochroot")));
    report("Go note.Open on note/peterneumann-enochroot.note", r);
    assertThat(r.stdout()).isEqualTo("OK PeterNeumann+c74f20a3 EnochRoot+af0cfe78\n");
  }

  /**
   * A real ledger, checked entirely by Go: sumdb/tlog recomputes the tree root from the stored
   * canonical record bytes and checks our inclusion and consistency proofs; sumdb/note opens
   * the stored checkpoint.
   */
  @Test
  void realLedgerCheckpointRootAndProofsVerifyInGo() throws Exception {
    TestLedgers t = TestLedgers.keys();
    Path file = work.resolve("go-" + System.nanoTime() + ".ledger");
    try (Ledger l = t.create(file, SigningMode.PER_RECORD)) {
      for (int i = 0; i < 3; i++) {
        TestLedgers.pipeline(l, i);
      }
      StoredCheckpoint old = l.checkpoint();
      TestLedgers.pipeline(l, 7);
      l.append(TestLedgers.dataset("odd", "1", 99));
      StoredCheckpoint cp = l.checkpoint();

      Result note = go("note-verify", file("ledger.vkeys", t.key.verifierKey() + "\n"),
          file("ledger.note", cp.noteText()));
      assertThat(note.stdout()).as(note.toString()).isEqualTo("OK " + label(t.key.verifierKey()) + "\n");

      StringBuilder records = new StringBuilder();
      for (long i = 0; i < cp.size(); i++) {
        records.append(java.util.Base64.getEncoder().encodeToString(
            l.record(i).orElseThrow().canonicalBytes())).append('\n');
      }
      Result root = go("tlog-root", file("records.b64", records.toString()));
      assertThat(root.stdout().strip()).as(root.toString()).isEqualTo(cp.root().base64());

      for (long i : new long[] {0, 1, 5, cp.size() / 2, cp.size() - 2, cp.size() - 1}) {
        InclusionProof p = l.proveInclusion(i, cp.size());
        List<Object> args = new ArrayList<>(List.of("tlog-inclusion", i, cp.size(),
            l.record(i).orElseThrow().leafHash().base64(), cp.root().base64()));
        p.path().forEach(h -> args.add(h.base64()));
        Result r = go(args.toArray());
        assertThat(r.stdout()).as("inclusion of %d: %s", i, r).isEqualTo("OK\n");
        args.set(1, i == 0 ? 1 : i - 1); // wrong index: Go must refuse it too
        assertThat(go(args.toArray()).exit()).isEqualTo(1);
      }
      for (long m : new long[] {1, 2, old.size(), cp.size() - 1}) {
        ConsistencyProof c = l.proveConsistency(m, cp.size());
        List<Object> args = new ArrayList<>(List.of("tlog-consistency", m, l.root(m).base64(),
            cp.size(), cp.root().base64()));
        c.path().forEach(h -> args.add(h.base64()));
        Result r = go(args.toArray());
        assertThat(r.stdout()).as("consistency %d -> %d: %s", m, cp.size(), r).isEqualTo("OK\n");
        args.set(2, cp.root().base64()); // wrong old root
        assertThat(go(args.toArray()).exit()).isEqualTo(1);
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private static String label(VerifierKey k) {
    return k.name() + "+" + k.keyId();
  }

  private static String vkeys(Signer... signers) throws IOException {
    StringBuilder b = new StringBuilder();
    for (Signer s : signers) {
      b.append(s.verifierKey()).append('\n');
    }
    return file("keys-" + Integer.toHexString(b.toString().hashCode()) + ".vkeys", b.toString()).toString();
  }

  private static Path file(String name, String content) throws IOException {
    Path f = work.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  private static void report(String what, Result r) {
    System.out.println("== " + what + " (exit " + r.exit() + ")\n" + r.stdout() + r.stderr());
  }

  private static Result go(Object... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(interop.toString());
    for (Object a : args) {
      cmd.add(a.toString());
    }
    return exec(cmd);
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
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(cmd.get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
    }
    return new Result(
        p.exitValue(),
        new String(out.get(), StandardCharsets.UTF_8),
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
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, exe);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
