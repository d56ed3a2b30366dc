package dev.lineageledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lineageledger.server.internal.TilePath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** C2SP tlog-tiles path encoding: the spec's example and its canonical-form rules. */
class TilePathTest {
  @Test
  void theSpecsExampleIndex() {
    TilePath t = TilePath.parse("0/x001/x234/067");
    assertThat(t).isEqualTo(new TilePath(0, 1_234_067, 256, false));
    assertThat(t.path()).isEqualTo("0/x001/x234/067");
  }

  @Test
  void partialTilesAndEntryBundles() {
    assertThat(TilePath.parse("1/000.p/2")).isEqualTo(new TilePath(1, 0, 2, false));
    assertThat(TilePath.parse("entries/x001/000.p/255"))
        .isEqualTo(new TilePath(0, 1000, 255, true));
    assertThat(new TilePath(2, 999, 7, false).path()).isEqualTo("2/999.p/7");
    assertThat(new TilePath(0, 1000, 256, true).path()).isEqualTo("entries/x001/000");
  }

  @ParameterizedTest
  @ValueSource(strings = {"00/000", "0/1", "0/0000", "0/x000/001", "0/001/002", "0/x1/000",
      "0/000.p/0", "0/000.p/256", "0/000.p/07", "64/000", "-1/000", "0/", "entries/000.p/",
      "0/abc", "0/000/", "data/000"})
  void nonCanonicalPathsAreNotTiles(String p) {
    assertThat(TilePath.parse(p)).isNull();
  }
}
