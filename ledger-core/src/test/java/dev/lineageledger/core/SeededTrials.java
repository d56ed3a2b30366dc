package dev.lineageledger.core;

import java.util.Locale;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Property tests on plain JUnit 5: a law is checked against {@code tries} inputs drawn from
 * seeded generators, one {@link DynamicTest} per seed, so every run of {@code mvn verify} checks
 * the same inputs. A failing trial names its seed; {@code -Dtrials.seed=0x…} reruns exactly that
 * trial (for every property in the run), {@code -Dtrials.base=N} draws a different set of seeds
 * for exploration.
 *
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicTest> roundTrip() {
 *   return SeededTrials.check(200, g -> assertThat(parse(format(g.nextLong()))) ...);
 * }
 * }</pre>
 */
public final class SeededTrials {
  /** A law checked for one input; {@code g} is the only source of randomness. */
  @FunctionalInterface
  public interface Law {
    void check(Gen g) throws Throwable;
  }

  private SeededTrials() {}

  /** {@code tries} trials of {@code law}, seeded from the calling test's class and method. */
  public static Stream<DynamicTest> check(int tries, Law law) {
    return check(callerName(), tries, law);
  }

  /**
   * Runs {@code tries} trials of {@code law} in the calling test itself, one after another
   * (for a {@code @Test} or {@code @ParameterizedTest} that needs its own {@code @Timeout}, which
   * JUnit does not apply to dynamic tests). Seeded from the calling test's class and method and
   * {@code variant} (e.g. the parameters), so each variant draws its own seeds; a failure names
   * its seed as {@link #check} does.
   */
  public static void run(String variant, int tries, Law law) throws Throwable {
    for (DynamicTest t : check(callerName() + "[" + variant + "]", tries, law).toList()) {
      t.getExecutable().execute();
    }
  }

  private static String callerName() {
    StackWalker.StackFrame caller = StackWalker.getInstance()
        .walk(s -> s.skip(2).findFirst().orElseThrow());
    return caller.getClassName() + "#" + caller.getMethodName();
  }

  private static Stream<DynamicTest> check(String name, int tries, Law law) {
    String pinned = System.getProperty("trials.seed");
    LongStream seeds;
    if (pinned != null && !pinned.isBlank()) {
      seeds = LongStream.of(Long.parseUnsignedLong(pinned.strip().replaceFirst("^0x", ""), 16));
    } else {
      long base = mix(name.hashCode() ^ Long.getLong("trials.base", 0L));
      seeds = LongStream.range(0, tries).map(i -> mix(base + i));
    }
    return seeds.mapToObj(seed -> {
      String hex = String.format(Locale.ROOT, "0x%016x", seed);
      return DynamicTest.dynamicTest("seed " + hex, () -> {
        try {
          law.check(new Gen(seed));
        } catch (Throwable t) {
          throw new AssertionError(name + " falsified with seed " + hex
              + " (rerun only this trial: -Dtrials.seed=" + hex + "): " + t, t);
        }
      });
    });
  }

  /** SplitMix64's finaliser: spreads consecutive integers over the whole seed space. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
