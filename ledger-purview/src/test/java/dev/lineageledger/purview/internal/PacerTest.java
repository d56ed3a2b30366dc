package dev.lineageledger.purview.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket, on a clock the test moves. */
class PacerTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aSecondsWorthGoesAtOnceThenTheRateHolds() {
    AtomicLong now = new AtomicLong();
    Pacer p = new Pacer(25, now::get);
    assertThat(p.reserve(25)).isZero();
    // 100 more operations at 25/s: the bucket is empty, so they wait four seconds in all.
    assertThat(p.reserve(100)).isEqualTo(4 * SECOND);
    now.addAndGet(4 * SECOND);
    assertThat(p.reserve(25)).isEqualTo(SECOND);
    now.addAndGet(SECOND);
    // Idle for a minute: the bucket refills to one second's worth, not a minute's.
    now.addAndGet(60 * SECOND);
    assertThat(p.reserve(25)).isZero();
    assertThat(p.reserve(1)).isEqualTo(SECOND / 25);
  }

  @Test
  void capacityUnitsScaleTheRateAndZeroMeansUnpaced() {
    AtomicLong now = new AtomicLong();
    Pacer four = new Pacer(4 * 25, now::get);
    assertThat(four.reserve(100)).isZero();
    assertThat(four.reserve(100)).isEqualTo(SECOND);
    Pacer off = new Pacer(0, now::get);
    for (int i = 0; i < 10; i++) {
      assertThat(off.reserve(1000)).isZero();
    }
  }
}
