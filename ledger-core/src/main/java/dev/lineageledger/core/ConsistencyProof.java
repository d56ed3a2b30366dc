package dev.lineageledger.core;

import java.util.List;
import java.util.Objects;

/**
 * An RFC 9162 §2.1.4 Merkle consistency proof: the hashes that show the tree of {@code newSize}
 * leaves is an append-only extension of the tree of {@code oldSize} leaves.
 *
 * <p>{@code path} is PROOF(oldSize, D[newSize]) of RFC 9162 §2.1.4.1, in its order. The
 * constructor only rejects values that no proof could carry (negative sizes, nulls); whether sizes
 * and path length fit together is checked by {@link #verify(Hash, Hash)}.
 *
 * <p>Beyond the RFC, which defines proofs only for {@code 0 < oldSize < newSize}, this type gives
 * the two degenerate cases a meaning: equal sizes need an empty proof and equal roots, and a tree
 * of size 0 is consistent with every later tree given an empty proof, provided its claimed root is
 * the empty-tree hash {@link MerkleTree#emptyRoot()}.
 *
 * @param oldSize leaves in the earlier tree, {@code >= 0}
 * @param newSize leaves in the later tree, {@code >= 0}
 * @param path the proof hashes; copied
 */
public record ConsistencyProof(long oldSize, long newSize, List<Hash> path) {

  public ConsistencyProof {
    if (oldSize < 0) {
      throw new IllegalArgumentException("old size " + oldSize + " is negative");
    }
    if (newSize < 0) {
      throw new IllegalArgumentException("new size " + newSize + " is negative");
    }
    path = List.copyOf(Objects.requireNonNull(path, "path"));
  }

  /**
   * Checks that this proof links {@code oldRoot} (of the tree of {@link #oldSize()} leaves) to
   * {@code newRoot} (of the tree of {@link #newSize()} leaves).
   *
   * @throws VerificationException naming the first check that failed
   */
  public void verify(Hash oldRoot, Hash newRoot) throws VerificationException {
    verify(oldSize, newSize, oldRoot, newRoot, path);
  }

  /**
   * RFC 9162 §2.1.4.2: verifies a consistency proof. All preconditions (size order, the degenerate
   * cases, exact proof length) are checked before any hashing.
   *
   * @throws VerificationException naming the first check that failed
   * @throws NullPointerException if a root, the path or an element of it is null
   */
  public static void verify(long oldSize, long newSize, Hash oldRoot, Hash newRoot, List<Hash> path)
      throws VerificationException {
    Objects.requireNonNull(oldRoot, "oldRoot");
    Objects.requireNonNull(newRoot, "newRoot");
    Objects.requireNonNull(path, "path");
    for (int i = 0; i < path.size(); i++) {
      Objects.requireNonNull(path.get(i), "path[" + i + "]");
    }
    if (oldSize < 0) {
      throw new VerificationException("old size " + oldSize + " is negative");
    }
    if (oldSize > newSize) {
      throw new VerificationException("old size " + oldSize + " > new size " + newSize);
    }
    if (oldSize == newSize) {
      // RFC 9162 §2.1.4.1: SUBPROOF(m, D[m], true) = {}; the trees are the same tree.
      if (!path.isEmpty()) {
        throw new VerificationException(
            "proof has " + path.size() + " hashes, expected 0 for equal tree sizes");
      }
      requireEmptyRootIfSizeZero(oldSize, oldRoot);
      if (!oldRoot.equals(newRoot)) {
        throw new VerificationException(
            "old root " + oldRoot.hex() + " does not match new root " + newRoot.hex()
                + " for equal tree sizes " + oldSize);
      }
      return;
    }
    if (oldSize == 0) {
      // Every tree extends the empty tree; there is nothing to prove.
      if (!path.isEmpty()) {
        throw new VerificationException(
            "proof has " + path.size() + " hashes, expected 0 for old size 0");
      }
      requireEmptyRootIfSizeZero(oldSize, oldRoot);
      return;
    }
    int expected = expectedProofLength(oldSize, newSize);
    if (path.size() != expected) {
      throw new VerificationException(
          "proof has " + path.size() + " hashes, expected " + expected);
    }

    // RFC 9162 §2.1.4.2 steps 1-7, followed literally. Step 1 (empty proof) and the "sn" failures
    // cannot trigger after the exact length check; they stay so the code can be read against the
    // RFC.
    if (path.isEmpty()) {
      throw new VerificationException("proof is empty");
    }
    int next;
    Hash fr;
    if (Long.bitCount(oldSize) == 1) {
      // Step 2: prepend first_hash.
      fr = oldRoot;
      next = 0;
    } else {
      fr = path.get(0);
      next = 1;
    }
    Hash sr = fr;
    // Step 3.
    long fn = oldSize - 1;
    long sn = newSize - 1;
    // Step 4.
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    // Step 6.
    for (int i = next; i < path.size(); i++) {
      Hash c = path.get(i);
      if (sn == 0) {
        throw new VerificationException("proof is longer than the path to the new root");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = MerkleTree.nodeHash(c, fr);
        sr = MerkleTree.nodeHash(c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        sr = MerkleTree.nodeHash(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    // Step 7.
    if (sn != 0) {
      throw new VerificationException("proof is shorter than the path to the new root");
    }
    if (!fr.equals(oldRoot)) {
      throw new VerificationException(
          "calculated old root " + fr.hex() + " does not match expected old root "
              + oldRoot.hex());
    }
    if (!sr.equals(newRoot)) {
      throw new VerificationException(
          "calculated new root " + sr.hex() + " does not match expected new root "
              + newRoot.hex());
    }
  }

  /**
   * The exact number of hashes in PROOF(oldSize, D[newSize]) for {@code 0 < oldSize < newSize}.
   *
   * <p>Computed by walking the RFC 9162 §2.1.4.1 SUBPROOF recursion without hashing: one hash per
   * step, plus MTH(D[m]) at the end when the old tree is not itself a node of the new tree (b is
   * false). At most {@code ceil(log2(newSize)) + 1}.
   */
  public static int expectedProofLength(long oldSize, long newSize) {
    if (oldSize <= 0 || oldSize >= newSize) {
      throw new IllegalArgumentException(
          "need 0 < old size < new size, got " + oldSize + " and " + newSize);
    }
    long m = oldSize;
    long n = newSize;
    boolean b = true;
    int length = 0;
    while (m != n) {
      long k = MerkleTree.largestPowerOfTwoLessThan(n);
      length++;
      if (m <= k) {
        n = k;
      } else {
        m -= k;
        n -= k;
        b = false;
      }
    }
    return b ? length : length + 1;
  }

  private static void requireEmptyRootIfSizeZero(long size, Hash root)
      throws VerificationException {
    // RFC 9162 §2.1.1: MTH({}) = HASH(); a size-0 tree with any other root is not a tree.
    if (size == 0 && !root.equals(MerkleTree.emptyRoot())) {
      throw new VerificationException(
          "old root " + root.hex() + " is not the empty-tree root "
              + MerkleTree.emptyRoot().hex() + " for tree size 0");
    }
  }
}
