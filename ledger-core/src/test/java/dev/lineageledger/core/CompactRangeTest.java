package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.CompactRange.PerfectSubtree;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class CompactRangeTest {
  private static final JsonNode TREE = TransparencyDevVectors.tree();

  private static Hash node(int level, int index) {
    return TransparencyDevVectors.hex(TREE.get("nodeHashesHex").get(level).get(index));
  }

  private static Hash tdLeaf(int i) {
    return MerkleTree.leafHash(HexFormat.of().parseHex(TREE.get("leafInputsHex").get(i).asText()));
  }

  // ---- transparency-dev/merkle testonly/constants.go (RootHashes, CompactTrees) ----------

  @Test
  void rootsOfTheEightLeafTreeForEverySize() {
    CompactRange range = new CompactRange();
    assertThat(range.root()).isEqualTo(MerkleTree.emptyRoot());
    for (int i = 0; i < 8; i++) {
      range.append(tdLeaf(i));
      assertThat(range.size()).isEqualTo(i + 1);
      assertThat(range.root())
          .as("root of size %d", i + 1)
          .isEqualTo(TransparencyDevVectors.hex(TREE.get("rootHashesHexBySize").get(i + 1)));
    }
  }

  @Test
  void perfectSubtreeRootsOfTheEightLeafTree() {
    // CompactTrees() in constants.go, per size.
    List<List<Hash>> expected =
        List.of(
            List.of(),
            List.of(node(0, 0)),
            List.of(node(1, 0)),
            List.of(node(1, 0), node(0, 2)),
            List.of(node(2, 0)),
            List.of(node(2, 0), node(0, 4)),
            List.of(node(2, 0), node(1, 2)),
            List.of(node(2, 0), node(1, 2), node(0, 6)),
            List.of(node(3, 0)));
    CompactRange range = new CompactRange();
    assertThat(range.perfectSubtreeRoots()).isEmpty();
    for (int i = 0; i < 8; i++) {
      range.append(tdLeaf(i));
      assertThat(range.perfectSubtreeRoots()).as("size %d", i + 1).isEqualTo(expected.get(i + 1));
    }
  }

  @Test
  void appendReportsTheSubtreesItCompletes() {
    CompactRange range = new CompactRange();
    // Leaf i completes heights 1..t, t = trailing one bits of i, each at index i >>> height.
    assertThat(range.append(tdLeaf(0))).isEmpty();
    assertThat(range.append(tdLeaf(1))).containsExactly(node(1, 0));
    assertThat(range.append(tdLeaf(2))).isEmpty();
    assertThat(range.append(tdLeaf(3))).containsExactly(node(1, 1), node(2, 0));
    assertThat(range.append(tdLeaf(4))).isEmpty();
    assertThat(range.append(tdLeaf(5))).containsExactly(node(1, 2));
    assertThat(range.append(tdLeaf(6))).isEmpty();
    assertThat(range.append(tdLeaf(7))).containsExactly(node(1, 3), node(2, 1), node(3, 0));
  }

  @Test
  void appendIntoArrayMatchesListForm() {
    CompactRange a = new CompactRange();
    CompactRange b = new CompactRange();
    Hash[] out = new Hash[63];
    for (int i = 0; i < 8; i++) {
      List<Hash> expected = a.append(tdLeaf(i));
      int t = b.append(tdLeaf(i), out);
      assertThat(t).isEqualTo(Integer.numberOfTrailingZeros(~i));
      assertThat(Arrays.asList(out).subList(0, t)).isEqualTo(expected);
    }
    assertThat(b.root()).isEqualTo(a.root());
  }

  @Test
  void appendIntoTooShortArrayLeavesRangeUnchanged() {
    CompactRange range = new CompactRange();
    for (int i = 0; i < 3; i++) {
      range.append(tdLeaf(i));
    }
    Hash before = range.root();
    assertThatThrownBy(() -> range.append(tdLeaf(3), new Hash[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("appending leaf 3 completes 2 subtrees, output array holds 1");
    assertThat(range.size()).isEqualTo(3);
    assertThat(range.root()).isEqualTo(before);
  }

  @Test
  void returnedListsAreUnmodifiable() {
    CompactRange range = new CompactRange();
    range.append(tdLeaf(0));
    List<Hash> completed = range.append(tdLeaf(1));
    assertThatThrownBy(() -> completed.set(0, tdLeaf(0)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> range.perfectSubtreeRoots().add(tdLeaf(0)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  // ---- against the RFC reference, every size up to 300 -----------------------------------

  @Test
  void everySizeUpTo300MatchesReference() {
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(300, 7);
    CompactRange range = new CompactRange();
    assertThat(range.root()).isEqualTo(ref.root(0));
    for (int i = 0; i < 300; i++) {
      List<Hash> completed = range.append(ref.leaf(i));
      int n = i + 1;
      assertThat(range.root()).as("root of size %d", n).isEqualTo(ref.root(n));

      assertThat(completed).hasSize(Integer.numberOfTrailingZeros(~i));
      for (int j = 0; j < completed.size(); j++) {
        int height = j + 1;
        int first = (i >>> height) << height;
        assertThat(completed.get(j))
            .as("leaf %d completes height %d", i, height)
            .isEqualTo(ref.mth(first, first + (1 << height)));
      }

      List<PerfectSubtree> decomposition = CompactRange.decomposition(n);
      List<Hash> roots = range.perfectSubtreeRoots();
      assertThat(roots).hasSize(decomposition.size());
      for (int j = 0; j < roots.size(); j++) {
        PerfectSubtree s = decomposition.get(j);
        int lo = (int) s.firstLeaf();
        assertThat(roots.get(j)).isEqualTo(ref.mth(lo, lo + (int) s.leafCount()));
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> rootMatchesReferenceAndSurvivesRestore() {
    return SeededTrials.check(200, g -> {
      List<byte[]> data = new ArrayList<>();
      for (int i = g.intBetween(0, 300); i > 0; i--) {
        data.add(g.bytesUpTo(40));
      }
      rootMatchesReferenceAndSurvivesRestore(data, g.intBetween(0, 300));
    });
  }

  private void rootMatchesReferenceAndSurvivesRestore(List<byte[]> data, int anyCut) {
    List<Hash> leaves = new ArrayList<>();
    for (byte[] d : data) {
      leaves.add(MerkleTree.leafHash(d));
    }
    ReferenceMerkleTree ref = new ReferenceMerkleTree(leaves);
    int cut = anyCut % (leaves.size() + 1);

    CompactRange straight = new CompactRange();
    CompactRange first = new CompactRange();
    for (int i = 0; i < leaves.size(); i++) {
      straight.append(leaves.get(i));
      if (i < cut) {
        first.append(leaves.get(i));
      }
    }
    CompactRange resumed = CompactRange.of(first.size(), first.perfectSubtreeRoots());
    assertThat(resumed.root()).isEqualTo(first.root()).isEqualTo(ref.root(cut));
    for (int i = cut; i < leaves.size(); i++) {
      resumed.append(leaves.get(i));
    }
    assertThat(straight.root()).isEqualTo(ref.root(leaves.size()));
    assertThat(resumed.root()).isEqualTo(straight.root());
    assertThat(resumed.perfectSubtreeRoots()).isEqualTo(straight.perfectSubtreeRoots());
  }

  // ---- restore ---------------------------------------------------------------------------

  @Test
  void ofValidatesTheNumberOfRoots() {
    Hash h = tdLeaf(0);
    assertThat(CompactRange.of(0, List.of()).root()).isEqualTo(MerkleTree.emptyRoot());
    assertThatThrownBy(() -> CompactRange.of(5, List.of(h)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size 5 needs 2 perfect subtree roots, got 1");
    assertThatThrownBy(() -> CompactRange.of(4, List.of(h, h)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompactRange.of(-1, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompactRange.of(1, Collections.singletonList(null)))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> CompactRange.of(1, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void ofDoesNotAliasTheCallersList() {
    List<Hash> roots = new ArrayList<>(List.of(node(2, 0), node(0, 4)));
    CompactRange range = CompactRange.of(5, roots);
    roots.set(0, node(0, 0));
    assertThat(range.root())
        .isEqualTo(TransparencyDevVectors.hex(TREE.get("rootHashesHexBySize").get(5)));
  }

  @Test
  void appendingToAFullRangeFails() {
    List<Hash> roots = Collections.nCopies(63, tdLeaf(0));
    CompactRange full = CompactRange.of(Long.MAX_VALUE, roots);
    assertThat(full.perfectSubtreeRoots()).hasSize(63);
    assertThatThrownBy(() -> full.append(tdLeaf(1))).isInstanceOf(IllegalStateException.class);
    assertThat(full.size()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void restoredHugeRangeKeepsAppending() {
    // 2^40 - 1 leaves: 40 perfect subtrees; appending one more folds them all into one root.
    long size = (1L << 40) - 1;
    List<Hash> roots = new ArrayList<>();
    for (int j = 0; j < 40; j++) {
      roots.add(MerkleTree.leafHash(new byte[] {(byte) j}));
    }
    CompactRange range = CompactRange.of(size, roots);
    Hash leaf = tdLeaf(0);
    List<Hash> completed = range.append(leaf);
    assertThat(completed).hasSize(40);
    Hash expected = leaf;
    for (int j = 39; j >= 0; j--) {
      expected = MerkleTree.nodeHash(roots.get(j), expected);
    }
    assertThat(completed.get(39)).isEqualTo(expected);
    assertThat(range.perfectSubtreeRoots()).containsExactly(expected);
    assertThat(range.root()).isEqualTo(expected);
  }

  // ---- decomposition ---------------------------------------------------------------------

  @Test
  void decompositionExamples() {
    assertThat(CompactRange.decomposition(0)).isEmpty();
    assertThat(CompactRange.decomposition(1)).containsExactly(new PerfectSubtree(0, 0));
    assertThat(CompactRange.decomposition(8)).containsExactly(new PerfectSubtree(3, 0));
    assertThat(CompactRange.decomposition(13))
        .containsExactly(new PerfectSubtree(3, 0), new PerfectSubtree(2, 2), new PerfectSubtree(0, 12));
    assertThat(CompactRange.decomposition(Long.MAX_VALUE)).hasSize(63);
    assertThatThrownBy(() -> CompactRange.decomposition(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @TestFactory
  Stream<DynamicTest> decompositionTilesTheRangeLargestFirst() {
    return SeededTrials.check(1000, g -> decompositionTilesTheRangeLargestFirst(g.longBetween(0, Long.MAX_VALUE)));
  }

  private void decompositionTilesTheRangeLargestFirst(long size) {
    List<PerfectSubtree> parts = CompactRange.decomposition(size);
    assertThat(parts).hasSize(Long.bitCount(size));
    long next = 0;
    int previousLevel = Integer.MAX_VALUE;
    for (PerfectSubtree p : parts) {
      assertThat(p.firstLeaf()).isEqualTo(next);
      assertThat(p.level()).isLessThan(previousLevel);
      previousLevel = p.level();
      next += p.leafCount();
    }
    assertThat(next).isEqualTo(size);
  }

  @Test
  void perfectSubtreeRejectsImpossibleCoordinates() {
    assertThat(new PerfectSubtree(62, 1).firstLeaf()).isEqualTo(1L << 62);
    assertThatThrownBy(() -> new PerfectSubtree(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PerfectSubtree(63, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PerfectSubtree(0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PerfectSubtree(62, 2)).isInstanceOf(IllegalArgumentException.class);
  }
}
