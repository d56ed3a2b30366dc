package dev.lineageledger.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.RecordKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lookups of the records a store has committed but not yet indexed (docs/FORMAT.md §7):
 * records {@code [from, to)}, held in memory so that they are visible to references, queries
 * and lineage the moment they are durable. Bounded by the index lag the writer allows (the
 * index catches up in batches of {@link LedgerStore#INDEX_BATCH}); rebuilt from the log
 * when a process opens a ledger or another process appended.
 *
 * <p>Readers pass the bounds of their snapshot ({@code w}: its indexed size, {@code n}: its
 * size), so a lookup never sees a record outside it. Thread-safe.
 */
public final class UnindexedTail {
  /** What the index holds of one record. */
  public record Entry(long seq, Hash leaf, String kind, String name, String version, String time,
      List<Edge> edges) {
    static Entry of(LedgerStore.LogEntry e) {
      return new Entry(e.seq(), e.leaf(), e.kind(), e.name(), e.version(), e.time(), e.edges());
    }

    /** From a stored row: columns as stored (verification checks them), edges from the bytes. */
    static Entry of(LedgerStore.LogRow r) {
      byte[] h = r.leafHash();
      Hash leaf = h != null && h.length == Hash.SIZE ? Hash.of(h) : Hash.of(new byte[Hash.SIZE]);
      return new Entry(r.seq(), leaf, r.kind(), r.name(), r.version(), r.time(), edgesOf(r));
    }
  }

  /** Loads log rows {@code [from, to)} for {@link #cover}. */
  @FunctionalInterface
  public interface Loader {
    void load(long from, long to, LedgerStore.RowVisitor v) throws LedgerException;
  }

  /** entries.get(head + i) is record from + i; the prefix before head was dropped. */
  private final ArrayList<Entry> entries = new ArrayList<>();
  private int head;
  private final Map<Hash, Long> byHash = new HashMap<>();
  /** kind NUL name, and kind NUL name NUL version: the seqs holding it, ascending. */
  private final Map<String, List<Long>> byName = new HashMap<>();
  private final Map<Long, List<Edge>> bySrc = new HashMap<>();
  private final Map<Long, List<Edge>> byDst = new HashMap<>();
  private long from;
  private long to;

  /**
   * Makes sure {@code [w, n)} is held, loading what is missing from the log through {@code
   * loader} (the caller's snapshot). A reader whose snapshot predates the last index catch-up
   * (w below what is held) resets the tail to its own view; the next newer reader extends it.
   */
  public synchronized void cover(long w, long n, Loader loader) throws LedgerException {
    if (w < from || w > to) {
      clear(w);
    }
    if (to < n) {
      long start = to;
      List<Entry> loaded = new ArrayList<>();
      loader.load(start, n, row -> loaded.add(Entry.of(row)));
      for (Entry e : loaded) {
        if (e.seq() != to) {
          break; // a gap in the log: verification reports it; lookups stop before it
        }
        add(e);
      }
    }
  }

  /** After a commit: the writer's own records, so nobody re-reads them from the log. */
  public synchronized void appendCommitted(List<LedgerStore.LogEntry> committed) {
    if (committed.isEmpty() || committed.get(0).seq() != to) {
      return; // not contiguous with what is held: the next reader loads from the log
    }
    for (LedgerStore.LogEntry e : committed) {
      add(Entry.of(e));
    }
  }

  /** After an index catch-up: records below {@code w} are in the index now. */
  public synchronized void dropBelow(long w) {
    if (w >= to) {
      clear(w); // the usual case: the catch-up indexed all that is held
      return;
    }
    while (head < entries.size() && entries.get(head).seq() < w) {
      remove(entries.get(head));
      entries.set(head++, null);
      from++;
    }
    if (head > 4096 && head * 2 > entries.size()) {
      entries.subList(0, head).clear();
      head = 0;
    }
    if (from < w) {
      clear(w);
    }
  }

  /** Entries {@code [lo, hi)} held now (for the indexer); may be fewer if not held. */
  public synchronized List<Entry> slice(long lo, long hi) {
    List<Entry> out = new ArrayList<>();
    if (lo < from) {
      return out;
    }
    for (long s = lo; s < Math.min(hi, to); s++) {
      out.add(entries.get(head + (int) (s - from)));
    }
    return out;
  }

  public synchronized Entry bySeq(long seq, long w, long n) {
    if (seq < Math.max(w, from) || seq >= Math.min(n, to)) {
      return null;
    }
    return entries.get(head + (int) (seq - from));
  }

  public synchronized Entry byHash(Hash h, long w, long n) {
    Long s = byHash.get(h);
    return s == null ? null : bySeq(s, w, n);
  }

  /** The first (or with {@code latest}, the last) seq in [w, n) holding the name key, or -1. */
  public synchronized long byName(String key, boolean latest, long w, long n) {
    List<Long> l = byName.get(key);
    long found = -1;
    if (l != null) {
      for (long s : l) {
        if (s >= w && s < n) {
          found = s;
          if (!latest) {
            break;
          }
        }
      }
    }
    return found;
  }

  /** Edges of records in [w, min(n, before)) leaving ({@code !upstream}) or entering {@code node}. */
  public synchronized List<Edge> edges(long node, boolean upstream, long w, long n, long before) {
    List<Edge> l = (upstream ? byDst : bySrc).get(node);
    if (l == null) {
      return List.of();
    }
    List<Edge> out = new ArrayList<>();
    long end = Math.min(n, before);
    for (Edge e : l) {
      if (e.recordSeq() >= w && e.recordSeq() < end) {
        out.add(e);
      }
    }
    return out;
  }

  /** Entries in [max(w, lo), n), in order, at most {@code limit}, matching {@code filter}. */
  public synchronized List<Entry> scan(long lo, long w, long n, int limit,
      java.util.function.Predicate<Entry> filter) {
    List<Entry> out = new ArrayList<>();
    for (long s = Math.max(Math.max(lo, w), from); s < Math.min(n, to) && out.size() < limit; s++) {
      Entry e = entries.get(head + (int) (s - from));
      if (filter.test(e)) {
        out.add(e);
      }
    }
    return out;
  }

  private void clear(long at) {
    entries.clear();
    head = 0;
    byHash.clear();
    byName.clear();
    bySrc.clear();
    byDst.clear();
    from = at;
    to = at;
  }

  private void add(Entry e) {
    entries.add(e);
    to = e.seq() + 1;
    byHash.putIfAbsent(e.leaf(), e.seq());
    if (e.name() != null) {
      byName.computeIfAbsent(e.kind() + '\0' + e.name(), k -> new ArrayList<>(1)).add(e.seq());
      if (e.version() != null) {
        byName.computeIfAbsent(e.kind() + '\0' + e.name() + '\0' + e.version(),
            k -> new ArrayList<>(1)).add(e.seq());
      }
    }
    for (Edge x : e.edges()) {
      bySrc.computeIfAbsent(x.src(), k -> new ArrayList<>(2)).add(x);
      byDst.computeIfAbsent(x.dst(), k -> new ArrayList<>(2)).add(x);
    }
  }

  private void remove(Entry e) {
    byHash.remove(e.leaf(), e.seq());
    if (e.name() != null) {
      removeSeq(e.kind() + '\0' + e.name(), e.seq());
      if (e.version() != null) {
        removeSeq(e.kind() + '\0' + e.name() + '\0' + e.version(), e.seq());
      }
    }
    for (Edge x : e.edges()) {
      removeEdge(bySrc, x.src(), x);
      removeEdge(byDst, x.dst(), x);
    }
  }

  private void removeSeq(String key, long seq) {
    List<Long> l = byName.get(key);
    if (l != null) {
      l.remove(Long.valueOf(seq));
      if (l.isEmpty()) {
        byName.remove(key);
      }
    }
  }

  private static void removeEdge(Map<Long, List<Edge>> m, long node, Edge x) {
    List<Edge> l = m.get(node);
    if (l != null) {
      l.remove(x);
      if (l.isEmpty()) {
        m.remove(node);
      }
    }
  }

  /**
   * The lineage edges a stored record's references declare (docs/FORMAT.md §3.2): its
   * references are resolved {@code {"hash","seq"}} objects inside the signed bytes. Unreadable
   * bytes declare none (verification reports the record).
   */
  public static List<Edge> edgesOf(LedgerStore.LogRow r) {
    if (r.body() == null || r.kind() == null) {
      return List.of();
    }
    try {
      JsonNode n = CanonicalJson.parse(r.body());
      JsonNode body = n.get("body");
      if (!(body instanceof ObjectNode ob)) {
        return List.of();
      }
      List<Edge> out = new ArrayList<>();
      for (RecordSchema.RefSlot slot : RecordSchema.validate(RecordKind.of(r.kind()), ob.deepCopy())) {
        JsonNode s = slot.given().get("seq");
        if (s != null && s.canConvertToLong()) {
          out.add(Edge.of(r.seq(), slot, s.asLong()));
        }
      }
      return out;
    } catch (LedgerException | RuntimeException e) {
      return List.of();
    }
  }
}
