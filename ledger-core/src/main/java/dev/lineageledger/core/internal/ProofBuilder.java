package dev.lineageledger.core.internal;

import dev.lineageledger.core.ConsistencyProof;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.InclusionProof;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.MerkleTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Builds RFC 9162 roots, inclusion proofs and consistency proofs from stored perfect-subtree
 * hashes, reading O(log n) of them per call.
 *
 * <p>Every node a proof needs is MTH of some leaf range [lo, hi). In the recursions of RFC 9162
 * §2.1.3.1 (PATH) and §2.1.4.1 (SUBPROOF) such a range is either perfect (one read) or the right
 * part [lo + k, n) of the range being split, which hashes as the fold of its perfect decomposition
 * (one read per one bit of its size, see {@link #hashRange}). Once the recursion descends into a
 * left part it stays inside a perfect subtree, so at most one non-perfect range is hashed per
 * proof. Bounds, with {@code L = ceil(log2(n))} for tree size n:
 *
 * <ul>
 *   <li>{@link #root}: {@code Long.bitCount(n) <= L + 1} reads;
 *   <li>{@link #inclusion}: at most {@code 2L} reads;
 *   <li>{@link #consistency}: at most {@code 2L + 1} reads.
 * </ul>
 *
 * <p>Stateless apart from the source; thread-safe if the source is.
 */
public final class ProofBuilder {
  private final SubtreeSource source;

  public ProofBuilder(SubtreeSource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /** RFC 9162 §2.1.1 MTH(D[0:size]); {@link MerkleTree#emptyRoot()} for size 0. */
  public Hash root(long size) throws LedgerException {
    if (size < 0) {
      throw new IllegalArgumentException("tree size " + size + " is negative");
    }
    return hashRange(0, size, source);
  }

  /**
   * RFC 9162 §2.1.3.1 PATH(leafIndex, D[treeSize]).
   *
   * @throws IllegalArgumentException unless {@code 0 <= leafIndex < treeSize}
   * @throws LedgerException if the source fails
   */
  public InclusionProof inclusion(long leafIndex, long treeSize) throws LedgerException {
    if (leafIndex < 0 || leafIndex >= treeSize) {
      throw new IllegalArgumentException(
          "need 0 <= leaf index < tree size, got " + leafIndex + " and " + treeSize);
    }
    // PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])     if m < k
    //               = PATH(m - k, D[k:n]) : MTH(D[0:k]) otherwise
    // Walk top-down over absolute ranges [lo, hi), collecting the appended MTH values; the RFC
    // order (leaf level first) is the reverse.
    List<Hash> path = new ArrayList<>(InclusionProof.expectedPathLength(leafIndex, treeSize));
    long lo = 0;
    long hi = treeSize;
    while (hi - lo > 1) {
      long k = MerkleTree.largestPowerOfTwoLessThan(hi - lo);
      if (leafIndex < lo + k) {
        path.add(hashRange(lo + k, hi, source));
        hi = lo + k;
      } else {
        path.add(perfect(lo, k));
        lo += k;
      }
    }
    Collections.reverse(path);
    return new InclusionProof(leafIndex, treeSize, path);
  }

  /**
   * RFC 9162 §2.1.4.1 PROOF(oldSize, D[newSize]); empty when {@code oldSize} is 0 or equals
   * {@code newSize} (see {@link ConsistencyProof}).
   *
   * @throws IllegalArgumentException unless {@code 0 <= oldSize <= newSize}
   * @throws LedgerException if the source fails
   */
  public ConsistencyProof consistency(long oldSize, long newSize) throws LedgerException {
    if (oldSize < 0 || oldSize > newSize) {
      throw new IllegalArgumentException(
          "need 0 <= old size <= new size, got " + oldSize + " and " + newSize);
    }
    if (oldSize == 0 || oldSize == newSize) {
      return new ConsistencyProof(oldSize, newSize, List.of());
    }
    // SUBPROOF(m, D[n], b) = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])              if m <= k
    //                      = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])      otherwise
    // SUBPROOF(m, D[m], true) = {}, SUBPROOF(m, D[m], false) = {MTH(D[m])}.
    // Walk top-down over absolute ranges [lo, hi) with the old tree ending at oldSize; the RFC
    // order is the reverse of the collection order.
    List<Hash> path = new ArrayList<>(ConsistencyProof.expectedProofLength(oldSize, newSize));
    long lo = 0;
    long hi = newSize;
    boolean b = true;
    while (hi != oldSize) {
      long k = MerkleTree.largestPowerOfTwoLessThan(hi - lo);
      if (oldSize - lo <= k) {
        path.add(hashRange(lo + k, hi, source));
        hi = lo + k;
      } else {
        path.add(perfect(lo, k));
        lo += k;
        b = false;
      }
    }
    if (!b) {
      // [lo, oldSize) is a left part reached after a right step, hence perfect: one read.
      path.add(hashRange(lo, hi, source));
    }
    Collections.reverse(path);
    return new ConsistencyProof(oldSize, newSize, path);
  }

  /**
   * MTH(D[lo:hi]) from stored perfect subtrees, reading one per one bit of {@code hi - lo}.
   *
   * <p>RFC 9162 §2.1.1 splits a non-perfect range at its largest perfect prefix, so the hash is
   * the range's perfect decomposition (largest first) folded from the right. The pieces are
   * stored subtrees only if {@code lo} is a multiple of the largest piece, which holds for every
   * range the proof recursions produce.
   *
   * @throws IllegalArgumentException unless {@code 0 <= lo <= hi} and {@code lo} is a multiple of
   *     {@code Long.highestOneBit(hi - lo)}
   * @throws LedgerException if the source fails
   */
  public static Hash hashRange(long lo, long hi, SubtreeSource source) throws LedgerException {
    Objects.requireNonNull(source, "source");
    if (lo < 0 || hi < lo) {
      throw new IllegalArgumentException("need 0 <= lo <= hi, got [" + lo + ", " + hi + ")");
    }
    long n = hi - lo;
    if (n == 0) {
      return MerkleTree.emptyRoot();
    }
    if ((lo & (Long.highestOneBit(n) - 1)) != 0) {
      throw new IllegalArgumentException(
          "range [" + lo + ", " + hi + ") does not start on a boundary of its largest perfect"
              + " subtree");
    }
    Hash[] pieces = new Hash[Long.bitCount(n)];
    int count = 0;
    long start = lo;
    for (int level = 62; level >= 0; level--) {
      if ((n & (1L << level)) != 0) {
        pieces[count++] = read(source, level, start >>> level);
        start += 1L << level;
      }
    }
    Hash h = pieces[count - 1];
    for (int j = count - 2; j >= 0; j--) {
      h = MerkleTree.nodeHash(pieces[j], h);
    }
    return h;
  }

  private Hash perfect(long lo, long size) throws LedgerException {
    int level = Long.numberOfTrailingZeros(size);
    return read(source, level, lo >>> level);
  }

  private static Hash read(SubtreeSource source, int level, long index) throws LedgerException {
    Hash h = source.subtree(level, index);
    if (h == null) {
      throw new IllegalStateException(
          "subtree source returned null for level " + level + ", index " + index);
    }
    return h;
  }
}
