package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;

/** Laws of the stored ledger: round trip, and proofs between any sizes from stored nodes. */
class LedgerPropertiesTest {
  private static Path dir;
  private static Ledger ledger;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  /** Roots computed in memory from the receipts, independently of the stored tree nodes. */
  private static final List<Hash> ROOTS = new ArrayList<>();

  @BeforeContainer
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

  @AfterContainer
  static void close() {
    ledger.close();
  }

  @Provide
  Arbitrary<ObjectNode> customBodies() {
    Arbitrary<String> keys = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    Arbitrary<Object> values = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.longs().between(-(1L << 53), 1L << 53).map(l -> (Object) l),
        Arbitraries.of(true, false).map(b -> (Object) b));
    return Arbitraries.maps(keys, values).ofMaxSize(6).map(m -> {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      m.forEach((k, v) -> o.set("f" + k, JSON.valueToTree(v)));
      return o;
    });
  }

  @Property(tries = 60)
  void appendThenReadReturnsTheSameBodyAndHash(@ForAll("customBodies") ObjectNode body)
      throws Exception {
    RecordDraft d = RecordDraft.of("org.example/prop", "prop@test", body);
    Receipt r = ledger.append(d);
    LedgerRecord back = ledger.record(r.seq()).orElseThrow();
    assertThat(back.leafHash()).isEqualTo(r.leafHash());
    assertThat(back.body()).isEqualTo(CanonicalJson.parse(CanonicalJson.canonicalize(body)));
    assertThat(MerkleTree.leafHash(back.canonicalBytes())).isEqualTo(r.leafHash());
    assertThat(ledger.record(r.leafHash()).orElseThrow().seq()).isEqualTo(r.seq());
  }

  @Property(tries = 150)
  void proofsBetweenAnySizesVerifyAndFailWhenAltered(
      @ForAll @IntRange(min = 1, max = 70) int n, @ForAll @IntRange(min = 0, max = 69) int mPick,
      @ForAll @IntRange(min = 0, max = 255) int flip) throws Exception {
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
