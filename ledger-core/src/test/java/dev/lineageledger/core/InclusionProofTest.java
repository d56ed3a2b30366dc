package dev.lineageledger.core;

import static dev.lineageledger.core.RfcExampleTree.A;
import static dev.lineageledger.core.RfcExampleTree.B;
import static dev.lineageledger.core.RfcExampleTree.C;
import static dev.lineageledger.core.RfcExampleTree.D;
import static dev.lineageledger.core.RfcExampleTree.E;
import static dev.lineageledger.core.RfcExampleTree.F;
import static dev.lineageledger.core.RfcExampleTree.G;
import static dev.lineageledger.core.RfcExampleTree.H;
import static dev.lineageledger.core.RfcExampleTree.HASH;
import static dev.lineageledger.core.RfcExampleTree.I;
import static dev.lineageledger.core.RfcExampleTree.J;
import static dev.lineageledger.core.RfcExampleTree.K;
import static dev.lineageledger.core.RfcExampleTree.L;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lineageledger.core.TransparencyDevVectors.Probe;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 9162 §2.1.3.2 inclusion proof verification. */
class InclusionProofTest {
  private static final Hash ZERO = Hash.of(new byte[Hash.SIZE]);

  // ---- transparency-dev/merkle testdata/inclusion ----------------------------------------

  static Stream<Probe> representableProbes() {
    return TransparencyDevVectors.inclusionProbes().stream().filter(Probe::representable);
  }

  static Stream<Probe> unrepresentableProbes() {
    return TransparencyDevVectors.inclusionProbes().stream().filter(p -> !p.representable());
  }

