package dev.lineageledger.core.internal;

import dev.lineageledger.core.Hash;
import java.util.List;

/**
 * The {@code records.nodes} column: the roots of the perfect subtrees that leaf i completes,
 * levels 1..t (t = number of trailing one bits of i), 32 bytes each, lowest level first. The
 * subtree at (level L >= 1, index j) is therefore stored in row (j+1)*2^L - 1 at offset
 * (L-1)*32, which gives O(1) reads per proof node (docs/FORMAT.md "Storage").
 */
public final class NodeBlob {
  private NodeBlob() {}

  public static byte[] encode(List<Hash> completed) {
    byte[] out = new byte[completed.size() * Hash.SIZE];
    for (int i = 0; i < completed.size(); i++) {
      completed.get(i).copyTo(out, i * Hash.SIZE);
    }
    return out;
  }

  /** The row that stores subtree (level, index). */
  public static long rowOf(int level, long index) {
    return ((index + 1) << level) - 1;
  }

  /** Number of subtrees leaf {@code seq} completes. */
  public static int levelsCompletedBy(long seq) {
    return Long.numberOfTrailingZeros(~seq);
  }
}
