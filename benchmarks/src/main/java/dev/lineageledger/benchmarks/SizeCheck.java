package dev.lineageledger.benchmarks;

/** Prints the sizes the benchmarks work with (run.sh copies them into RESULTS.md). */
public final class SizeCheck {
  private SizeCheck() {}

  public static void main(String[] args) {
    StoredSample s = StoredSample.measure();
    System.out.printf("canonical-record-bytes=%.0f%nstored-row-bytes=%d%n",
        s.averageCanonicalBytes(), s.storedRowBytes());
  }
}
