package dev.lineageledger.fuzz;

import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.CompactRange;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one tree every proof seed is about: {@value #SIZE} leaves {@code "fuzz record <i>"}. The fuzz
 * key signs checkpoints of its prefixes only, so a proof that verifies against a checkpoint by that
 * key must be a true statement about this tree.
 */
final class FuzzTree {
  static final int SIZE = 13;

  private static final List<Hash> LEAVES = leaves();

  private FuzzTree() {}

  private static List<Hash> leaves() {
    List<Hash> l = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      l.add(MerkleTree.leafHash(("fuzz record " + i).getBytes(StandardCharsets.UTF_8)));
    }
    return List.copyOf(l);
  }

  static Hash leaf(long index) {
    return LEAVES.get((int) index);
  }

  /** MTH(D[size]) of RFC 9162 §2.1.1. */
  static Hash root(int size) {
    CompactRange r = new CompactRange();
    for (int i = 0; i < size; i++) {
      r.append(LEAVES.get(i));
    }
    return r.root();
  }

  /** PATH(m, D[lo:hi]) of RFC 9162 §2.1.3.1, written out independently of the core's builder. */
  static List<Hash> path(int m, int lo, int hi) {
    List<Hash> p = new ArrayList<>();
    if (hi - lo <= 1) {
      return p;
    }
    int k = (int) MerkleTree.largestPowerOfTwoLessThan(hi - lo);
    if (m < k) {
      p.addAll(path(m, lo, lo + k));
      p.add(mth(lo + k, hi));
    } else {
      p.addAll(path(m - k, lo + k, hi));
      p.add(mth(lo, lo + k));
    }
    return p;
  }

  private static Hash mth(int lo, int hi) {
    if (hi - lo == 1) {
      return LEAVES.get(lo);
    }
    int k = (int) MerkleTree.largestPowerOfTwoLessThan(hi - lo);
    return MerkleTree.nodeHash(mth(lo, lo + k), mth(lo + k, hi));
  }

  /** The signed checkpoint note of the first {@code size} leaves. */
  static String checkpoint(int size) throws KeyException {
    return new Checkpoint(FuzzKeys.ORIGIN, size, root(size)).sign(List.of(FuzzKeys.SIGNER)).text();
  }
}
