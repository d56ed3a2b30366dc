package dev.lineageledger.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The RFC 9162 §2.1.1 Merkle Tree Hash (MTH) primitives, with SHA-256 as the hash function.
 *
 * <p>Leaf and interior hashes carry different one-byte prefixes (0x00 and 0x01) so that a leaf
 * can never be passed off as an interior node (second-preimage resistance, RFC 9162 §2.1.1).
 *
 * <p>Thread-safe: each thread uses its own {@link MessageDigest}, cloned from a prototype.
 */
public final class MerkleTree {
  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private static final MessageDigest PROTOTYPE = newSha256();
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(MerkleTree::cloneSha256);
  private static final Hash EMPTY_ROOT = Hash.wrap(newSha256().digest());

  private MerkleTree() {}

  /** RFC 9162 §2.1.1: MTH({}) = HASH(), the SHA-256 of the empty string. */
  public static Hash emptyRoot() {
    return EMPTY_ROOT;
  }

  /** RFC 9162 §2.1.1: MTH({d}) = HASH(0x00 || d). {@code data} may be empty, never null. */
  public static Hash leafHash(byte[] data) {
    Objects.requireNonNull(data, "data");
    MessageDigest md = SHA256.get();
    md.update(LEAF_PREFIX);
    md.update(data);
    return Hash.wrap(md.digest());
  }

  /** RFC 9162 §2.1.1: MTH(D_n) = HASH(0x01 || MTH(left) || MTH(right)). */
  public static Hash nodeHash(Hash left, Hash right) {
    Objects.requireNonNull(left, "left");
    Objects.requireNonNull(right, "right");
    MessageDigest md = SHA256.get();
    md.update(NODE_PREFIX);
    left.updateDigest(md);
    right.updateDigest(md);
    return Hash.wrap(md.digest());
  }

  /**
   * The largest power of two strictly less than {@code n} (the split point {@code k} of RFC 9162
   * §2.1.1). Requires {@code n >= 2}.
   */
  public static long largestPowerOfTwoLessThan(long n) {
    if (n < 2) {
      throw new IllegalArgumentException("n must be >= 2, got " + n);
    }
    return Long.highestOneBit(n - 1);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java SE platform must provide SHA-256 (MessageDigest javadoc).
      throw new IllegalStateException("SHA-256 not available", e);
    }
  }

  // The prototype is never updated, so concurrent clone() calls only read it.
  private static MessageDigest cloneSha256() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return newSha256();
    }
  }
}
