package dev.lineageledger.core;

import static dev.lineageledger.core.InclusionProofTest.flip;
import static dev.lineageledger.core.RfcExampleTree.C;
import static dev.lineageledger.core.RfcExampleTree.D;
import static dev.lineageledger.core.RfcExampleTree.G;
import static dev.lineageledger.core.RfcExampleTree.HASH;
import static dev.lineageledger.core.RfcExampleTree.HASH0;
import static dev.lineageledger.core.RfcExampleTree.HASH1;
import static dev.lineageledger.core.RfcExampleTree.HASH2;
import static dev.lineageledger.core.RfcExampleTree.I;
import static dev.lineageledger.core.RfcExampleTree.J;
import static dev.lineageledger.core.RfcExampleTree.K;
import static dev.lineageledger.core.RfcExampleTree.L;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lineageledger.core.TransparencyDevVectors.Probe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 9162 §2.1.4.2 consistency proof verification. */
class ConsistencyProofTest {
  private static final Hash ZERO = Hash.of(new byte[Hash.SIZE]);
  private static final Hash EMPTY = MerkleTree.emptyRoot();

  // ---- transparency-dev/merkle testdata/consistency --------------------------------------

  static Stream<Probe> representableProbes() {
    return TransparencyDevVectors.consistencyProbes().stream().filter(Probe::representable);
  }

  static Stream<Probe> unrepresentableProbes() {
    return TransparencyDevVectors.consistencyProbes().stream().filter(p -> !p.representable());
  }