  @Test
  void probeCounts() {
    assertThat(TransparencyDevVectors.inclusionProbes()).hasSize(98);
    assertThat(representableProbes()).hasSize(72);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("representableProbes")
  void transparencyDevProbe(Probe p) throws Exception {
    Hash leaf = Hash.fromBase64(p.leafOrRoot1());
    Hash root = Hash.fromBase64(p.root());
    List<Hash> proof = p.proofHashes();
    if (!p.wantErr()) {
      InclusionProof.verify(p.index(), p.size(), leaf, proof, root);
      return;
    }
    assertThatThrownBy(() -> InclusionProof.verify(p.index(), p.size(), leaf, proof, root))
        .isInstanceOf(VerificationException.class)
        .satisfies(e -> assertThat(e.getMessage()).containsAnyOf(fragmentsFor(p.desc())));
  }

  /** The Go verifier accepts any byte length; {@link Hash} rejects these before verification. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("unrepresentableProbes")
  void transparencyDevProbeWithNon32ByteHashIsRejectedAtParse(Probe p) {
    assertThat(p.wantErr()).isTrue();
    List<String> all = new ArrayList<>(p.proof());
    all.add(p.leafOrRoot1());
    all.add(p.root());
    String bad = all.stream().filter(s -> !TransparencyDevVectors.is32Bytes(s)).findFirst().get();
    assertThatThrownBy(() -> Hash.fromBase64(bad)).isInstanceOf(FormatException.class);
  }

  private static String[] fragmentsFor(String desc) {
    if (desc.startsWith("modified proof") || desc.equals("random root") || desc.equals("wrong leaf")) {
      return new String[] {"does not match"};
    }
    if (desc.endsWith("component") || desc.startsWith("trailing") || desc.startsWith("preceding")) {
      return new String[] {"proof has"};
    }
    // Index and size mutations fail at whichever check they reach first.
    return new String[] {"does not match", "proof has", ">= tree size", "is negative"};
  }

  // ---- RFC 9162 §2.1.5 example -----------------------------------------------------------

  @Test
  void rfcExampleProofsVerify() throws Exception {
    InclusionProof.verify(0, 7, A, List.of(B, H, L), HASH);
    InclusionProof.verify(3, 7, D, List.of(C, G, L), HASH);
    InclusionProof.verify(4, 7, E, List.of(F, J, K), HASH);
    InclusionProof.verify(6, 7, J, List.of(I, K), HASH);
  }

  @Test
  void singleLeafTreeHasEmptyProof() throws Exception {
    InclusionProof.verify(0, 1, A, List.of(), A);
    assertThat(InclusionProof.expectedPathLength(0, 1)).isZero();
  }

  // ---- named negative cases, on the RFC example's proof for d3 = [c, g, l] ---------------

  private static AbstractThrowableAssert<?, ? extends Throwable> verifyD3(
      long index, long size, Hash leaf, List<Hash> path, Hash root) {
    return assertThatThrownBy(() -> InclusionProof.verify(index, size, leaf, path, root))
        .isInstanceOf(VerificationException.class);
  }

  private static final List<Hash> D3_PATH = List.of(C, G, L);

  @Test
  void wrongIndex() {
    verifyD3(2, 7, D, D3_PATH, HASH).hasMessageContaining("does not match expected root");
    verifyD3(1, 7, D, D3_PATH, HASH).hasMessageContaining("does not match expected root");
  }

  @Test
  void negativeIndex() {
    verifyD3(-1, 7, D, D3_PATH, HASH).hasMessage("leaf index -1 is negative");
  }

  @Test
  void indexNotBelowSize() {
    verifyD3(7, 7, D, D3_PATH, HASH).hasMessage("leaf index 7 >= tree size 7");
    verifyD3(5, 5, D, D3_PATH, HASH).hasMessage("leaf index 5 >= tree size 5");
    verifyD3(0, 0, D, List.of(), MerkleTree.emptyRoot()).hasMessage("leaf index 0 >= tree size 0");
  }

  @Test
  void wrongSizeWithOtherPathLength() {
    verifyD3(3, 4, D, D3_PATH, HASH).hasMessage("proof has 3 hashes, expected 2");
    verifyD3(3, 16, D, D3_PATH, HASH).hasMessage("proof has 3 hashes, expected 4");
  }

  /**
   * Not a negative case: for a fixed index, the sibling sides below the level where the paths to
   * the leaf and to the last leaf fork are the index bits, and above it every sibling is on the
   * left, so a size that keeps the path length keeps the walk. d3's proof verifies for any size
   * 5..8 against the same root; the size must be authenticated by a signed checkpoint.
   */
  @Test
  void sizeIsBoundOnlyThroughThePathLength() throws Exception {
    for (long size = 5; size <= 8; size++) {
      InclusionProof.verify(3, size, D, D3_PATH, HASH);
    }
  }

  @Test
  void truncatedProof() {
    verifyD3(3, 7, D, D3_PATH.subList(0, 2), HASH).hasMessage("proof has 2 hashes, expected 3");
  }

  @Test
  void extendedProofWithTrailingHash() {
    verifyD3(3, 7, D, List.of(C, G, L, ZERO), HASH).hasMessage("proof has 4 hashes, expected 3");
    verifyD3(3, 7, D, List.of(C, G, L, HASH), HASH).hasMessage("proof has 4 hashes, expected 3");
  }

  @Test
  void extendedProofWithPrecedingHash() {
    verifyD3(3, 7, D, List.of(ZERO, C, G, L), HASH).hasMessage("proof has 4 hashes, expected 3");
  }

  @Test
  void emptyProofForNonTrivialTree() {
    verifyD3(3, 7, D, List.of(), HASH).hasMessage("proof has 0 hashes, expected 3");
  }

  @Test
  void eachHashBitFlipped() {
    for (int j = 0; j < D3_PATH.size(); j++) {
      for (int bit : new int[] {0, 3, 100, 255}) {
        List<Hash> mutated = new ArrayList<>(D3_PATH);
        mutated.set(j, flip(mutated.get(j), bit));
        verifyD3(3, 7, D, mutated, HASH)
            .as("proof[%d] bit %d", j, bit)
            .hasMessageStartingWith("calculated root ")
            .hasMessageContaining(" does not match expected root " + HASH.hex());
      }
    }
  }

  @Test
  void swappedHashes() {
    verifyD3(3, 7, D, List.of(G, C, L), HASH).hasMessageContaining("does not match");
    verifyD3(3, 7, D, List.of(C, L, G), HASH).hasMessageContaining("does not match");
  }

  @Test
  void wrongLeaf() {
    verifyD3(3, 7, C, D3_PATH, HASH).hasMessageContaining("does not match");
    verifyD3(3, 7, flip(D, 7), D3_PATH, HASH).hasMessageContaining("does not match");
  }

  @Test
  void wrongRoot() {
    verifyD3(3, 7, D, D3_PATH, flip(HASH, 0)).hasMessageContaining("does not match");
    verifyD3(3, 7, D, D3_PATH, MerkleTree.emptyRoot()).hasMessageContaining("does not match");
    verifyD3(3, 7, D, D3_PATH, K).hasMessageContaining("does not match");
  }

  @Test
  void mismatchMessageNamesBothRoots() throws Exception {
    Hash calculated = InclusionProof.rootFromInclusionProof(3, 7, D, D3_PATH);
    assertThat(calculated).isEqualTo(HASH);
    verifyD3(3, 7, D, D3_PATH, ZERO)
        .hasMessage("calculated root " + HASH.hex() + " does not match expected root " + ZERO.hex());
  }

  @Test
  void nullsAreProgrammingErrors() {
    assertThatThrownBy(() -> InclusionProof.verify(3, 7, null, D3_PATH, HASH))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> InclusionProof.verify(3, 7, D, null, HASH))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> InclusionProof.verify(3, 7, D, D3_PATH, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> InclusionProof.verify(3, 7, D, java.util.Arrays.asList(C, null, L), HASH))
        .isInstanceOf(NullPointerException.class);
  }

