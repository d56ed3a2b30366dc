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

  /**
   * docs/FORMAT.md §3.2: a record may not name one record both as something it read (an edge
   * into it) and as something it produced (an edge out of it): the pair would be a cycle.
   * Returns the problem, or null.
   */
  public static String cycle(long recordSeq, java.util.List<Edge> edges) {
    java.util.Set<Long> in = new java.util.HashSet<>();
    for (Edge e : edges) {
      if (e.dst() == recordSeq) {
        in.add(e.src());
      }
    }
    for (Edge e : edges) {
      if (e.src() == recordSeq && in.contains(e.dst())) {
        return "record " + e.dst() + " is named both as an input and as an output ("
            + e.role() + "): a lineage cycle";
      }
    }
    return null;
  }
}
