package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/** RFC 9162 §2.1.1 hashing, against transparency-dev/merkle known answers. */
class MerkleTreeTest {
  private static final JsonNode TREE = TransparencyDevVectors.tree();

  private static byte[] leafInput(int i) {
    return HexFormat.of().parseHex(TREE.get("leafInputsHex").get(i).asText());
  }

  private static Hash node(int level, int index) {
    return TransparencyDevVectors.hex(TREE.get("nodeHashesHex").get(level).get(index));
  }

  // Vectors: transparency-dev/merkle rfc6962/rfc6962_test.go (TestRFC6962Hasher).
  @Test
  void emptyRootIsSha256OfNothing() {
    assertThat(MerkleTree.emptyRoot().hex())
        .isEqualTo(TREE.get("rfc6962Hasher").get("emptyRootHex").asText())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void emptyLeafHashDiffersFromEmptyRoot() {
    Hash emptyLeaf = MerkleTree.leafHash(new byte[0]);
    assertThat(emptyLeaf.hex())
        .isEqualTo(TREE.get("rfc6962Hasher").get("emptyLeafHashHex").asText());
    assertThat(emptyLeaf).isNotEqualTo(MerkleTree.emptyRoot());
  }

  @Test
  void leafHashKnownAnswer() {
    JsonNode v = TREE.get("rfc6962Hasher");
    assertThat(MerkleTree.leafHash(v.get("leafAscii").asText().getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(TransparencyDevVectors.hex(v.get("leafHashHex")));
  }

  // Vectors: transparency-dev/merkle testonly/constants.go (LeafInputs, NodeHashes).
  @Test
  void leafHashesOfTheEightLeafTree() {
    for (int i = 0; i < 8; i++) {
      assertThat(MerkleTree.leafHash(leafInput(i))).as("leaf %d", i).isEqualTo(node(0, i));
    }
  }

  @Test
  void nodeHashesOfTheEightLeafTree() {
    for (int level = 1; level <= 3; level++) {
      int width = 8 >> level;
      for (int i = 0; i < width; i++) {
        assertThat(MerkleTree.nodeHash(node(level - 1, 2 * i), node(level - 1, 2 * i + 1)))
            .as("node (%d, %d)", level, i)
            .isEqualTo(node(level, i));
      }
    }
  }

  // Vectors: transparency-dev/merkle testonly/constants.go (RootHashes). Also pins the test
  // oracle ReferenceMerkleTree to published values before other tests trust it.
  @Test
  void referenceTreeRootsMatchPublishedRootsForSizes0To8() {
    List<Hash> leaves = IntStream.range(0, 8).mapToObj(i -> MerkleTree.leafHash(leafInput(i))).toList();
    ReferenceMerkleTree ref = new ReferenceMerkleTree(leaves);
    for (int n = 0; n <= 8; n++) {
      assertThat(ref.root(n))
          .as("root of size %d", n)
          .isEqualTo(TransparencyDevVectors.hex(TREE.get("rootHashesHexBySize").get(n)));
    }
  }

  @Test
  void leafAndNodeHashesAreDomainSeparated() {
    Hash l = MerkleTree.leafHash("Hello".getBytes(StandardCharsets.UTF_8));
    Hash r = MerkleTree.leafHash("World".getBytes(StandardCharsets.UTF_8));
    byte[] concatenated = new byte[2 * Hash.SIZE];
    l.copyTo(concatenated, 0);
    r.copyTo(concatenated, Hash.SIZE);
    // RFC 9162 §2.1.1: without the 0x00/0x01 prefixes these would be equal.
    assertThat(MerkleTree.nodeHash(l, r)).isNotEqualTo(MerkleTree.leafHash(concatenated));
    assertThat(MerkleTree.nodeHash(l, r)).isNotEqualTo(MerkleTree.nodeHash(r, l));
  }

  @Test
  void leafHashDoesNotKeepOrShareTheInputArray() {
    byte[] data = {1, 2, 3};
    Hash before = MerkleTree.leafHash(data);
    data[0] = 9;
    assertThat(MerkleTree.leafHash(new byte[] {1, 2, 3})).isEqualTo(before);
  }

  @Test
  void nullsAreRejected() {
    Hash h = MerkleTree.emptyRoot();
    assertThatThrownBy(() -> MerkleTree.leafHash(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> MerkleTree.nodeHash(null, h)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> MerkleTree.nodeHash(h, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void hashingIsThreadSafe() throws Exception {
    Hash expected = node(3, 0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Hash>> results =
          IntStream.range(0, 64)
              .mapToObj(
                  t ->
                      pool.submit(
                          () -> {
                            Hash root = null;
                            for (int rep = 0; rep < 50; rep++) {
                              Hash[] level = new Hash[8];
                              for (int i = 0; i < 8; i++) {
                                level[i] = MerkleTree.leafHash(leafInput(i));
                              }
                              for (int w = 4; w >= 1; w /= 2) {
                                for (int i = 0; i < w; i++) {
                                  level[i] = MerkleTree.nodeHash(level[2 * i], level[2 * i + 1]);
                                }
                              }
                              root = level[0];
                            }
                            return root;
                          }))
              .toList();
      for (Future<Hash> f : results) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void largestPowerOfTwoLessThanSmallValues() {
    long[][] cases = {{2, 1}, {3, 2}, {4, 2}, {5, 4}, {7, 4}, {8, 4}, {9, 8}, {1L << 40, 1L << 39}};
    for (long[] c : cases) {
      assertThat(MerkleTree.largestPowerOfTwoLessThan(c[0])).as("n=%d", c[0]).isEqualTo(c[1]);
    }
    assertThat(MerkleTree.largestPowerOfTwoLessThan(Long.MAX_VALUE)).isEqualTo(1L << 62);
    assertThatThrownBy(() -> MerkleTree.largestPowerOfTwoLessThan(1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleTree.largestPowerOfTwoLessThan(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @TestFactory
  Stream<DynamicTest> largestPowerOfTwoLessThanIsTheRfcSplitPoint() {
    return SeededTrials.check(1000, g -> {
      long n = g.longBetween(2, Long.MAX_VALUE);
      long k = MerkleTree.largestPowerOfTwoLessThan(n);
      // RFC 9162 §2.1.1: k is the largest power of two smaller than n, so k < n <= 2k.
      assertThat(Long.bitCount(k)).isEqualTo(1);
      assertThat(k).isLessThan(n);
      assertThat(n - k).isLessThanOrEqualTo(k);
    });
  }
}