  @Test
  void probeCounts() {
    assertThat(TransparencyDevVectors.consistencyProbes()).hasSize(98);
    assertThat(representableProbes()).hasSize(71);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("representableProbes")
  void transparencyDevProbe(Probe p) throws Exception {
    Hash root1 = Hash.fromBase64(p.leafOrRoot1());
    Hash root2 = Hash.fromBase64(p.root());
    List<Hash> proof = p.proofHashes();
    if (!p.wantErr()) {
      ConsistencyProof.verify(p.index(), p.size(), root1, root2, proof);
      return;
    }
    assertThatThrownBy(() -> ConsistencyProof.verify(p.index(), p.size(), root1, root2, proof))
        .isInstanceOf(VerificationException.class)
        .satisfies(e -> assertThat(e.getMessage()).containsAnyOf(fragmentsFor(p.desc())));
  }

  /**
   * The Go verifier compares byte slices of any length; several "additional" probes use 12-byte
   * "don't care" roots. {@link Hash} cannot hold them, so parsing rejects them. One such probe
   * expects success (equal sizes, equal 12-byte roots, empty proof);
   * {@link #equalSizesEqualRootsEmptyProofVerifies} covers the same case with 32-byte roots.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("unrepresentableProbes")
  void transparencyDevProbeWithNon32ByteHashIsRejectedAtParse(Probe p) {
    if (!p.wantErr()) {
      assertThat(p.file())
          .isEqualTo("testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json");
    }
    List<String> all = new ArrayList<>(p.proof());
    all.add(p.leafOrRoot1());
    all.add(p.root());
    String bad = all.stream().filter(s -> !TransparencyDevVectors.is32Bytes(s)).findFirst().get();
    assertThatThrownBy(() -> Hash.fromBase64(bad)).isInstanceOf(FormatException.class);
  }

  private static String[] fragmentsFor(String desc) {
    if (desc.startsWith("modified proof") || desc.startsWith("wrong root")
        || desc.equals("swapped roots")) {
      return new String[] {"does not match"};
    }
    if (desc.startsWith("trailing") || desc.startsWith("preceding") || desc.equals("empty proof")
        || desc.equals("truncated proof") || desc.startsWith("sizes match but proof is not empty")
        || desc.startsWith("consistency check on empty tree")) {
      return new String[] {"proof has"};
    }
    // Size mutations fail at whichever check they reach first.
    return new String[] {"does not match", "proof has", "> new size", "is negative"};
  }

  // ---- RFC 9162 §2.1.5 example -----------------------------------------------------------

  @Test
  void rfcExampleProofsVerify() throws Exception {
    // PROOF(3, D[7]) = [c, d, g, l]: c, g verify hash0; d, l extend it to hash.
    ConsistencyProof.verify(3, 7, HASH0, HASH, List.of(C, D, G, L));
    // PROOF(4, D[7]) = [l]: hash = HASH(hash1 || l).
    ConsistencyProof.verify(4, 7, HASH1, HASH, List.of(L));
    // PROOF(6, D[7]) = [i, j, k]: k, i verify hash2; j extends it.
    ConsistencyProof.verify(6, 7, HASH2, HASH, List.of(I, J, K));
  }

  // ---- degenerate sizes ------------------------------------------------------------------

  @Test
  void equalSizesEqualRootsEmptyProofVerifies() throws Exception {
    ConsistencyProof.verify(7, 7, HASH, HASH, List.of());
    ConsistencyProof.verify(1, 1, ZERO, ZERO, List.of());
    ConsistencyProof.verify(0, 0, EMPTY, EMPTY, List.of());
  }

  @Test
  void equalSizesWithNonEmptyProof() {
    verify(7, 7, HASH, HASH, List.of(L))
        .hasMessage("proof has 1 hashes, expected 0 for equal tree sizes");
    verify(0, 0, EMPTY, EMPTY, List.of(EMPTY))
        .hasMessage("proof has 1 hashes, expected 0 for equal tree sizes");
  }

  @Test
  void equalSizesWithDifferentRoots() {
    verify(7, 7, HASH, HASH0, List.of())
        .hasMessage("old root " + HASH.hex() + " does not match new root " + HASH0.hex()
            + " for equal tree sizes 7");
  }

  @Test
  void oldSizeZeroIsConsistentWithEveryTreeGivenAnEmptyProof() throws Exception {
    ConsistencyProof.verify(0, 7, EMPTY, HASH, List.of());
    ConsistencyProof.verify(0, 1, EMPTY, ZERO, List.of());
  }

  @Test
  void oldSizeZeroWithNonEmptyProof() {
    verify(0, 7, EMPTY, HASH, List.of(HASH))
        .hasMessage("proof has 1 hashes, expected 0 for old size 0");
  }

  @Test
  void oldSizeZeroWithRootOtherThanTheEmptyTreeHash() {
    verify(0, 7, ZERO, HASH, List.of())
        .hasMessage("old root " + ZERO.hex() + " is not the empty-tree root " + EMPTY.hex()
            + " for tree size 0");
    verify(0, 0, ZERO, ZERO, List.of()).hasMessageContaining("is not the empty-tree root");
  }

  // ---- named negative cases, on PROOF(3, D[7]) = [c, d, g, l] -----------------------------

  private static final List<Hash> P37 = List.of(C, D, G, L);

  private static AbstractThrowableAssert<?, ? extends Throwable> verify(
      long oldSize, long newSize, Hash oldRoot, Hash newRoot, List<Hash> path) {
    return assertThatThrownBy(() -> ConsistencyProof.verify(oldSize, newSize, oldRoot, newRoot, path))
        .isInstanceOf(VerificationException.class);
  }

  @Test
  void negativeOldSize() {
    verify(-1, 7, HASH0, HASH, P37).hasMessage("old size -1 is negative");
  }

  @Test
  void oldSizeGreaterThanNewSize() {
    verify(8, 7, HASH0, HASH, P37).hasMessage("old size 8 > new size 7");
    verify(0, -1, EMPTY, HASH, List.of()).hasMessage("old size 0 > new size -1");
  }

  @Test
  void wrongOldSize() {
    verify(4, 7, HASH0, HASH, P37).hasMessage("proof has 4 hashes, expected 1");
    verify(5, 7, HASH0, HASH, P37).hasMessageContaining("does not match");
    verify(2, 7, HASH0, HASH, P37).hasMessage("proof has 4 hashes, expected 2");
  }

  @Test
  void wrongNewSize() {
    verify(3, 4, HASH0, HASH, P37).hasMessage("proof has 4 hashes, expected 3");
    verify(3, 16, HASH0, HASH, P37).hasMessage("proof has 4 hashes, expected 5");
  }

  @Test
  void truncatedProof() {
    verify(3, 7, HASH0, HASH, P37.subList(0, 3)).hasMessage("proof has 3 hashes, expected 4");
  }

  @Test
  void extendedProofWithTrailingHash() {
    verify(3, 7, HASH0, HASH, List.of(C, D, G, L, ZERO)).hasMessage("proof has 5 hashes, expected 4");
    verify(3, 7, HASH0, HASH, List.of(C, D, G, L, HASH)).hasMessage("proof has 5 hashes, expected 4");
  }

  @Test
  void extendedProofWithPrecedingHash() {
    verify(3, 7, HASH0, HASH, List.of(HASH0, C, D, G, L))
        .hasMessage("proof has 5 hashes, expected 4");
  }

  @Test
  void emptyProofForNonTrivialSizes() {
    verify(3, 7, HASH0, HASH, List.of()).hasMessage("proof has 0 hashes, expected 4");
    verify(4, 7, HASH1, HASH, List.of()).hasMessage("proof has 0 hashes, expected 1");
  }

  @Test
  void eachHashBitFlipped() {
    for (int j = 0; j < P37.size(); j++) {
      for (int bit : new int[] {0, 4, 131, 255}) {
        List<Hash> mutated = new ArrayList<>(P37);
        mutated.set(j, flip(mutated.get(j), bit));
        // c and g rebuild the old root, so flipping them is caught there; d and l only feed the
        // new root.
        String which = (j == 0 || j == 2) ? "calculated old root " : "calculated new root ";
        verify(3, 7, HASH0, HASH, mutated)
            .as("proof[%d] bit %d", j, bit)
            .hasMessageStartingWith(which)
            .hasMessageContaining(" does not match expected ");
      }
    }
  }

  @Test
  void swappedHashes() {
    verify(3, 7, HASH0, HASH, List.of(D, C, G, L)).hasMessageContaining("does not match");
    verify(3, 7, HASH0, HASH, List.of(C, D, L, G)).hasMessageContaining("does not match");
  }

  @Test
  void wrongOldRoot() {
    verify(3, 7, flip(HASH0, 9), HASH, P37)
        .hasMessage("calculated old root " + HASH0.hex() + " does not match expected old root "
            + flip(HASH0, 9).hex());
    // A power-of-two old tree's root seeds both computations, so a wrong one shows in the new root.
    verify(4, 7, flip(HASH1, 9), HASH, List.of(L)).hasMessageStartingWith("calculated new root ");
  }

  @Test
  void wrongNewRoot() {
    verify(3, 7, HASH0, flip(HASH, 1), P37)
        .hasMessage("calculated new root " + HASH.hex() + " does not match expected new root "
            + flip(HASH, 1).hex());
  }

  @Test
  void swappedRoots() {
    verify(3, 7, HASH, HASH0, P37).hasMessageContaining("does not match");
  }

  @Test
  void nullsAreProgrammingErrors() {
    assertThatThrownBy(() -> ConsistencyProof.verify(3, 7, null, HASH, P37))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ConsistencyProof.verify(3, 7, HASH0, null, P37))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ConsistencyProof.verify(3, 7, HASH0, HASH, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ConsistencyProof.verify(3, 7, HASH0, HASH, Arrays.asList(C, null, G, L)))
        .isInstanceOf(NullPointerException.class);
  }

  // ---- the value type --------------------------------------------------------------------

  @Test
  void instanceVerifyUsesItsFields() throws Exception {
    new ConsistencyProof(3, 7, P37).verify(HASH0, HASH);
    assertThatThrownBy(() -> new ConsistencyProof(3, 7, P37).verify(HASH, HASH0))
        .isInstanceOf(VerificationException.class);
  }

  @Test
  void valueCopiesPathAndRejectsImpossibleFields() {
    List<Hash> path = new ArrayList<>(P37);
    ConsistencyProof p = new ConsistencyProof(3, 7, path);
    path.clear();
    assertThat(p.path()).containsExactly(C, D, G, L);
    assertThat(p).isEqualTo(new ConsistencyProof(3, 7, P37));
    assertThatThrownBy(() -> new ConsistencyProof(-1, 7, P37))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConsistencyProof(3, -7, P37))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConsistencyProof(3, 7, null))
        .isInstanceOf(NullPointerException.class);
    assertThatCode(() -> new ConsistencyProof(9, 7, List.of())).doesNotThrowAnyException();
  }

  // ---- expected proof length -------------------------------------------------------------

  @Test
  void expectedProofLengthMatchesReferenceProofForAllSmallPairs() {
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(64, 2);
    for (int n = 2; n <= 64; n++) {
      int ceilLog2 = 32 - Integer.numberOfLeadingZeros(n - 1);
      for (int m = 1; m < n; m++) {
        int length = ConsistencyProof.expectedProofLength(m, n);
        assertThat(length).as("PROOF(%d, D[%d])", m, n).isEqualTo(ref.proof(m, n).size());
        // RFC 9162 §2.1.4.1: at most ceil(log2(n)) + 1 nodes.
        assertThat(length).isBetween(1, ceilLog2 + 1);
      }
    }
    assertThatThrownBy(() -> ConsistencyProof.expectedProofLength(0, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConsistencyProof.expectedProofLength(5, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void expectedProofLengthForHugeTrees() {
    assertThat(ConsistencyProof.expectedProofLength(1, Long.MAX_VALUE)).isEqualTo(63);
    assertThat(ConsistencyProof.expectedProofLength(Long.MAX_VALUE - 1, Long.MAX_VALUE))
        .isBetween(1, 64);
  }

  // ---- all pairs and properties against the RFC reference tree ----------------------------

  @Test
  void referenceProofsVerifyForAllPairsUpTo64() throws Exception {
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(64, 3);
    for (int n = 0; n <= 64; n++) {
      for (int m = 0; m <= n; m++) {
        ConsistencyProof.verify(m, n, ref.root(m), ref.root(n), ref.proof(m, n));
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> referenceProofVerifiesAndEveryAlteredHashFails() {
    return SeededTrials.check(300, g -> referenceProofVerifiesAndEveryAlteredHashFails(g.intBetween(1, 300), g.intBetween(1, 300), g.intBetween(0, 255), g.nextLong()));
  }

  private void referenceProofVerifiesAndEveryAlteredHashFails(int n, int anyOld, int bit, long seed) throws Exception {
    int m = 1 + (anyOld - 1) % n;
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(n, seed);
    Hash oldRoot = ref.root(m);
    Hash newRoot = ref.root(n);
    List<Hash> proof = ref.proof(m, n);

    ConsistencyProof.verify(m, n, oldRoot, newRoot, proof);

    for (int j = 0; j < proof.size(); j++) {
      List<Hash> mutated = new ArrayList<>(proof);
      mutated.set(j, flip(proof.get(j), bit));
      assertThatThrownBy(() -> ConsistencyProof.verify(m, n, oldRoot, newRoot, mutated))
          .isInstanceOf(VerificationException.class);
    }
    if (proof.size() >= 2) {
      List<Hash> swapped = new ArrayList<>(proof);
      Collections.swap(swapped, 0, proof.size() - 1);
      assertThatThrownBy(() -> ConsistencyProof.verify(m, n, oldRoot, newRoot, swapped))
          .isInstanceOf(VerificationException.class);
    }
    assertThatThrownBy(() -> ConsistencyProof.verify(m, n, flip(oldRoot, bit), newRoot, proof))
        .isInstanceOf(VerificationException.class);
    assertThatThrownBy(() -> ConsistencyProof.verify(m, n, oldRoot, flip(newRoot, bit), proof))
        .isInstanceOf(VerificationException.class);
  }

  /**
   * As for inclusion proofs (see InclusionProofTest), RFC 9162 §2.1.4.2 binds the sizes only
   * through the walk they induce: PROOF(2, D[3]) = [c] also verifies as a proof from 2 to 4
   * against the same roots. A proof verifies under changed sizes exactly when they take the same
   * walk. (Equal sizes and old size 0 take no walk: their proof is empty, so a non-empty proof
   * always fails under them; they are covered by the named tests above.)
   */
  @TestFactory
  Stream<DynamicTest> changedSizesVerifyOnlyWithTheSameWalk() {
    return SeededTrials.check(300, g -> changedSizesVerifyOnlyWithTheSameWalk(g.intBetween(2, 300), g.intBetween(1, 300), g.nextLong()));
  }

  private void changedSizesVerifyOnlyWithTheSameWalk(int n, int anyOld, long seed) throws Exception {
    int m = 1 + (anyOld - 1) % (n - 1);
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(n, seed);
    Hash oldRoot = ref.root(m);
    Hash newRoot = ref.root(n);
    List<Hash> proof = ref.proof(m, n);
    String walk = rfcWalk(m, n);
    long[][] changes = {
      {m - 1, n}, {m + 1, n}, {m ^ 2, n}, {m, n - 1}, {m, n + 1}, {m, 2L * n}, {m, n / 2},
      {2L * m, 2L * n}, {m + 1, n + 1}
    };
    for (long[] c : changes) {
      if (rfcWalk(c[0], c[1]).equals(walk)) {
        assertThatCode(() -> ConsistencyProof.verify(c[0], c[1], oldRoot, newRoot, proof))
            .as("(%d, %d) walks like (%d, %d)", c[0], c[1], m, n)
            .doesNotThrowAnyException();
      } else {
        assertThatThrownBy(() -> ConsistencyProof.verify(c[0], c[1], oldRoot, newRoot, proof))
            .as("(%d, %d) instead of (%d, %d)", c[0], c[1], m, n)
            .isInstanceOf(VerificationException.class);
      }
    }
  }

  @Test
  void sameWalkExampleFromTheJavadoc() throws Exception {
    ReferenceMerkleTree ref = ReferenceMerkleTree.ofSize(3, 0);
    ConsistencyProof.verify(2, 4, ref.root(2), ref.root(3), ref.proof(2, 3));
  }

  /**
   * The shape of the RFC 9162 §2.1.4.2 computation for (oldSize, newSize), simulated without
   * hashing: whether first_hash is prepended, then per proof hash whether it extends both roots
   * ('B') or only the new one ('R'), until sn reaches 0. Degenerate sizes get their own labels.
   */
  static String rfcWalk(long oldSize, long newSize) {
    if (oldSize < 0 || oldSize > newSize) {
      return "invalid";
    }
    if (oldSize == newSize) {
      return "equal sizes";
    }
    if (oldSize == 0) {
      return "old size 0";
    }
    StringBuilder walk = new StringBuilder(Long.bitCount(oldSize) == 1 ? "prepend:" : "seed:");
    long fn = oldSize - 1;
    long sn = newSize - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    while (sn != 0) {
      if ((fn & 1) == 1 || fn == sn) {
        walk.append('B');
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        walk.append('R');
      }
      fn >>= 1;
      sn >>= 1;
    }
    return walk.toString();
  }
}
