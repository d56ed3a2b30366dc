package dev.lineageledger.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.ConsistencyProof;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.InclusionProof;
import dev.lineageledger.core.InclusionProofFile;
import dev.lineageledger.core.VerificationException;

/**
 * Proof files as {@code ledger verify-proof} reads them ({@link InclusionProofFile}), then verification
 * against the fixed fuzz key. Only the LedgerException family may come out. Law: a proof that
 * verifies is true of {@link FuzzTree} (the only tree the fuzz key signs).
 *
 * <p>The fuzzed numbers and hashes also go, unchecked, straight into {@link
 * InclusionProof#verify(long, long, dev.lineageledger.core.Hash, java.util.List,
 * dev.lineageledger.core.Hash)} and {@link ConsistencyProof#verify(long, long,
 * dev.lineageledger.core.Hash, dev.lineageledger.core.Hash, java.util.List)}, whose precondition
 * checks must turn any sizes (up to 2^53) into a {@link VerificationException}.
 */
class ProofJsonFuzzTest {

  @FuzzTest
  void proofJson(byte[] input) {
    InclusionProofFile p;
    try {
      p = InclusionProofFile.parse(input);
    } catch (FormatException e) {
      Oracles.oneLine(e);
      return;
    }
    try {
      Checkpoint cp = p.verify(FuzzKeys.TRUSTED, FuzzKeys.ORIGIN);
      assertThat(cp.size()).isEqualTo(p.size()).isBetween(1L, (long) FuzzTree.SIZE);
      assertThat(p.leafHash()).as("verified leaf").isEqualTo(FuzzTree.leaf(p.index()));
      assertThat(cp.root()).isEqualTo(FuzzTree.root((int) cp.size()));
    } catch (FormatException | VerificationException e) {
      Oracles.oneLine(e);
    }
    try {
      InclusionProof.verify(p.index(), p.size(), p.leafHash(), p.proof(), p.leafHash());
    } catch (VerificationException e) {
      Oracles.oneLine(e);
    }
    try {
      ConsistencyProof.verify(p.index(), p.size(), p.leafHash(), p.leafHash(), p.proof());
    } catch (VerificationException e) {
      Oracles.oneLine(e);
    }
  }
}
