package dev.lineageledger.core;

import java.nio.charset.StandardCharsets;

/**
 * The 7-leaf example tree of RFC 9162 §2.1.5 (RFC 6962 §2.1.3), with its nodes named as in the
 * RFC's figure. Leaf data is arbitrary ("d0".."d6"); the examples are about shapes.
 *
 * <pre>
 *             hash
 *            /    \
 *           k      l
 *          / \    / \
 *         g   h  i   j
 *        / \ / \ / \  |
 *        a b c d e f d6
 * </pre>
 *
 * Built incrementally, hash0 is the tree of size 3 (g, c), hash1 = k is size 4 and hash2 is size 6
 * (k, i).
 */
final class RfcExampleTree {
  static final Hash A = leaf(0);
  static final Hash B = leaf(1);
  static final Hash C = leaf(2);
  static final Hash D = leaf(3);
  static final Hash E = leaf(4);
  static final Hash F = leaf(5);
  static final Hash J = leaf(6);
  static final Hash G = MerkleTree.nodeHash(A, B);
  static final Hash H = MerkleTree.nodeHash(C, D);
  static final Hash I = MerkleTree.nodeHash(E, F);
  static final Hash K = MerkleTree.nodeHash(G, H);
  static final Hash L = MerkleTree.nodeHash(I, J);
  static final Hash HASH = MerkleTree.nodeHash(K, L);
  static final Hash HASH0 = MerkleTree.nodeHash(G, C);
  static final Hash HASH1 = K;
  static final Hash HASH2 = MerkleTree.nodeHash(K, I);

  private RfcExampleTree() {}

  static Hash leaf(int i) {
    return MerkleTree.leafHash(("d" + i).getBytes(StandardCharsets.US_ASCII));
  }
}
