package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Ledger#subtreeHash}: the stored perfect-subtree hashes tlog-tiles serves. */
class SubtreeHashTest {
  @TempDir Path dir;

  @Test
  void everyCompleteSubtreeMatchesTheMerkleTreeHashOfItsLeaves() throws Exception {
    TestLedgers keys = TestLedgers.keys();
    try (Ledger l = keys.create(dir.resolve("l.db"), SigningMode.CHECKPOINT_ONLY)) {
      List<Hash> leaves = new ArrayList<>();
      for (int i = 0; i < 37; i++) {
        leaves.add(l.append(TestLedgers.dataset("d" + i, "v1", i)).leafHash());
      }
      for (int level = 0; level <= 5; level++) {
        int width = 1 << level;
        for (int index = 0; (index + 1) * width <= leaves.size(); index++) {
          Hash expected = new ReferenceMerkleTree(leaves).mth(index * width, (index + 1) * width);
          assertThat(l.subtreeHash(level, index)).as("%d/%d", level, index).isEqualTo(expected);
        }
      }
      // 37 leaves: the subtree 5/1 (leaves 32..63) is not complete, nor is 0/37.
      assertThatThrownBy(() -> l.subtreeHash(5, 1)).isInstanceOf(InvalidRecordException.class)
          .hasMessageContaining("not complete in a tree of size 37");
      assertThatThrownBy(() -> l.subtreeHash(0, 37)).isInstanceOf(InvalidRecordException.class);
      assertThatThrownBy(() -> l.subtreeHash(-1, 0)).isInstanceOf(InvalidRecordException.class);
      assertThatThrownBy(() -> l.subtreeHash(70, 0)).isInstanceOf(InvalidRecordException.class);
    }
  }
}
