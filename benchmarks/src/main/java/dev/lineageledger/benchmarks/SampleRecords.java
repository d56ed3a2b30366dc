package dev.lineageledger.benchmarks;

import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The records every benchmark writes: dataset versions whose canonical record (envelope
 * included) is about 500 bytes, the size the figures are stated for. The raw ceilings
 * use the stored bytes of these same records (see {@link StoredSample}), so both sides of every
 * ratio move the same bytes.
 */
final class SampleRecords {
  static final String ORIGIN = "bench.example/lineage-ledger";
  /** One key for the whole run; generating it per state would only add noise. */
  static final Ed25519Signer KEY = Ed25519Signer.generate(ORIGIN);

  private static final List<Map<String, String>> SCHEMA = List.of(
      Map.of("name", "transaction_id", "type", "string"),
      Map.of("name", "amount", "type", "decimal(18,2)"));

  private SampleRecords() {}

  /** Dataset version {@code i}: distinct name and version, so the ledger's indexes see real keys. */
  static RecordDraft dataset(int i) {
    try {
      return RecordDraft.builder(RecordKind.DATASET, "ingest@fraud")
          .put("name", "fraud/transactions-" + (i % 64))
          .put("version", "v" + i)
          .put("uri", "s3://lake/fraud/transactions/part-" + i + ".parquet")
          .put("digest", "sha256:" + String.format("%064x", 0x5eed0000L + i))
          .put("rowCount", 1_000_000 + i)
          .put("classifications", List.of("PII"))
          .put("schema", Map.of("fields", SCHEMA))
          .build();
    } catch (InvalidRecordException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code n} distinct dataset drafts, versions {@code 0..n-1}. */
  static List<RecordDraft> datasets(int n) {
    return datasets(0, n);
  }

  /** {@code n} distinct dataset drafts, versions {@code from..from+n-1}. */
  static List<RecordDraft> datasets(int from, int n) {
    List<RecordDraft> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(dataset(from + i));
    }
    return List.copyOf(out);
  }

  private static final java.util.concurrent.atomic.AtomicInteger NEXT =
      new java.util.concurrent.atomic.AtomicInteger(1 << 24);

  /**
   * A dataset version never appended before in this JVM. A recorded version is immutable
   * (docs/FORMAT.md §3.5): appending the same draft again returns its first receipt and writes
   * nothing, so benchmarks that measure appends must not cycle through a fixed pool. Building
   * the draft (a few microseconds) is part of every caller's append, so it is measured too.
   */
  static RecordDraft next() {
    return dataset(NEXT.getAndIncrement());
  }

  /** {@code n} drafts from {@link #next()}. */
  static List<RecordDraft> next(int n) {
    List<RecordDraft> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  /** Unchecked wrapper for setup code, where a ledger failure should abort the benchmark. */
  static IllegalStateException fail(LedgerException e) {
    return new IllegalStateException(e.getMessage(), e);
  }
}
