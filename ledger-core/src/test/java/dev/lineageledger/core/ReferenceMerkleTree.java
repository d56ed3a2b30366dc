package dev.lineageledger.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test oracle: MTH, PATH and PROOF written as the recursive definitions of RFC 9162 §2.1.1,
 * §2.1.3.1 and §2.1.4.1, over a fixed list of leaf hashes. Deliberately naive except that MTH of
 * a range is memoised, which keeps all-index and all-pairs checks affordable.
 */
public final class ReferenceMerkleTree {
  private final List<Hash> leaves;
  private final Map<Long, Hash> memo = new HashMap<>();

  public ReferenceMerkleTree(List<Hash> leafHashes) {
    this.leaves = List.copyOf(leafHashes);
  }

  /** A tree of {@code n} leaves with data "leaf-0", "leaf-1", ... salted by {@code seed}. */
  public static ReferenceMerkleTree ofSize(int n, long seed) {
    List<Hash> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      l.add(MerkleTree.leafHash(("leaf-" + seed + "-" + i).getBytes(StandardCharsets.UTF_8)));
    }
    return new ReferenceMerkleTree(l);
  }

  public int size() {
    return leaves.size();
  }

  public Hash leaf(int i) {
    return leaves.get(i);
  }

  public List<Hash> leaves() {
    return leaves;
  }

  /** MTH(D[0:n]). */
  public Hash root(int n) {
    return mth(0, n);
  }

  /** MTH(D[lo:hi]), RFC 9162 §2.1.1. */
  public Hash mth(int lo, int hi) {
    int n = hi - lo;
    if (n == 0) {
      return MerkleTree.emptyRoot();
    }
    if (n == 1) {
      return leaves.get(lo);
    }
    long key = ((long) lo << 32) | hi;
    Hash cached = memo.get(key);
    if (cached != null) {
      return cached;
    }
    int k = largestPowerOfTwoBelow(n);
    Hash h = MerkleTree.nodeHash(mth(lo, lo + k), mth(lo + k, hi));
    memo.put(key, h);
    return h;
  }

  /** PATH(m, D[0:n]), RFC 9162 §2.1.3.1. */
  public List<Hash> path(int m, int n) {
    return path(m, 0, n);
  }

  private List<Hash> path(int m, int lo, int hi) {
    int n = hi - lo;
    if (n == 1) {
      return new ArrayList<>();
    }
    int k = largestPowerOfTwoBelow(n);
    List<Hash> out;
    if (m < k) {
      out = path(m, lo, lo + k);
      out.add(mth(lo + k, hi));
    } else {
      out = path(m - k, lo + k, hi);
      out.add(mth(lo, lo + k));
    }
    return out;
  }

  /**
   * PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true), RFC 9162 §2.1.4.1, which defines it for
   * 0 < m <= n. For m = 0 this returns the empty proof, the convention of {@link ConsistencyProof}.
   */
  public List<Hash> proof(int m, int n) {
    if (m == 0) {
      return new ArrayList<>();
    }
    return subproof(m, 0, n, true);
  }

  private List<Hash> subproof(int m, int lo, int hi, boolean b) {
    int n = hi - lo;
    if (m == n) {
      List<Hash> out = new ArrayList<>();
      if (!b) {
        out.add(mth(lo, hi));
      }
      return out;
    }
    int k = largestPowerOfTwoBelow(n);
    List<Hash> out;
    if (m <= k) {
      out = subproof(m, lo, lo + k, b);
      out.add(mth(lo + k, hi));
    } else {
      out = subproof(m - k, lo + k, hi, false);
      out.add(mth(lo, lo + k));
    }
    return out;
  }

  private static int largestPowerOfTwoBelow(int n) {
    int k = 1;
    while (k << 1 < n) {
      k <<= 1;
    }
    return k;
  }
}
