package dev.lineageledger.core.internal;

import static dev.lineageledger.core.RfcExampleTree.B;
import static dev.lineageledger.core.RfcExampleTree.C;
import static dev.lineageledger.core.RfcExampleTree.D;
import static dev.lineageledger.core.RfcExampleTree.F;
import static dev.lineageledger.core.RfcExampleTree.G;
import static dev.lineageledger.core.RfcExampleTree.H;
import static dev.lineageledger.core.RfcExampleTree.HASH;
import static dev.lineageledger.core.RfcExampleTree.HASH0;
import static dev.lineageledger.core.RfcExampleTree.HASH1;
import static dev.lineageledger.core.RfcExampleTree.HASH2;
import static dev.lineageledger.core.RfcExampleTree.I;
import static dev.lineageledger.core.RfcExampleTree.J;
import static dev.lineageledger.core.RfcExampleTree.K;
import static dev.lineageledger.core.RfcExampleTree.L;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.CompactRange;
import dev.lineageledger.core.ConsistencyProof;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.InclusionProof;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerStorageException;
import dev.lineageledger.core.MerkleTree;
import dev.lineageledger.core.RfcExampleTree;
import dev.lineageledger.core.ReferenceMerkleTree;
import dev.lineageledger.core.SeededTrials;
import dev.lineageledger.core.TransparencyDevVectors;
import dev.lineageledger.core.TransparencyDevVectors.Probe;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ProofBuilderTest {

  /** Serves perfect subtrees of a real tree; refuses any subtree not complete at {@code size}. */
  static final class TreeSource implements SubtreeSource {
    private final Map<String, Hash> nodes = new HashMap<>();
    private final long size;

    /** Stores exactly what {@link CompactRange#append} reports, as a ledger store would. */
    TreeSource(List<Hash> leaves) {
      CompactRange range = new CompactRange();
      for (int i = 0; i < leaves.size(); i++) {
        nodes.put(key(0, i), leaves.get(i));
        List<Hash> completed = range.append(leaves.get(i));
        for (int j = 0; j < completed.size(); j++) {
          nodes.put(key(j + 1, i >>> (j + 1)), completed.get(j));
        }
      }
      this.size = leaves.size();
    }

    @Override
    public Hash subtree(int level, long index) throws LedgerException {
      Hash h = nodes.get(key(level, index));
      if (h == null) {
        throw new LedgerStorageException("no complete subtree (" + level + ", " + index + ") in "
            + size + " leaves");
      }
      return h;
    }

    private static String key(int level, long index) {
      return level + ":" + index;
    }
  }

  /**
   * Fabricates SHA-256(level || index) for any perfect subtree inside [0, size), so read counts
   * can be checked for trees far too big to build. Fails on any subtree that is not complete.
   */
  static final class SyntheticSource implements SubtreeSource {
    private final long size;

    SyntheticSource(long size) {
      this.size = size;
    }

    @Override
    public Hash subtree(int level, long index) throws LedgerException {
      if (level < 0 || level > 62 || index < 0 || index > (size >>> level) - 1) {
        throw new LedgerStorageException(
            "(" + level + ", " + index + ") is not a complete subtree of " + size + " leaves");
      }
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(ByteBuffer.allocate(12).putInt(level).putLong(index).array());
        return Hash.of(md.digest());
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** Records every read. */
  static final class CountingSource implements SubtreeSource {
    private final SubtreeSource delegate;
    final List<List<Long>> reads = new ArrayList<>();

    CountingSource(SubtreeSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public Hash subtree(int level, long index) throws LedgerException {
      reads.add(List.of((long) level, index));
      return delegate.subtree(level, index);
    }
  }

  private static List<Hash> rfcLeaves() {
    return IntStream.range(0, 7).mapToObj(RfcExampleTree::leaf).toList();
  }

  private static final JsonNode TREE = TransparencyDevVectors.tree();

  private static List<Hash> tdLeaves() {
    List<Hash> out = new ArrayList<>();
    TREE.get("leafInputsHex")
        .forEach(h -> out.add(MerkleTree.leafHash(HexFormat.of().parseHex(h.asText()))));
    return out;
  }

  private static int ceilLog2(long n) {
    return 64 - Long.numberOfLeadingZeros(n - 1);
  }

  // ---- RFC 9162 §2.1.5 example -----------------------------------------------------------

  @Test
  void rfcExampleRoots() throws Exception {
    ProofBuilder builder = new ProofBuilder(new TreeSource(rfcLeaves()));
    assertThat(builder.root(7)).isEqualTo(HASH);
    assertThat(builder.root(3)).isEqualTo(HASH0);
    assertThat(builder.root(4)).isEqualTo(HASH1);
    assertThat(builder.root(6)).isEqualTo(HASH2);
    assertThat(builder.root(0)).isEqualTo(MerkleTree.emptyRoot());
  }

  @Test
  void rfcExampleInclusionProofs() throws Exception {
    ProofBuilder builder = new ProofBuilder(new TreeSource(rfcLeaves()));
    assertThat(builder.inclusion(0, 7)).isEqualTo(new InclusionProof(0, 7, List.of(B, H, L)));
    assertThat(builder.inclusion(3, 7)).isEqualTo(new InclusionProof(3, 7, List.of(C, G, L)));
    assertThat(builder.inclusion(4, 7)).isEqualTo(new InclusionProof(4, 7, List.of(F, J, K)));
    assertThat(builder.inclusion(6, 7)).isEqualTo(new InclusionProof(6, 7, List.of(I, K)));
  }

  @Test
  void rfcExampleConsistencyProofs() throws Exception {
    ProofBuilder builder = new ProofBuilder(new TreeSource(rfcLeaves()));
    assertThat(builder.consistency(3, 7).path()).containsExactly(C, D, G, L);
    assertThat(builder.consistency(4, 7).path()).containsExactly(L);
    assertThat(builder.consistency(6, 7).path()).containsExactly(I, J, K);
    assertThat(builder.consistency(7, 7).path()).isEmpty();
    assertThat(builder.consistency(0, 7).path()).isEmpty();
  }

  // ---- transparency-dev/merkle ------------------------------------------------------------

  @Test
  void publishedRootsOfTheEightLeafTree() throws Exception {
    ProofBuilder builder = new ProofBuilder(new TreeSource(tdLeaves()));
    for (int n = 0; n <= 8; n++) {
      assertThat(builder.root(n))
          .as("root of size %d", n)
          .isEqualTo(TransparencyDevVectors.hex(TREE.get("rootHashesHexBySize").get(n)));
    }
  }

  /** The happy-path probes are proofs in the same 8-leaf tree; the builder must reproduce them. */
  @Test
  void reproducesTheHappyPathProbes() throws Exception {
    ProofBuilder builder = new ProofBuilder(new TreeSource(tdLeaves()));
    int checked = 0;
    for (Probe p : TransparencyDevVectors.inclusionProbes()) {
      if (p.desc().equals("happy path") && p.file().matches("testdata/inclusion/\\d/.*")) {
        InclusionProof proof = builder.inclusion(p.index(), p.size());
        assertThat(proof.path()).as(p.file()).isEqualTo(p.proofHashes());
        assertThat(builder.root(p.size()).base64()).isEqualTo(p.root());
        checked++;
      }
    }
    for (Probe p : TransparencyDevVectors.consistencyProbes()) {
      if (p.desc().equals("happy path")) {
        ConsistencyProof proof = builder.consistency(p.index(), p.size());
        assertThat(proof.path()).as(p.file()).isEqualTo(p.proofHashes());
        assertThat(builder.root(p.index()).base64()).isEqualTo(p.leafOrRoot1());
        assertThat(builder.root(p.size()).base64()).isEqualTo(p.root());
        checked++;
      }
    }
    assertThat(checked).isEqualTo(10);
  }

  /**
   * transparency-dev/merkle proof/proof_test.go lists which stored nodes each proof needs; the
   * builder must read exactly those, each once.
   */
  @Test
  void readsExactlyTheStoredNodesTransparencyDevLists() throws Exception {
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(95, 11);
    for (JsonNode row : TREE.get("inclusionNodes")) {
      long size = row.get("treeSize").asLong();
      long index = row.get("leafIndex").asLong();
      CountingSource source = new CountingSource(new TreeSource(ref.leaves().subList(0, (int) size)));
      new ProofBuilder(source).inclusion(index, size);
      assertThat(source.reads)
          .as("inclusion(%d, %d)", index, size)
          .containsExactlyInAnyOrderElementsOf(nodes(row));
    }
    for (JsonNode row : TREE.get("consistencyNodes")) {
      long oldSize = row.get("oldSize").asLong();
      long newSize = row.get("newSize").asLong();
      CountingSource source =
          new CountingSource(new TreeSource(ref.leaves().subList(0, (int) newSize)));
      new ProofBuilder(source).consistency(oldSize, newSize);
      assertThat(source.reads)
          .as("consistency(%d, %d)", oldSize, newSize)
          .containsExactlyInAnyOrderElementsOf(nodes(row));
    }
  }

  private static List<List<Long>> nodes(JsonNode row) {
    List<List<Long>> out = new ArrayList<>();
    row.get("nodes").forEach(n -> out.add(List.of(n.get(0).asLong(), n.get(1).asLong())));
    return out;
  }

  // ---- against the RFC reference ----------------------------------------------------------

  @Test
  void everyProofUpTo64MatchesReference() throws Exception {
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(64, 5);
    for (int n = 0; n <= 64; n++) {
      ProofBuilder builder = new ProofBuilder(new TreeSource(ref.leaves().subList(0, n)));
      assertThat(builder.root(n)).isEqualTo(ref.root(n));
      for (int m = 0; m < n; m++) {
        assertThat(builder.inclusion(m, n).path()).as("PATH(%d, D[%d])", m, n).isEqualTo(ref.path(m, n));
      }
      for (int m = 0; m <= n; m++) {
        assertThat(builder.consistency(m, n).path()).as("PROOF(%d, D[%d])", m, n).isEqualTo(ref.proof(m, n));
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> proofsForAllIndicesAndOldSizesMatchReferenceAndVerify() {
    return SeededTrials.check(60, g -> proofsForAllIndicesAndOldSizesMatchReferenceAndVerify(g.intBetween(1, 300), g.nextLong()));
  }

  private void proofsForAllIndicesAndOldSizesMatchReferenceAndVerify(int n, long seed) throws Exception {
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(n, seed);
    ProofBuilder builder = new ProofBuilder(new TreeSource(ref.leaves()));
    Hash root = builder.root(n);
    assertThat(root).isEqualTo(ref.root(n));
    for (int m = 0; m < n; m++) {
      InclusionProof proof = builder.inclusion(m, n);
      assertThat(proof.path()).isEqualTo(ref.path(m, n));
      proof.verify(ref.leaf(m), root);
    }
    for (int m = 0; m <= n; m++) {
      ConsistencyProof proof = builder.consistency(m, n);
      assertThat(proof.path()).isEqualTo(ref.proof(m, n));
      proof.verify(ref.root(m), root);
    }
  }

  // ---- O(log n) reads, on trees too large to build ----------------------------------------

  @TestFactory
  Stream<DynamicTest> readsAreLogarithmic() {
    return SeededTrials.check(500, g -> readsAreLogarithmic(g.longBetween(1, 1L << 40), g.longBetween(0, Long.MAX_VALUE), g.longBetween(0, Long.MAX_VALUE)));
  }

  private void readsAreLogarithmic(long n, long anyIndex, long anyOld) throws Exception {
    long index = anyIndex % n;
    long oldSize = anyOld % (n + 1);
    int bound = 2 * ceilLog2(n);

    CountingSource source = new CountingSource(new SyntheticSource(n));
    new ProofBuilder(source).root(n);
    assertThat(source.reads).hasSize(Long.bitCount(n));

    source.reads.clear();
    InclusionProof inclusion = new ProofBuilder(source).inclusion(index, n);
    assertThat(inclusion.path()).hasSize(InclusionProof.expectedPathLength(index, n));
    assertThat(source.reads).hasSizeLessThanOrEqualTo(bound);

    source.reads.clear();
    ConsistencyProof consistency = new ProofBuilder(source).consistency(oldSize, n);
    if (oldSize > 0 && oldSize < n) {
      assertThat(consistency.path()).hasSize(ConsistencyProof.expectedProofLength(oldSize, n));
    } else {
      assertThat(consistency.path()).isEmpty();
    }
    assertThat(source.reads).hasSizeLessThanOrEqualTo(bound + 1);
    assertThat(Set.copyOf(source.reads)).hasSameSizeAs(source.reads);
  }

  @Test
  void worstCasesForReads() throws Exception {
    long n = (1L << 40) - 1;
    CountingSource source = new CountingSource(new SyntheticSource(n));
    ProofBuilder builder = new ProofBuilder(source);
    // Leaf 0: 39 perfect left siblings... plus the right part [2^39, n), 39 perfect pieces.
    builder.inclusion(0, n);
    assertThat(source.reads).hasSize(39 + 39).hasSizeLessThanOrEqualTo(2 * ceilLog2(n));
    source.reads.clear();
    builder.consistency(1, n);
    assertThat(source.reads).hasSize(39 + 39).hasSizeLessThanOrEqualTo(2 * ceilLog2(n) + 1);
    source.reads.clear();
    builder.root(n);
    assertThat(source.reads).hasSize(40);
  }

  // ---- arguments and source failures ------------------------------------------------------

  @Test
  void badArgumentsAreRejectedBeforeAnyRead() {
    CountingSource source = new CountingSource(new SyntheticSource(10));
    ProofBuilder builder = new ProofBuilder(source);
    assertThatThrownBy(() -> builder.inclusion(-1, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.inclusion(5, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("need 0 <= leaf index < tree size, got 5 and 5");
    assertThatThrownBy(() -> builder.inclusion(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.consistency(-1, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.consistency(6, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("need 0 <= old size <= new size, got 6 and 5");
    assertThatThrownBy(() -> builder.root(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(source.reads).isEmpty();
    assertThatThrownBy(() -> new ProofBuilder(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void sourceFailurePropagatesUnchanged() {
    LedgerStorageException failure = new LedgerStorageException("disk on fire");
    ProofBuilder builder =
        new ProofBuilder(
            (level, index) -> {
              throw failure;
            });
    assertThatThrownBy(() -> builder.inclusion(3, 7)).isSameAs(failure);
    assertThatThrownBy(() -> builder.consistency(3, 7)).isSameAs(failure);
    assertThatThrownBy(() -> builder.root(7)).isSameAs(failure);
  }

  @Test
  void sourceReturningNullIsABug() {
    ProofBuilder builder = new ProofBuilder((level, index) -> null);
    assertThatThrownBy(() -> builder.root(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned null");
  }

  @Test
  void incompleteSubtreesAreNeverRequested() throws Exception {
    // TreeSource throws for any subtree not complete at its size; build every proof of size 37.
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(37, 13);
    ProofBuilder builder = new ProofBuilder(new TreeSource(ref.leaves()));
    for (int m = 0; m < 37; m++) {
      builder.inclusion(m, 37);
      builder.consistency(m, 37);
    }
  }

  // ---- hashRange -------------------------------------------------------------------------

  @Test
  void hashRangeOfAlignedRangesMatchesReference() throws Exception {
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(64, 17);
    TreeSource source = new TreeSource(ref.leaves());
    int checked = 0;
    for (int lo = 0; lo < 64; lo++) {
      for (int hi = lo; hi <= 64; hi++) {
        long largest = Long.highestOneBit(hi - lo);
        if (hi == lo || lo % largest == 0) {
          assertThat(ProofBuilder.hashRange(lo, hi, source))
              .as("[%d, %d)", lo, hi)
              .isEqualTo(ref.mth(lo, hi));
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(300);
  }

  @Test
  void hashRangeRejectsMisalignedRanges() {
    SubtreeSource source = new SyntheticSource(64);
    assertThatThrownBy(() -> ProofBuilder.hashRange(1, 3, source))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1, 3)");
    assertThatThrownBy(() -> ProofBuilder.hashRange(4, 3, source))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProofBuilder.hashRange(-1, 3, source))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsAreDistinctPerProof() throws Exception {
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(100, 19);
    CountingSource source = new CountingSource(new TreeSource(ref.leaves()));
    ProofBuilder builder = new ProofBuilder(source);
    for (int m = 0; m < 100; m++) {
      source.reads.clear();
      builder.consistency(m, 100);
      Set<List<Long>> distinct = source.reads.stream().collect(Collectors.toSet());
      assertThat(distinct).hasSameSizeAs(source.reads);
    }
  }
}
