package dev.lineageledger.core;

import java.util.List;
import java.util.Objects;

/**
 * An RFC 9162 §2.1.3 Merkle inclusion proof: the audit path that links the leaf at {@code
 * leafIndex} to the root of the tree of {@code treeSize} leaves.
 *
 * <p>{@code path} is ordered from the leaf's sibling up to the child of the root, as produced by
 * PATH(m, D[n]) in RFC 9162 §2.1.3.1. The constructor only rejects values that no proof could
 * carry (negative numbers, nulls); whether index, size and path length fit together is checked by
 * {@link #verify(Hash, Hash)}, so a malformed proof received from elsewhere fails with a {@link
 * VerificationException} that says why.
 *
 * <p>A proof authenticates the leaf and the root, not the numbers: the RFC 9162 §2.1.3.2 walk
 * depends only on which side each sibling is on, and different (index, size) pairs can share a
 * walk. For example, the proof of leaf 0 in a tree of 4 also verifies as leaf 0 of a tree of 3
 * against the same root. Take {@code treeSize} (and the root) from a verified signed checkpoint.
 *
 * @param leafIndex zero-based index of the leaf, {@code >= 0}
 * @param treeSize number of leaves in the tree the proof is for, {@code >= 0}
 * @param path sibling hashes, leaf level first; copied
 */
public record InclusionProof(long leafIndex, long treeSize, List<Hash> path) {

  public InclusionProof {
    if (leafIndex < 0) {
      throw new IllegalArgumentException("leaf index " + leafIndex + " is negative");
    }
    if (treeSize < 0) {
      throw new IllegalArgumentException("tree size " + treeSize + " is negative");
    }
    path = List.copyOf(Objects.requireNonNull(path, "path"));
  }

  /**
   * Checks that this proof shows the leaf with hash {@code leafHash} (see {@link
   * MerkleTree#leafHash}) at {@link #leafIndex()} in the tree of {@link #treeSize()} leaves whose
   * root is {@code root}.
   *
   * @throws VerificationException naming the first check that failed
   */
  public void verify(Hash leafHash, Hash root) throws VerificationException {
    verify(leafIndex, treeSize, leafHash, path, root);
  }

  /**
   * RFC 9162 §2.1.3.2: verifies an inclusion proof. All preconditions (index in range, exact path
   * length) are checked before any hashing.
   *
   * @throws VerificationException naming the first check that failed
   * @throws NullPointerException if a hash argument, the path or an element of it is null
   */
  public static void verify(long leafIndex, long treeSize, Hash leafHash, List<Hash> path, Hash root)
      throws VerificationException {
    Objects.requireNonNull(root, "root");
    Hash calculated = rootFromInclusionProof(leafIndex, treeSize, leafHash, path);
    if (!calculated.equals(root)) {
      throw new VerificationException(
          "calculated root " + calculated.hex() + " does not match expected root " + root.hex());
    }
  }

  /**
   * RFC 9162 §2.1.3.2 steps 1-4: the root implied by a leaf hash and its inclusion path. The result
   * means nothing until compared with a trusted root; prefer {@link #verify(long, long, Hash, List,
   * Hash)}.
   *
   * @throws VerificationException if index, size and path length do not fit together
   */
  public static Hash rootFromInclusionProof(
      long leafIndex, long treeSize, Hash leafHash, List<Hash> path) throws VerificationException {
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(path, "path");
    for (int i = 0; i < path.size(); i++) {
      Objects.requireNonNull(path.get(i), "path[" + i + "]");
    }
    if (leafIndex < 0) {
      throw new VerificationException("leaf index " + leafIndex + " is negative");
    }
    // RFC 9162 §2.1.3.2 step 1.
    if (leafIndex >= treeSize) {
      throw new VerificationException("leaf index " + leafIndex + " >= tree size " + treeSize);
    }
    int expected = expectedPathLength(leafIndex, treeSize);
    if (path.size() != expected) {
      throw new VerificationException(
          "proof has " + path.size() + " hashes, expected " + expected);
    }

    // RFC 9162 §2.1.3.2 steps 2-4, followed literally. With the exact length checked above the
    // two "sn" failures cannot trigger; they stay so the loop can be read against the RFC.
    long fn = leafIndex;
    long sn = treeSize - 1;
    Hash r = leafHash;
    for (Hash p : path) {
      if (sn == 0) {
        throw new VerificationException("proof is longer than the path from leaf to root");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleTree.nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        r = MerkleTree.nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    // RFC 9162 §2.1.3.2 step 5 (the root comparison is the caller's).
    if (sn != 0) {
      throw new VerificationException("proof is shorter than the path from leaf to root");
    }
    return r;
  }

  /**
   * The exact number of hashes in the inclusion path for {@code leafIndex} in a tree of {@code
   * treeSize} leaves ({@code 0 <= leafIndex < treeSize}).
   *
   * <p>The paths to {@code leafIndex} and to the last leaf {@code treeSize - 1} share every node
   * above the level where they diverge. Below it ("inner"), the path has one sibling per level;
   * above it ("border"), the path runs along the right edge of the tree and has a sibling only
   * where it is a right child, i.e. where {@code leafIndex} has a one bit.
   */
  public static int expectedPathLength(long leafIndex, long treeSize) {
    if (leafIndex < 0 || leafIndex >= treeSize) {
      throw new IllegalArgumentException(
          "need 0 <= leaf index < tree size, got " + leafIndex + " and " + treeSize);
    }
    int inner = 64 - Long.numberOfLeadingZeros(leafIndex ^ (treeSize - 1));
    int border = Long.bitCount(leafIndex >>> inner);
    return inner + border;
  }
}
