package dev.lineageledger.benchmarks;

import dev.lineageledger.core.MerkleTree;
import dev.lineageledger.core.internal.Envelope;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Raw ceilings: BouncyCastle's RFC 8032 Ed25519 sign and verify, called directly, over exactly
 * the messages the ledger signs per record (the domain-separated message of docs/FORMAT.md, with
 * the leaf hash of a sample record). Verify uses a pre-decoded public point, as {@code
 * VerifierKey} does. Signatures/s on one thread and on every core.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CeilingEd25519 {

  /** One key and a ring of messages with their signatures, shared by all threads (read-only). */
  @State(Scope.Benchmark)
  public static class Keys {
    final byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
    final byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.PublicPoint point;
    byte[][] messages;
    byte[][] signatures;

    @Setup
    public void setup() {
      Ed25519.generatePrivateKey(new SecureRandom(), seed);
      Ed25519.generatePublicKey(seed, 0, publicKey, 0);
      point = Ed25519.validatePublicKeyFullExport(publicKey, 0);
      List<byte[]> records = StoredSample.measure().canonicalRecords();
      messages = new byte[records.size()][];
      signatures = new byte[records.size()][];
      for (int i = 0; i < records.size(); i++) {
        messages[i] = Envelope.recordSignatureMessage(SampleRecords.ORIGIN,
            MerkleTree.leafHash(records.get(i)));
        signatures[i] = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, publicKey, 0, messages[i], 0, messages[i].length, signatures[i], 0);
      }
    }
  }

  /** Each thread walks the ring on its own. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int take() {
      return next++ & (StoredSample.COUNT - 1);
    }
  }

  private static byte[] sign(Keys k, Cursor c) {
    byte[] m = k.messages[c.take()];
    byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(k.seed, 0, k.publicKey, 0, m, 0, m.length, sig, 0);
    return sig;
  }

  private static boolean verify(Keys k, Cursor c) {
    int i = c.take();
    if (!Ed25519.verify(k.signatures[i], 0, k.point, k.messages[i], 0, k.messages[i].length)) {
      throw new IllegalStateException("a valid signature failed to verify");
    }
    return true;
  }

  @Benchmark
  @Threads(1)
  public byte[] sign1Thread(Keys k, Cursor c) {
    return sign(k, c);
  }

  @Benchmark
  @Threads(Threads.MAX)
  public byte[] signAllCores(Keys k, Cursor c) {
    return sign(k, c);
  }

  @Benchmark
  @Threads(1)
  public boolean verify1Thread(Keys k, Cursor c) {
    return verify(k, c);
  }

  @Benchmark
  @Threads(Threads.MAX)
  public boolean verifyAllCores(Keys k, Cursor c) {
    return verify(k, c);
  }
}
