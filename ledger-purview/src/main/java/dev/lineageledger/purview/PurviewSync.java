package dev.lineageledger.purview;

import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.purview.internal.SyncEngine;
import java.util.function.Consumer;

/**
 * Pushes a ledger's lineage graph to Purview, incrementally and idempotently
 * (docs/PURVIEW.md). Each call sends the records after the cursor stored in the ledger's
 * {@code sync_state} table for that endpoint, in dependency order, in bulk requests of at most
 * {@link PurviewSyncOptions#batchSize()} entities, and advances the cursor after each request
 * Purview acknowledged. Interrupted at any point and run again, it neither duplicates nor skips
 * anything: entity names derive from ledger identity, so a request sent twice updates.
 *
 * <pre>{@code
 * try (Ledger ledger = Ledger.open(path, LedgerOptions.builder().build())) {
 *   SyncResult r = PurviewSync.sync(ledger, PurviewSyncOptions.builder(
 *       PurviewEndpoint.account("contoso"), PurviewAuth.defaultAzureCredential()).build());
 * }
 * }</pre>
 */
public final class PurviewSync {
  private PurviewSync() {}

  /** Syncs; the ledger must be open writable (the cursor is written to it). */
  public static SyncResult sync(Ledger ledger, PurviewSyncOptions options)
      throws PurviewException, LedgerException {
    return SyncEngine.sync(ledger, options);
  }

  /**
   * Reports the requests a sync would send, without sending anything, obtaining a token, or
   * moving the cursor. References to entities of earlier requests use unique attributes, since
   * no GUIDs come back.
   */
  public static SyncResult dryRun(Ledger ledger, PurviewSyncOptions options,
      Consumer<PlannedRequest> requests) throws LedgerException {
    return SyncEngine.dryRun(ledger, options, requests);
  }

  /**
   * The record an unfinished full resync to {@code endpoint} would replay next (the next sync
   * finishes it before sending new records), or empty when none is pending.
   */
  public static java.util.OptionalLong fullResyncPending(Ledger ledger, PurviewEndpoint endpoint)
      throws LedgerException {
    long[] f = SyncEngine.parseFull(ledger.syncState(
        SyncEngine.fullName(endpoint.baseUri().toString())).orElse(null));
    return f[0] < f[1] ? java.util.OptionalLong.of(f[0]) : java.util.OptionalLong.empty();
  }

  /** The next record a sync to {@code endpoint} would send (0 if it never ran). */
  public static long cursor(Ledger ledger, PurviewEndpoint endpoint) throws LedgerException {
    return SyncEngine.parseCursor(ledger.syncState(
        SyncEngine.cursorName(endpoint.baseUri().toString())).orElse(null));
  }
}