  // ---- the value type --------------------------------------------------------------------

  @Test
  void instanceVerifyUsesItsFields() throws Exception {
    new InclusionProof(3, 7, D3_PATH).verify(D, HASH);
    assertThatThrownBy(() -> new InclusionProof(2, 7, D3_PATH).verify(D, HASH))
        .isInstanceOf(VerificationException.class);
  }

  @Test
  void valueCopiesPathAndComparesByValue() {
    List<Hash> path = new ArrayList<>(D3_PATH);
    InclusionProof p = new InclusionProof(3, 7, path);
    path.clear();
    assertThat(p.path()).containsExactly(C, G, L);
    assertThat(p).isEqualTo(new InclusionProof(3, 7, List.of(C, G, L)));
    assertThatThrownBy(() -> p.path().add(ZERO)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void valueRejectsImpossibleFields() {
    assertThatThrownBy(() -> new InclusionProof(-1, 7, D3_PATH))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new InclusionProof(0, -7, D3_PATH))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new InclusionProof(0, 7, null))
        .isInstanceOf(NullPointerException.class);
    // Index/size/length mismatches are representable: verify() reports them as checked failures.
    assertThatCode(() -> new InclusionProof(9, 7, List.of())).doesNotThrowAnyException();
  }

  // ---- expected path length --------------------------------------------------------------

