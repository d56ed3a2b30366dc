package dev.lineageledger.core.internal;

import java.util.Comparator;

/**
 * A lineage edge: data or authority flows from {@code src} to {@code dst}. Declared by record
 * {@code recordSeq} through the body field {@code role}. Derived from canonical bytes.
 */
public record Edge(long recordSeq, long src, long dst, String role) {
  public static final Comparator<Edge> ORDER = Comparator.comparingLong(Edge::recordSeq)
      .thenComparing(Edge::role).thenComparingLong(Edge::src).thenComparingLong(Edge::dst);

  public static Edge of(long recordSeq, RecordSchema.RefSlot slot, long targetSeq) {
    return slot.direction() == RecordSchema.EdgeDirection.TO_REF
        ? new Edge(recordSeq, recordSeq, targetSeq, slot.field())
        : new Edge(recordSeq, targetSeq, recordSeq, slot.field());
  }

  /** The lineage graph as it stood before a record: the records each record's data flows to. */
  @FunctionalInterface
  public interface Graph<X extends Exception> {
    java.util.List<Long> downstream(long node) throws X;
  }

  /**
   * docs/FORMAT.md §3.2: the lineage graph stays acyclic. A record's new edges close a cycle
   * exactly when one of the records it produced already leads (through earlier edges) to one
   * of the records it read, or is one of them. Breadth-first from the produced records over
   * {@code before}, the graph without this record's edges; the closure of a freshly written
   * output is usually empty, so this costs next to nothing for well-formed pipelines.
   * Returns the problem, or null.
   */
  public static <X extends Exception> String cycle(long recordSeq, java.util.List<Edge> edges,
      Graph<X> before) throws X {
    java.util.Set<Long> in = new java.util.HashSet<>();
    java.util.ArrayDeque<Long> queue = new java.util.ArrayDeque<>();
    java.util.Map<Long, Long> via = new java.util.HashMap<>(); // node -> the output it came from
    for (Edge e : edges) {
      if (e.dst() == recordSeq) {
        in.add(e.src());
      }
    }
    for (Edge e : edges) {
      if (e.src() == recordSeq && via.putIfAbsent(e.dst(), e.dst()) == null) {
        queue.add(e.dst());
      }
    }
    if (in.isEmpty()) {
      return null;
    }
    while (!queue.isEmpty()) {
      long n = queue.poll();
      if (in.contains(n)) {
        long out = via.get(n);
        return out == n
            ? "record " + n + " is named both as an input and as an output: a lineage cycle"
            : "output record " + out + " already leads to input record " + n
                + " in the lineage graph: a lineage cycle";
      }
      for (long d : before.downstream(n)) {
        if (via.putIfAbsent(d, via.get(n)) == null) {
          queue.add(d);
        }
      }
    }
    return null;
  }
}
