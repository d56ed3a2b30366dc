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
}
