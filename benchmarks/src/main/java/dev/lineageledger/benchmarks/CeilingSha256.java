package dev.lineageledger.benchmarks;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Raw ceiling: the JDK's SHA-256 over one stored record's canonical bytes with the RFC 9162 leaf
 * prefix, as the ledger computes every leaf hash. Records/s on one thread and on every core
 * (each thread with its own digest and records: {@code Scope.Thread}).
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class CeilingSha256 {
  private List<byte[]> records;
  private MessageDigest sha256;
  private int next;

  @Setup
  public void setup() throws NoSuchAlgorithmException {
    records = StoredSample.measure().canonicalRecords();
    sha256 = MessageDigest.getInstance("SHA-256");
  }

  @Benchmark
  public byte[] leafHash() {
    return hash();
  }

  @Benchmark
  @Threads(Threads.MAX)
  public byte[] leafHashAllCores() {
    return hash();
  }

  private byte[] hash() {
    byte[] r = records.get(next++ & (StoredSample.COUNT - 1));
    sha256.update((byte) 0x00);
    sha256.update(r);
    return sha256.digest();
  }
}
