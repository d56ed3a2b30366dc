package org.apache.commons.collections;

import java.util.Map;

/** Test-only stand-in for commons-collections 3's null-safe map checks (see CollectionUtils). */
public final class MapUtils {
  private MapUtils() {}

  public static boolean isEmpty(Map<?, ?> m) {
    return m == null || m.isEmpty();
  }

  public static boolean isNotEmpty(Map<?, ?> m) {
    return !isEmpty(m);
  }
}
