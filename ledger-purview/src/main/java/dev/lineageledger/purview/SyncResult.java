package dev.lineageledger.purview;

/**
 * What a sync did. Records {@code cursorBefore .. cursorAfter - 1} are in Purview; {@code
 * records} counts every record sent, including the {@code replayed} ones of a full resync
 * ({@code --full}, or one an earlier sync left unfinished); {@code retries} counts requests sent
 * again after a retryable failure.
 */
public record SyncResult(
    String endpoint,
    long cursorBefore,
    long cursorAfter,
    long records,
    long replayed,
    int batches,
    int requests,
    int retries,
    int entitiesCreated,
    int entitiesUpdated,
    int entitiesUnchanged,
    int typesCreated,
    int typesUpdated) {

  /** Entities Purview acknowledged, whether created, updated or already up to date. */
  public int entities() {
    return entitiesCreated + entitiesUpdated + entitiesUnchanged;
  }
}
