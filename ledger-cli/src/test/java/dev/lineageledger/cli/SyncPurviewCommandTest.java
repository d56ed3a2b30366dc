package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerOptions;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.SigningMode;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ledger sync purview}, {@code ledger purview emulator} and the demo, in process. */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncPurviewCommandTest {
  static final String SECRET = "super-secret-token-value";
  @TempDir Path dir;
  PurviewEmulator purview;
  Path ledger;
  Path tokenFile;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void setUp() throws Exception {
    purview = PurviewEmulator.builder().token(SECRET).start();
    ledger = dir.resolve("cli.ledger");
    tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, SECRET + "\n");
    try (Ledger l = Ledger.create(ledger, "cli.example/ml", SigningMode.CHECKPOINT_ONLY,
        LedgerOptions.builder().durability(Durability.OS_BUFFERED).checkpointEveryRecords(0)
            .checkpointIntervalMillis(0).build())) {
      Receipt ds = l.append(RecordDraft.builder(RecordKind.DATASET, "ingest")
          .put("name", "raw").put("version", "1").put("uri", "s3://b/raw")
          .put("digest", "sha256:" + "a".repeat(64)).put("classifications", List.of("PII")).build());
      Receipt m = l.append(RecordDraft.builder(RecordKind.MODEL, "trainer")
          .put("name", "m").put("version", "1").put("digest", "sha256:" + "b".repeat(64))
          .put("framework", "sklearn").build());
      l.append(RecordDraft.builder(RecordKind.TRANSFORM, "trainer").put("name", "train")
          .put("type", "training").put("inputs", List.of(ds.seq())).put("outputs", List.of(m.seq()))
          .put("codeVersion", "v1").put("runId", "r1").build());
    }
  }

  @AfterEach
  void tearDown() {
    purview.close();
  }

  private String[] sync(String... extra) {
    List<String> a = new ArrayList<>(List.of("sync", "purview", "--ledger", ledger.toString()));
    a.addAll(List.of(extra));
    return a.toArray(new String[0]);
  }

  @Test
  void syncsPrintsASummaryAndIsIdempotent() throws Exception {
    Run r = run(sync("--endpoint", purview.datamapUrl(), "--token-file",
        tokenFile.toString(), "--json"));
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode s = Json.MAPPER.readTree(r.out());
    assertThat(s.get("records").asLong()).isEqualTo(3);
    assertThat(s.get("cursorAfter").asLong()).isEqualTo(3);
    assertThat(s.get("entities").get("created").asInt()).isEqualTo(3);
    assertThat(s.get("types").get("created").asInt()).isEqualTo(11);
    assertThat(purview.entityCount()).isEqualTo(3);
    Run again = run(sync("--endpoint", purview.datamapUrl(), "--token-file",
        tokenFile.toString()));
    assertThat(again.code()).isZero();
    assertThat(again.out()).startsWith("Purview is up to date with " + ledger);
    Run full = run(sync("--endpoint", purview.datamapUrl(), "--token-file",
        tokenFile.toString(), "--full"));
    assertThat(full.out()).contains("entities  0 created, 0 updated, 3 unchanged")
        .contains("cursor    3 (was 3)");
    assertThat(r.out() + r.err() + again.out() + full.out()).doesNotContain(SECRET);
  }

  @Test
  void dryRunNeedsNoTokenAndSendsNothing() throws Exception {
    Run r = run(sync("--account", "contoso-purview", "--dry-run", "--collection", "fin"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("POST https://contoso-purview.purview.azure.com/datamap/api/atlas/v2/"
        + "entity/bulk?api-version=2023-09-01&collectionId=fin")
        .contains("\"qualifiedName\" : \"ledger://cli.example/ml/0\"")
        .contains("Dry run: 3 requests (1 bulk batch of records 0..2) would be sent");
    Run j = run(sync("--account", "contoso-purview", "--dry-run", "--json"));
    JsonNode o = Json.MAPPER.readTree(j.out());
    assertThat(o.get("requests")).hasSize(3);
    assertThat(o.get("summary").get("dryRun").asBoolean()).isTrue();
    assertThat(purview.requests()).isEmpty();
  }

  @Test
  void sovereignCloudsAndTheNewPortalHaveTheirOwnHosts() throws Exception {
    Run china = run(sync("--account", "contoso", "--cloud", "china", "--dry-run"));
    assertThat(china.code()).as(china.err()).isZero();
    assertThat(china.out()).contains("POST https://contoso.purview.azure.cn/datamap/api/atlas/v2/"
        + "entity/bulk?api-version=2023-09-01");
    Run gov = run(sync("--account", "contoso", "--cloud", "usgov", "--dry-run"));
    assertThat(gov.out()).contains("POST https://contoso.purview.azure.us/datamap/api/atlas/v2/");
    Run portal = run(sync("--new-portal", "--dry-run"));
    assertThat(portal.code()).as(portal.err()).isZero();
    assertThat(portal.out()).contains("POST https://api.purview-service.microsoft.com/datamap/api/"
        + "atlas/v2/entity/bulk?api-version=2023-09-01");
    Run bad = run(sync("--account", "contoso", "--cloud", "mars", "--dry-run"));
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).isEqualTo("ledger: unknown cloud 'mars': use public, china or usgov\n");
    Run endpointCloud = run(sync("--endpoint", "https://x.purview.azure.cn/catalog/api", "--cloud",
        "china", "--dry-run"));
    assertThat(endpointCloud.code()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void badInputIsAOneLineUsageError() throws Exception {
    Run missing = run(sync("--endpoint", purview.datamapUrl(), "--token-file",
        dir.resolve("nope").toString()));
    assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).isEqualTo("ledger: no such token file: " + dir.resolve("nope") + "\n");
    Run size = run(sync("--account", "contoso", "--batch-size", "0", "--dry-run"));
    assertThat(size.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(size.err()).isEqualTo("ledger: batch size must be between 1 and 1000\n");
    Run both = run(sync("--account", "a1b", "--endpoint", "http://127.0.0.1:1/x"));
    assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).startsWith("ledger: ").contains("--account=NAME, --endpoint=URL are mutually exclusive");
    Run url = run(sync("--endpoint", "ftp://host/x", "--dry-run"));
    assertThat(url.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(url.err()).startsWith("ledger: endpoint 'ftp://host/x' must be an http(s) URL");
    Run clear = run(sync("--endpoint", "http://purview.example/datamap/api", "--token-file",
        tokenFile.toString()));
    assertThat(clear.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(clear.err()).startsWith("ledger: refusing to send a bearer token over plain http");
  }

  @Test
  void remoteFailuresExit3WithOneLineAndNoToken() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Run down = run(sync("--endpoint", "http://127.0.0.1:" + port + "/datamap/api", "--token-file",
        tokenFile.toString(), "--max-retries", "0"));
    assertThat(down.code()).isEqualTo(ExitCodes.IO);
    assertThat(down.err()).startsWith("ledger: cannot reach Purview at http://127.0.0.1:" + port)
        .doesNotContain("\tat ").hasLineCount(1);
    Path wrong = dir.resolve("wrong");
    Files.writeString(wrong, "another-secret-value");
    Run denied = run(sync("--endpoint", purview.catalogUrl(), "--token-file",
        wrong.toString()));
    assertThat(denied.code()).isEqualTo(ExitCodes.IO);
    assertThat(denied.err()).startsWith("ledger: Purview refused the token (HTTP 401 Unauthorized")
        .doesNotContain("another-secret-value").hasLineCount(1);
  }

  @Test
  void theEmulatorCommandReportsABusyPort() throws Exception {
    Run r = run("purview", "emulator", "--port", String.valueOf(purview.port()));
    assertThat(r.code()).isEqualTo(ExitCodes.IO);
    assertThat(r.err()).isEqualTo("ledger: port " + purview.port()
        + " is in use; choose another with --port\n");
  }

  @Test
  void theDemoShowsTheLineageReadBackFromPurview() {
    Run r = run("demo", "--ledger", dir.resolve("demo.ledger").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Purview: synced to an in-process emulator")
        .contains("15 records as 14 Atlas entities in 1 bulk request")
        .contains("Lineage read back from Purview")
        .contains("transactions@2026-11-01  dataset version  PII, PCI")
        .contains("approved by risk-officer@bank.example (#8)");
    assertThat(r.err()).isEmpty();
  }
}
