package dev.lineageledger.core;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The kind of a ledger record. Five built-in kinds cover the ML lifecycle; anything else must be
 * a namespaced custom kind {@code <reverse-dns namespace>/<name>}, for example
 * {@code com.acme/labeling-job}. See docs/FORMAT.md "Record kinds" for each kind's fields.
 */
public final class RecordKind {
  public static final RecordKind DATASET = new RecordKind("dataset");
  public static final RecordKind TRANSFORM = new RecordKind("transform");
  public static final RecordKind MODEL = new RecordKind("model");
  public static final RecordKind APPROVAL = new RecordKind("approval");
  public static final RecordKind DEPLOYMENT = new RecordKind("deployment");
  /** Key management: introduces or revokes a signing key; always signed (docs/FORMAT.md §4.1). */
  public static final RecordKind KEY = new RecordKind("key");

  public static final List<RecordKind> BUILT_IN =
      List.of(DATASET, TRANSFORM, MODEL, APPROVAL, DEPLOYMENT, KEY);

  /** Namespace of at least two dot-separated labels, a slash, then a name. At most 128 chars. */
  private static final Pattern CUSTOM =
      Pattern.compile("[a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)+/[a-z0-9][a-z0-9._-]*");

  private final String name;

  private RecordKind(String name) {
    this.name = name;
  }

  /** Parses a kind name; unknown names that are not namespaced are rejected. */
  public static RecordKind of(String name) throws InvalidRecordException {
    if (name == null || name.isEmpty()) {
      throw new InvalidRecordException("kind", "is required");
    }
    for (RecordKind k : BUILT_IN) {
      if (k.name.equals(name)) {
        return k;
      }
    }
    if (name.length() <= 128 && CUSTOM.matcher(name).matches()) {
      return new RecordKind(name);
    }
    throw new InvalidRecordException(
        "kind",
        "unknown kind '"
            + dev.lineageledger.core.internal.RecordSchema.printable(name)
            + "': use dataset, transform, model, approval, deployment, key, or a namespaced custom"
            + " kind like com.example/my-kind");
  }

  public String name() {
    return name;
  }

  public boolean isBuiltIn() {
    return BUILT_IN.stream().anyMatch(k -> k.name.equals(name));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordKind k && k.name.equals(name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
