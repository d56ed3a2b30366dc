package dev.lineageledger.core.internal;

import dev.lineageledger.core.Hash;
import dev.lineageledger.core.LedgerException;

/**
 * Read access to the stored hashes of perfect subtrees of a Merkle tree, as completed by {@link
 * dev.lineageledger.core.CompactRange#append(Hash)}.
 */
@FunctionalInterface
public interface SubtreeSource {
  /**
   * The RFC 9162 §2.1.1 hash of the perfect subtree over leaves {@code [index * 2^level, (index +
   * 1) * 2^level)}; at level 0 this is the leaf hash. Never null.
   *
   * @throws LedgerException if the hash cannot be read, or that subtree is not complete yet
   */
  Hash subtree(int level, long index) throws LedgerException;
}
