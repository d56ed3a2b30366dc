package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync_state table: values beside the chain, compare-and-set, invisible to verification. */
class SyncStateTest {
  @TempDir Path dir;
  final TestLedgers t = TestLedgers.keys();

  @Test
  void compareAndSetStoresReadsAndRefusesStaleExpectations() throws Exception {
    Path file = dir.resolve("s.ledger");
    try (Ledger l = t.create(file, SigningMode.CHECKPOINT_ONLY)) {
      TestLedgers.pipeline(l, 1);
      assertThat(l.syncState("purview:x")).isEmpty();
      assertThat(l.compareAndSetSyncState("purview:x", null, "{\"next\":3}")).isTrue();
      assertThat(l.compareAndSetSyncState("purview:x", null, "{\"next\":4}")).isFalse();
      assertThat(l.compareAndSetSyncState("purview:x", "{\"next\":3}", "{\"next\":5}")).isTrue();
      assertThat(l.syncState("purview:x")).contains("{\"next\":5}");
      l.checkpoint();
      // Beside the chain: verification neither sees nor minds it.
      VerificationReport rep = l.verify(t.verifyOptions());
      assertThat(rep.size()).isEqualTo(l.size());
      assertThat(rep.coveredSize()).isEqualTo(l.size());
    }
    try (Ledger ro = Ledger.open(file, LedgerOptions.readOnly())) {
      assertThat(ro.syncState("purview:x")).contains("{\"next\":5}");
      assertThatThrownBy(() -> ro.compareAndSetSyncState("purview:x", "{\"next\":5}", "y"))
          .isInstanceOf(LedgerException.class).hasMessageContaining("read-only");
    }
  }
}
