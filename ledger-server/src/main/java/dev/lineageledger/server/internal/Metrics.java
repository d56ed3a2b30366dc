package dev.lineageledger.server.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/** Counters and one histogram, rendered in the Prometheus text exposition format 0.0.4. */
public final class Metrics {
  private static final double[] BUCKETS = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final LongAdder appendedRecords = new LongAdder();
  private final Map<String, LongAdder> appendRequests = new ConcurrentHashMap<>();
  private final LongAdder[] latencyBuckets = new LongAdder[BUCKETS.length];
  private final LongAdder latencyCount = new LongAdder();
  private final java.util.concurrent.atomic.DoubleAdder latencySum =
      new java.util.concurrent.atomic.DoubleAdder();
  private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
  private final LongSupplier queueDepth;
  private final DoubleSupplier checkpointAge;

  public Metrics(LongSupplier queueDepth, DoubleSupplier checkpointAgeSeconds) {
    this.queueDepth = queueDepth;
    this.checkpointAge = checkpointAgeSeconds;
    for (int i = 0; i < BUCKETS.length; i++) {
      latencyBuckets[i] = new LongAdder();
    }
  }

  /** A durable append of {@code records} records through {@code api} (native or openlineage). */
  public void appended(String api, int records, long nanos) {
    appendedRecords.add(records);
    appendRequests.computeIfAbsent(api, k -> new LongAdder()).increment();
    double s = nanos / 1e9;
    for (int i = 0; i < BUCKETS.length; i++) {
      if (s <= BUCKETS[i]) {
        latencyBuckets[i].increment();
      }
    }
    latencyCount.increment();
    latencySum.add(s);
  }

  public void rejected(String reason) {
    rejected.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  public long rejectedCount(String reason) {
    LongAdder a = rejected.get(reason);
    return a == null ? 0 : a.sum();
  }

  public String render() {
    StringBuilder b = new StringBuilder();
    b.append("# HELP ledger_appended_records_total Records durably appended.\n")
        .append("# TYPE ledger_appended_records_total counter\n")
        .append("ledger_appended_records_total ").append(appendedRecords.sum()).append('\n');
    b.append("# HELP ledger_append_requests_total Append requests acknowledged, by API.\n")
        .append("# TYPE ledger_append_requests_total counter\n");
    new TreeMap<>(appendRequests).forEach((k, v) ->
        b.append("ledger_append_requests_total{api=\"").append(k).append("\"} ").append(v.sum()).append('\n'));
    b.append("# HELP ledger_append_latency_seconds Time from request admission to durable acknowledgement.\n")
        .append("# TYPE ledger_append_latency_seconds histogram\n");
    for (int i = 0; i < BUCKETS.length; i++) {
      b.append("ledger_append_latency_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ")
          .append(latencyBuckets[i].sum()).append('\n');
    }
    long count = latencyCount.sum();
    b.append("ledger_append_latency_seconds_bucket{le=\"+Inf\"} ").append(count).append('\n')
        .append("ledger_append_latency_seconds_sum ").append(latencySum.sum()).append('\n')
        .append("ledger_append_latency_seconds_count ").append(count).append('\n');
    b.append("# HELP ledger_queue_depth Append requests admitted and not yet durable.\n")
        .append("# TYPE ledger_queue_depth gauge\n")
        .append("ledger_queue_depth ").append(queueDepth.getAsLong()).append('\n');
    double age = checkpointAge.getAsDouble();
    b.append("# HELP ledger_checkpoint_age_seconds Seconds since the latest stored checkpoint was signed (NaN: none yet).\n")
        .append("# TYPE ledger_checkpoint_age_seconds gauge\n")
        .append("ledger_checkpoint_age_seconds ").append(Double.isNaN(age) ? "NaN" : String.valueOf(age)).append('\n');
    b.append("# HELP ledger_rejected_requests_total Requests refused, by reason.\n")
        .append("# TYPE ledger_rejected_requests_total counter\n");
    new TreeMap<>(rejected).forEach((k, v) ->
        b.append("ledger_rejected_requests_total{reason=\"").append(k).append("\"} ").append(v.sum()).append('\n'));
    return b.toString();
  }
}
