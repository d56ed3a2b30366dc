package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ledger sync purview` with the real DefaultAzureCredential and nothing to sign in with: no
 * AZURE_* variables, no `az` on the PATH, a HOME without tool caches, and the managed identity
 * endpoint (IDENTITY_ENDPOINT / MSI_ENDPOINT) pointed at a closed loopback port, so that
 * azure-identity never probes the instance metadata service. It fails with one line naming the
 * fixes; --verbose adds one short line per reason, no stack traces.
 */
class PurviewCredentialsIT {
  @TempDir Path dir;

  @Test
  void withoutCredentialsTheSyncFailsOnceWithTheFixes() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String nowhere = "http://127.0.0.1:" + closed + "/msi/token";
    Map<String, String> env = new LinkedHashMap<>();
    for (String v : List.of("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
        "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_USERNAME", "AZURE_PASSWORD",
        "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST", "LEDGER_PURVIEW_TOKEN")) {
      env.put(v, null);
    }
    env.put("IDENTITY_ENDPOINT", nowhere);
    env.put("IDENTITY_HEADER", "test");
    env.put("MSI_ENDPOINT", nowhere);
    env.put("MSI_SECRET", "test");
    env.put("PATH", dir.toString());
    env.put("HOME", dir.toString());
    env.put("AZURE_CONFIG_DIR", dir.resolve("azure").toString());
    Cli cli = new Cli(dir, env);
    assertThat(cli.run("init", "--ledger", "l.ledger").code()).isZero();
    String endpoint = "https://127.0.0.1:" + closed + "/datamap/api";

    long t0 = System.nanoTime();
    Cli.Result r = cli.run("sync", "purview", "--endpoint", endpoint, "--ledger", "l.ledger");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("sync without credentials failed after " + ms + " ms");
    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.IO);
    assertThat(r.err().lines()).as(r.toString()).hasSize(1);
    assertThat(r.err()).startsWith("ledger: cannot get an Entra ID token for"
        + " https://purview.azure.net/.default from DefaultAzureCredential")
        .contains("`az login`", "AZURE_TENANT_ID", "managed identity", "--token-file");

    Cli.Result v = cli.run("sync", "purview", "--endpoint", endpoint, "--ledger", "l.ledger",
        "--verbose");
    assertThat(v.code()).isEqualTo(ExitCodes.IO);
    assertThat(v.err()).contains("ManagedIdentityCredential").doesNotContain("\tat ");
    assertThat(v.err().lines().count()).as(v.toString()).isBetween(2L, 26L);
  }
}
