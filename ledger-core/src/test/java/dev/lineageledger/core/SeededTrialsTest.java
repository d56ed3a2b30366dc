package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;

/** The property-test runner itself: deterministic seeds, and a failure that names its seed. */
class SeededTrialsTest {
  @Test
  void sameTestSameSeedsSameInputs() throws Throwable {
    List<Long> first = new ArrayList<>();
    List<Long> second = new ArrayList<>();
    for (List<Long> sink : List.of(first, second)) {
      for (DynamicTest t : draw(sink).collect(Collectors.toList())) {
        t.getExecutable().execute();
      }
    }
    assertThat(first).hasSize(50).isEqualTo(second);
    assertThat(first.stream().distinct().count()).isEqualTo(50);
  }

  private static java.util.stream.Stream<DynamicTest> draw(List<Long> sink) {
    return SeededTrials.check(50, g -> sink.add(g.nextLong()));
  }

  @Test
  void aFailureNamesItsSeedAndHowToRerunIt() {
    DynamicTest t = SeededTrials.check(5, g -> assertThat(g.intBetween(0, 9)).isNegative())
        .findFirst().orElseThrow();
    String seed = t.getDisplayName().substring("seed ".length());
    assertThat(seed).matches("0x[0-9a-f]{16}");
    assertThatThrownBy(() -> t.getExecutable().execute())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("falsified with seed " + seed)
        .hasMessageContaining("-Dtrials.seed=" + seed);
  }

  @Test
  void edgesAreDrawnAndRangesHeld() {
    Gen g = new Gen(1);
    boolean min = false;
    boolean max = false;
    for (int i = 0; i < 2000; i++) {
      long v = g.longBetween(2, Long.MAX_VALUE);
      assertThat(v).isBetween(2L, Long.MAX_VALUE);
      min |= v == 2;
      max |= v == Long.MAX_VALUE;
      g.longBetween(Long.MIN_VALUE, Long.MAX_VALUE); // must terminate: the width overflows
      assertThat(g.intBetween(-3, 3)).isBetween(-3, 3);
    }
    assertThat(min).isTrue();
    assertThat(max).isTrue();
  }
}
