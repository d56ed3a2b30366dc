package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Laws of the stored ledger: round trip, and proofs between any sizes from stored nodes. */
class LedgerPropertiesTest {
  private static Path dir;
  private static Ledger ledger;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  /** Roots computed in memory from the receipts, independently of the stored tree nodes. */
  private static final List<Hash> ROOTS = new ArrayList<>();

  @BeforeAll
  static void build() throws Exception {
    dir = Files.createTempDirectory("props");
    ledger = TestLedgers.keys().create(dir.resolve("p.ledger"), SigningMode.CHECKPOINT_ONLY);
    CompactRange range = new CompactRange();
    ROOTS.add(range.root());
    for (int i = 0; i < 70; i++) {
      range.append(ledger.append(TestLedgers.dataset("d" + (i % 7), "v" + i, i)).leafHash());
      ROOTS.add(range.root());
    }
  }

  @AfterAll
  static void close() {
    ledger.close();
  }

  /** A custom-kind body of up to six fields: strings, doubles, integers within ±2^53, booleans. */
  private static ObjectNode customBody(Gen g) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (int i = g.intBetween(0, 6); i > 0; i--) {
      Object v = switch (g.nextInt(4)) {
        case 0 -> g.text(40);
        case 1 -> g.nextBoolean() ? Double.longBitsToDouble(g.nextLong()) : g.nextGaussian() * 1e6;
        case 2 -> g.longBetween(-(1L << 53), 1L << 53);
        default -> g.nextBoolean();
      };
      if (v instanceof Double d && !Double.isFinite(d)) {
        v = 0.5;
      }
      o.set("f" + g.string('a', 'z', 1, 8), JSON.valueToTree(v));
    }
    return o;
  }

  @TestFactory
  Stream<DynamicTest> appendThenReadReturnsTheSameBodyAndHash() {
    return SeededTrials.check(60, g -> appendThenReadReturnsTheSameBodyAndHash(customBody(g)));
  }

  private void appendThenReadReturnsTheSameBodyAndHash(ObjectNode body) throws Exception {
    RecordDraft d = RecordDraft.of("org.example/prop", "prop@test", body);
    Receipt r = ledger.append(d);
    LedgerRecord back = ledger.record(r.seq()).orElseThrow();
    assertThat(back.leafHash()).isEqualTo(r.leafHash());
    assertThat(back.body()).isEqualTo(CanonicalJson.parse(CanonicalJson.canonicalize(body)));
    assertThat(MerkleTree.leafHash(back.canonicalBytes())).isEqualTo(r.leafHash());
    assertThat(ledger.record(r.leafHash()).orElseThrow().seq()).isEqualTo(r.seq());
  }

  @TestFactory
  Stream<DynamicTest> proofsBetweenAnySizesVerifyAndFailWhenAltered() {
    return SeededTrials.check(150, g -> proofsBetweenAnySizesVerifyAndFailWhenAltered(g.intBetween(1, 70), g.intBetween(0, 69), g.intBetween(0, 255)));
  }

  private void proofsBetweenAnySizesVerifyAndFailWhenAltered(int n, int mPick, int flip) throws Exception {
    int m = 1 + mPick % n;
    ConsistencyProof c = ledger.proveConsistency(m, n);
    c.verify(ROOTS.get(m), ROOTS.get(n));
    long leaf = mPick % n;
    InclusionProof p = ledger.proveInclusion(leaf, n);
    Hash leafHash = ledger.record(leaf).orElseThrow().leafHash();
    p.verify(leafHash, ROOTS.get(n));
    if (!c.path().isEmpty()) {
      List<Hash> altered = new ArrayList<>(c.path());
      int i = flip % altered.size();
      byte[] b = altered.get(i).bytes();
      b[flip % 32] ^= 1;
      altered.set(i, Hash.of(b));
      assertThatThrownBy(() -> ConsistencyProof.verify(m, n, ROOTS.get(m), ROOTS.get(n), altered))
          .isInstanceOf(VerificationException.class);
    }
    if (!p.path().isEmpty()) {
      List<Hash> altered = new ArrayList<>(p.path());
      int i = flip % altered.size();
      byte[] b = altered.get(i).bytes();
      b[(flip + 7) % 32] ^= 0x40;
      altered.set(i, Hash.of(b));
      assertThatThrownBy(() -> InclusionProof.verify(leaf, n, leafHash, altered, ROOTS.get(n)))
          .isInstanceOf(VerificationException.class);
    }
  }
}
