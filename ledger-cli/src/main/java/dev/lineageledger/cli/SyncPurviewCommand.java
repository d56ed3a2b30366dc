package dev.lineageledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.purview.PlannedRequest;
import dev.lineageledger.purview.PurviewAuth;
import dev.lineageledger.purview.PurviewCloud;
import dev.lineageledger.purview.PurviewEndpoint;
import dev.lineageledger.purview.PurviewSync;
import dev.lineageledger.purview.PurviewSyncOptions;
import dev.lineageledger.purview.SyncResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "purview", mixinStandardHelpOptions = true,
    description = {"Push the ledger's lineage graph to Microsoft Purview (Apache Atlas v2 API):"
        + " the records after the last sync, in dependency order, in bulk batches, retrying"
        + " throttling and outages. Safe to interrupt and run again.", "",
        "Authentication: a static bearer token from --token-file or $" + PurviewAuth.TOKEN_ENV
            + " (for the emulator, CI, air-gapped use), otherwise DefaultAzureCredential"
            + " (environment service principal, workload or managed identity, Azure CLI)"
            + " for the cloud's scope (" + PurviewAuth.SCOPE + " in the public cloud)."
            + " Tokens are never printed."},
    footer = {"", "Examples:",
        "  ledger sync purview --account contoso-purview --collection x3k9qa",
        "  ledger sync purview --account contoso-purview --dry-run",
        "  ledger sync purview --account contoso-purview --cloud china",
        "  ledger sync purview --new-portal",
        "  LEDGER_PURVIEW_TOKEN=dev ledger sync purview --endpoint http://127.0.0.1:8585/datamap/api"})
