package dev.lineageledger.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The right edge of a growing Merkle tree over leaves [0, size): just enough state to append
 * leaves and compute the RFC 9162 §2.1.1 root, in O(log size) space.
 *
 * <p>Any size decomposes uniquely into perfect subtrees, one per one bit of {@code size}, largest
 * (leftmost) first: size 13 = 8 + 4 + 1 is the subtrees over leaves [0,8), [8,12) and [12,13).
 * This class keeps the root hash of each of them. The tree root is these roots folded from the
 * right: MTH = HASH(0x01 || r0 || HASH(0x01 || r1 || ... r_last)), because in RFC 9162 §2.1.1 the
 * split point k of a non-perfect tree is always the size of its largest perfect subtree.
 *
 * <p><b>Not thread-safe.</b> Instances are mutable; confine each to one thread or guard it
 * externally. {@link #perfectSubtreeRoots()} and {@link #of(long, List)} persist and restore the
 * state.
 */
public final class CompactRange {
  /** Sizes are non-negative longs, below 2^63: at most 63 perfect subtrees, of levels 0..62. */
  private static final int MAX_COUNT = 63;

  private static final int MAX_LEVEL = 62;
  private static final Hash[] NONE = new Hash[0];

  /**
   * A perfect subtree of a Merkle tree: the {@code 2^level} leaves starting at {@code index *
   * 2^level}. Level 0 is a single leaf.
   */
  public record PerfectSubtree(int level, long index) {
    public PerfectSubtree {
      if (level < 0 || level > MAX_LEVEL) {
        throw new IllegalArgumentException("level " + level + " outside [0, " + MAX_LEVEL + "]");
      }
      if (index < 0 || (level > 0 && index > (Long.MAX_VALUE >>> level))) {
        throw new IllegalArgumentException(
            "index " + index + " at level " + level + " lies beyond leaf 2^63");
      }
    }

    /** Index of the first leaf covered. */
    public long firstLeaf() {
      return index << level;
    }

    /** Number of leaves covered, {@code 2^level}. */
    public long leafCount() {
      return 1L << level;
    }
  }

  private final Hash[] roots = new Hash[MAX_COUNT];
  private int count;
  private long size;

  /** An empty range, size 0. */
  public CompactRange() {}

  /**
   * Restores a range from the roots {@link #perfectSubtreeRoots()} returned for {@code size}.
   *
   * @throws IllegalArgumentException if {@code size} is negative or the number of roots is not
   *     {@code Long.bitCount(size)}
   */
  public static CompactRange of(long size, List<Hash> perfectSubtreeRoots) {
    if (size < 0) {
      throw new IllegalArgumentException("size " + size + " is negative");
    }
    Objects.requireNonNull(perfectSubtreeRoots, "perfectSubtreeRoots");
    if (perfectSubtreeRoots.size() != Long.bitCount(size)) {
      throw new IllegalArgumentException(
          "size " + size + " needs " + Long.bitCount(size) + " perfect subtree roots, got "
              + perfectSubtreeRoots.size());
    }
    CompactRange range = new CompactRange();
    for (Hash h : perfectSubtreeRoots) {
      range.roots[range.count++] = Objects.requireNonNull(h, "perfect subtree root");
    }
    range.size = size;
    return range;
  }

  /** Number of leaves appended so far. */
  public long size() {
    return size;
  }

  /**
   * Appends leaf {@code size()} and returns the perfect subtrees this append completed, which a
   * store must persist to later serve proofs.
   *
   * <p>Appending leaf {@code i} completes exactly the subtrees containing it whose last leaf is
   * {@code i}: heights {@code 1..t} where {@code t} is the number of trailing one bits of {@code i}.
   * The subtree of height {@code h} has index {@code i >>> h}. Example: leaf 7 (binary 111)
   * completes (1, 3) over [6,8), (2, 1) over [4,8) and (3, 0) over [0,8).
   *
   * @param leafHash the leaf's {@link MerkleTree#leafHash}
   * @return the roots of the completed subtrees, element {@code j} at height {@code j + 1}; empty
   *     (and not allocated) when {@code i} is even
   * @throws IllegalStateException if the range already holds {@code Long.MAX_VALUE} leaves
   */
  public List<Hash> append(Hash leafHash) {
    Objects.requireNonNull(leafHash, "leafHash");
    int t = Long.numberOfTrailingZeros(~size);
    if (t == 0) {
      append(leafHash, NONE);
      return List.of();
    }
    Hash[] completed = new Hash[t];
    append(leafHash, completed);
    return Collections.unmodifiableList(Arrays.asList(completed));
  }

  /**
   * Allocation-free form of {@link #append(Hash)}: writes the completed subtree roots into {@code
   * completedOut[0..t)}, height {@code j + 1} at index {@code j}, and returns {@code t}. An array of
   * 63 always suffices.
   *
   * @throws IllegalArgumentException if {@code completedOut} is shorter than {@code t}; the range
   *     is then unchanged
   * @throws IllegalStateException if the range already holds {@code Long.MAX_VALUE} leaves
   */
  public int append(Hash leafHash, Hash[] completedOut) {
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(completedOut, "completedOut");
    if (size == Long.MAX_VALUE) {
      throw new IllegalStateException("compact range is full at " + size + " leaves");
    }
    int t = Long.numberOfTrailingZeros(~size);
    if (completedOut.length < t) {
      throw new IllegalArgumentException(
          "appending leaf " + size + " completes " + t + " subtrees, output array holds "
              + completedOut.length);
    }
    // The t smallest perfect subtrees are at heights 0..t-1, smallest last; each merge with the
    // running hash forms the next height (RFC 9162 §2.1.1, perfect case k = n/2).
    Hash h = leafHash;
    for (int j = 0; j < t; j++) {
      h = MerkleTree.nodeHash(roots[--count], h);
      roots[count] = null;
      completedOut[j] = h;
    }
    roots[count++] = h;
    size++;
    return t;
  }

  /** RFC 9162 §2.1.1 MTH(D[0:size]); {@link MerkleTree#emptyRoot()} when empty. */
  public Hash root() {
    if (count == 0) {
      return MerkleTree.emptyRoot();
    }
    Hash h = roots[count - 1];
    for (int j = count - 2; j >= 0; j--) {
      h = MerkleTree.nodeHash(roots[j], h);
    }
    return h;
  }

  /**
   * The roots of the perfect subtrees of [0, size), largest first, matching {@link
   * #decomposition(long)}. {@code Long.bitCount(size())} entries; immutable.
   */
  public List<Hash> perfectSubtreeRoots() {
    return List.of(Arrays.copyOf(roots, count));
  }

  /**
   * The perfect subtrees that make up [0, size), largest first: one per one bit of {@code size}.
   * Example: 13 gives (3, 0) over [0,8), (2, 2) over [8,12), (0, 12) over [12,13).
   */
  public static List<PerfectSubtree> decomposition(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("size " + size + " is negative");
    }
    List<PerfectSubtree> out = new ArrayList<>(Long.bitCount(size));
    long start = 0;
    for (int level = MAX_LEVEL; level >= 0; level--) {
      if ((size & (1L << level)) != 0) {
        out.add(new PerfectSubtree(level, start >>> level));
        start += 1L << level;
      }
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return "CompactRange[size=" + size + ", roots=" + perfectSubtreeRoots() + "]";
  }
}