  @Test
  void expectedPathLengthMatchesReferencePathForAllSmallTrees() {
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(64, 1);
    for (int n = 1; n <= 64; n++) {
      for (int m = 0; m < n; m++) {
        assertThat(InclusionProof.expectedPathLength(m, n))
            .as("PATH(%d, D[%d])", m, n)
            .isEqualTo(ref.path(m, n).size());
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> expectedPathLengthIsAtMostCeilLog2() {
    return SeededTrials.check(1000, g -> expectedPathLengthIsAtMostCeilLog2(g.longBetween(1, Long.MAX_VALUE), g.longBetween(0, Long.MAX_VALUE)));
  }

  private void expectedPathLengthIsAtMostCeilLog2(long size, long anyIndex) {
    long index = anyIndex % size;
    int ceilLog2 = 64 - Long.numberOfLeadingZeros(size - 1);
    assertThat(InclusionProof.expectedPathLength(index, size)).isBetween(0, ceilLog2);
  }

  // ---- properties against the RFC reference tree -----------------------------------------

  @TestFactory
  Stream<DynamicTest> referencePathVerifiesAndEveryMutationFails() {
    return SeededTrials.check(300, g -> referencePathVerifiesAndEveryMutationFails(g.intBetween(1, 300), g.intBetween(0, 299), g.intBetween(0, 255), g.nextLong()));
  }

  private void referencePathVerifiesAndEveryMutationFails(int n, int anyIndex, int bit, long seed) throws Exception {
    int m = anyIndex % n;
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(n, seed);
    Hash leaf = ref.leaf(m);
    Hash root = ref.root(n);
    List<Hash> path = ref.path(m, n);

    InclusionProof.verify(m, n, leaf, path, root);

    for (int j = 0; j < path.size(); j++) {
      List<Hash> mutated = new ArrayList<>(path);
      mutated.set(j, flip(path.get(j), bit));
      assertThatThrownBy(() -> InclusionProof.verify(m, n, leaf, mutated, root))
          .isInstanceOf(VerificationException.class);
    }
    if (path.size() >= 2) {
      List<Hash> swapped = new ArrayList<>(path);
      Collections.swap(swapped, 0, 1);
      assertThatThrownBy(() -> InclusionProof.verify(m, n, leaf, swapped, root))
          .isInstanceOf(VerificationException.class);
    }
    assertThatThrownBy(() -> InclusionProof.verify(m, n, flip(leaf, bit), path, root))
        .isInstanceOf(VerificationException.class);
    assertThatThrownBy(() -> InclusionProof.verify(m, n, leaf, path, flip(root, bit)))
        .isInstanceOf(VerificationException.class);
  }

  /**
   * RFC 9162 §2.1.3.2 computes the root from the hashes and from left/right choices that depend
   * only on (index, size). The proof therefore binds (index, size) only up to that walk: leaf 0's
   * proof in a 4-leaf tree also verifies as leaf 0 of a 3-leaf tree against the same root. (That
   * is why tree sizes must come from a signed checkpoint.) The law: a proof verifies under
   * changed (index, size) exactly when the changed pair takes the same walk.
   */
  @TestFactory
  Stream<DynamicTest> changedIndexOrSizeVerifiesOnlyWithTheSameWalk() {
    return SeededTrials.check(300, g -> changedIndexOrSizeVerifiesOnlyWithTheSameWalk(g.intBetween(1, 300), g.intBetween(0, 299), g.nextLong()));
  }

  private void changedIndexOrSizeVerifiesOnlyWithTheSameWalk(int n, int anyIndex, long seed) throws Exception {
    int m = anyIndex % n;
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(n, seed);
    Hash leaf = ref.leaf(m);
    Hash root = ref.root(n);
    List<Hash> path = ref.path(m, n);
    String walk = rfcWalk(m, n);
    long[][] changes = {
      {m - 1, n}, {m + 1, n}, {m ^ 2, n}, {m, n - 1}, {m, n + 1}, {m, 2L * n}, {m, n / 2},
      {m + 1, n + 1}, {m - 1, n - 1}
    };
    for (long[] c : changes) {
      boolean sameWalk = rfcWalk(c[0], c[1]).equals(walk);
      if (sameWalk) {
        assertThatCode(() -> InclusionProof.verify(c[0], c[1], leaf, path, root))
            .as("(%d, %d) walks like (%d, %d)", c[0], c[1], m, n)
            .doesNotThrowAnyException();
      } else {
        assertThatThrownBy(() -> InclusionProof.verify(c[0], c[1], leaf, path, root))
            .as("(%d, %d) instead of (%d, %d)", c[0], c[1], m, n)
            .isInstanceOf(VerificationException.class);
      }
    }
  }

  @Test
  void sameWalkExampleFromTheJavadoc() throws Exception {
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(4, 0);
    InclusionProof.verify(0, 3, ref.leaf(0), ref.path(0, 4), ref.root(4));
  }

  /**
   * The sequence of sibling sides RFC 9162 §2.1.3.2 step 4 takes for (index, size), run until
   * sn reaches 0 (so its length is the path length); a test-side simulation without hashing.
   */
  static String rfcWalk(long index, long size) {
    if (index < 0 || index >= size) {
      return "out of range";
    }
    StringBuilder sides = new StringBuilder();
    long fn = index;
    long sn = size - 1;
    while (sn != 0) {
      if ((fn & 1) == 1 || fn == sn) {
        sides.append('L');
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sides.append('R');
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sides.toString();
  }

  static Hash flip(Hash h, int bit) {
    byte[] b = h.bytes();
    b[bit / 8] ^= (byte) (1 << (bit % 8));
    return Hash.of(b);
  }
}