final class SyncPurviewCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerOption ledger;

  static final class Target {
    @Option(names = "--account", paramLabel = "NAME", required = true,
        description = "Purview account: its data map API at https://NAME.purview.azure.com/datamap/api.")
    String account;

    @Option(names = "--endpoint", paramLabel = "URL", required = true,
        description = "Any Atlas v2 base URL, e.g. https://NAME.purview.azure.com/catalog/api (classic)"
            + " or the emulator's http://127.0.0.1:PORT/datamap/api.")
    String endpoint;

    @Option(names = "--new-portal", required = true,
        description = "Your tenant's account in the new Microsoft Purview portal:"
            + " https://" + PurviewEndpoint.NEW_PORTAL_HOST + "/datamap/api.")
    boolean newPortal;
  }

  @Option(names = "--cloud", paramLabel = "CLOUD", defaultValue = "public",
      description = "The Azure cloud of --account: public (NAME.purview.azure.com), china"
          + " (NAME.purview.azure.cn) or usgov (NAME.purview.azure.us); it also picks the token"
          + " scope and sign-in authority (default: public).")
  String cloud;

  @Option(names = "--scope", paramLabel = "SCOPE",
      description = "Request Entra ID tokens for SCOPE instead of the cloud's"
          + " (default: https://purview.azure.net/.default in the public cloud).")
  String scope;

  @ArgGroup(exclusive = true, multiplicity = "1") Target target;

  @Option(names = "--collection", paramLabel = "ID",
      description = "Purview collection to put the entities in: its system name (a short"
          + " generated id such as x3k9qa, shown in the portal), not its friendly name.")
  String collection;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "100",
      description = "At most N entities per bulk request, 1..1000 (default: 100).")
  int batchSize;

  @Option(names = "--dry-run", description = "Print the requests that would be sent; send nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the summary (or dry-run requests) as JSON.")
  boolean json;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Read a static bearer token from FILE instead of using Entra ID.")
  Path tokenFile;

  @Option(names = "--full", description = "Push every record again from the first, not only new"
      + " ones; if interrupted, the next sync finishes it.")
  boolean full;

  @Option(names = "--max-retries", paramLabel = "N", defaultValue = "6",
      description = "Retries per request after 429, 408, 5xx or a connection failure, 0..20 (default: 6).")
  int maxRetries;

  @Option(names = "--capacity-units", paramLabel = "N", defaultValue = "1",
      description = "Pace requests to N data map capacity units, 25 operations per second each"
          + " (a bulk request of n entities is n operations); 1..10000 (default: 1).")
  int capacityUnits;

  @Option(names = "--max-request-bytes", paramLabel = "N", defaultValue = "2097152",
      description = "Most bytes of one bulk request; larger batches are split (default: 2 MiB).")
  int maxRequestBytes;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PurviewEndpoint endpoint;
    try {
      PurviewCloud c = PurviewCloud.of(cloud);
      if (target.account == null && c != PurviewCloud.PUBLIC) {
        throw new UsageException("--cloud applies to --account; an --endpoint URL's host names"
            + " its cloud");
      }
      endpoint = target.account != null ? PurviewEndpoint.account(target.account, c)
          : target.newPortal ? PurviewEndpoint.newPortal() : PurviewEndpoint.of(target.endpoint);
      if (scope != null) {
        endpoint = endpoint.withScope(scope);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    PurviewSyncOptions options;
    try {
      options = PurviewSyncOptions.builder(endpoint, auth()).collection(collection)
          .batchSize(batchSize).maxRetries(maxRetries).full(full).capacityUnits(capacityUnits)
          .maxRequestBytes(maxRequestBytes).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (dryRun) {
      List<PlannedRequest> planned = new ArrayList<>();
      SyncResult r;
      try (Ledger l = ReadOnly.open(ledger)) {
        r = PurviewSync.dryRun(l, options, planned::add);
      }
      printDryRun(out, planned, r);
      return ExitCodes.OK;
    }
    SyncResult r;
    try (Ledger l = Ledger.open(ledger.location(), ledger.options().checkpointOnClose(false).build())) {
      r = PurviewSync.sync(l, options);
    }
    if (json) {
      out.println(Json.pretty(summary(r, false)));
    } else {
      printSummary(out, r);
    }
    return ExitCodes.OK;
  }

  private PurviewAuth auth() throws UsageException {
    try {
      if (tokenFile != null) {
        return PurviewAuth.tokenFile(tokenFile);
      }
      String env = System.getenv(PurviewAuth.TOKEN_ENV);
      if (env != null && !env.isBlank()) {
        return PurviewAuth.staticToken(env);
      }
    } catch (NoSuchFileException e) {
      throw new UsageException("no such token file: " + tokenFile);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(e.getMessage() == null ? "cannot read the token" : e.getMessage());
    }
    return PurviewAuth.defaultAzureCredential();
  }

  static ObjectNode summary(SyncResult r, boolean dry) {
    ObjectNode o = Json.object();
    o.put("endpoint", r.endpoint());
    o.put("dryRun", dry);
    o.put("cursorBefore", r.cursorBefore());
    o.put("cursorAfter", r.cursorAfter());
    o.put("records", r.records());
    o.put("replayed", r.replayed());
    o.put("batches", r.batches());
    o.put("requests", r.requests());
    o.put("retries", r.retries());
    ObjectNode e = o.putObject("entities");
    e.put("created", r.entitiesCreated());
    e.put("updated", r.entitiesUpdated());
    e.put("unchanged", r.entitiesUnchanged());
    ObjectNode t = o.putObject("types");
    t.put("created", r.typesCreated());
    t.put("updated", r.typesUpdated());
    return o;
  }

  private void printSummary(PrintWriter out, SyncResult r) {
    if (r.records() == 0) {
      out.println("Purview is up to date with " + ledger.location() + " (" + r.endpoint()
          + ", cursor " + r.cursorAfter() + ")");
      return;
    }
    out.println("Synced " + ledger.location() + " to " + r.endpoint());
    long fresh = r.records() - r.replayed();
    if (r.replayed() > 0) {
      out.printf("  replayed  %d record%s (full resync)%n", r.replayed(),
          r.replayed() == 1 ? "" : "s");
    }
    if (fresh > 0) {
      out.printf("  records   %d..%d (%d)%n", r.cursorAfter() - fresh, r.cursorAfter() - 1, fresh);
    }
    out.printf("  entities  %d created, %d updated, %d unchanged%n", r.entitiesCreated(),
        r.entitiesUpdated(), r.entitiesUnchanged());
    out.printf("  requests  %d bulk batch%s, %d requests in all, %d retr%s%n", r.batches(),
        r.batches() == 1 ? "" : "es", r.requests(), r.retries(), r.retries() == 1 ? "y" : "ies");
    out.printf("  types     %d created, %d updated%n", r.typesCreated(), r.typesUpdated());
    out.printf("  cursor    %d (was %d)%n", r.cursorAfter(), r.cursorBefore());
  }

  private void printDryRun(PrintWriter out, List<PlannedRequest> planned, SyncResult r) {
    if (json) {
      ObjectNode o = Json.object();
      ArrayNode reqs = o.putArray("requests");
      for (PlannedRequest p : planned) {
        ObjectNode x = reqs.addObject();
        x.put("method", p.method());
        x.put("url", p.url());
        x.set("body", p.body());
      }
      o.set("summary", summary(r, true));
      out.println(Json.pretty(o));
      return;
    }
    for (PlannedRequest p : planned) {
      out.println(p.method() + " " + p.url());
      if (p.body() != null) {
        out.println(Json.pretty(p.body()));
      }
      out.println();
    }
    out.printf("Dry run: %d requests (%d bulk batch%s of records %d..%d) would be sent to %s;"
        + " nothing was sent and the cursor stays at %d.%n", planned.size(), r.batches(),
        r.batches() == 1 ? "" : "es", r.cursorBefore(), r.cursorBefore() + r.records() - 1,
        r.endpoint(), r.cursorBefore());
  }
}
