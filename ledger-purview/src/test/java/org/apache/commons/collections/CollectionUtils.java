package org.apache.commons.collections;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Test-only stand-in for the five null-safe helpers of commons-collections 3 that Apache Atlas's
 * model and type classes (atlas-intg, our test referee) call. commons-collections 3 itself is a
 * banned dependency (enforcer), so it is excluded and these few methods are provided here.
 */
public final class CollectionUtils {
  private CollectionUtils() {}

  public static boolean isEmpty(Collection<?> c) {
    return c == null || c.isEmpty();
  }

  public static boolean isNotEmpty(Collection<?> c) {
    return !isEmpty(c);
  }

  /** Same elements with the same cardinalities, in any order. */
  public static boolean isEqualCollection(Collection<?> a, Collection<?> b) {
    if (a.size() != b.size()) {
      return false;
    }
    return counts(a).equals(counts(b));
  }

  private static Map<Object, Integer> counts(Collection<?> c) {
    Map<Object, Integer> m = new HashMap<>();
    for (Object o : c) {
      m.merge(o, 1, Integer::sum);
    }
    return m;
  }
}
