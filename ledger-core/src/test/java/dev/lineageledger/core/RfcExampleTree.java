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
public final class RfcExampleTree {
  public static final Hash A = leaf(0);
  public static final Hash B = leaf(1);
  public static final Hash C = leaf(2);
  public static final Hash D = leaf(3);
  public static final Hash E = leaf(4);
  public static final Hash F = leaf(5);
  public static final Hash J = leaf(6);
  public static final Hash G = MerkleTree.nodeHash(A, B);
  public static final Hash H = MerkleTree.nodeHash(C, D);
  public static final Hash I = MerkleTree.nodeHash(E, F);
  public static final Hash K = MerkleTree.nodeHash(G, H);
  public static final Hash L = MerkleTree.nodeHash(I, J);
  public static final Hash HASH = MerkleTree.nodeHash(K, L);
  public static final Hash HASH0 = MerkleTree.nodeHash(G, C);
  public static final Hash HASH1 = K;
  public static final Hash HASH2 = MerkleTree.nodeHash(K, I);

  private RfcExampleTree() {}

  public static Hash leaf(int i) {
    return MerkleTree.leafHash(("d" + i).getBytes(StandardCharsets.US_ASCII));
  }
}
