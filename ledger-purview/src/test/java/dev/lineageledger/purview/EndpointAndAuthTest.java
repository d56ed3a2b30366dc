package dev.lineageledger.purview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointAndAuthTest {
  @TempDir Path dir;

  @Test
  void accountClassicAndAnyBaseUrl() {
    PurviewEndpoint a = PurviewEndpoint.account("Contoso-Purview");
    assertThat(a.baseUri()).hasToString("https://contoso-purview.purview.azure.com/datamap/api");
    assertThat(a.apiVersion()).isEqualTo("2023-09-01");
    PurviewEndpoint c = PurviewEndpoint.classic("contoso");
    assertThat(c.baseUri()).hasToString("https://contoso.purview.azure.com/catalog/api");
    assertThat(c.apiVersion()).isNull();
    PurviewEndpoint e = PurviewEndpoint.of("http://127.0.0.1:8080/datamap/api/");
    assertThat(e.baseUri()).hasToString("http://127.0.0.1:8080/datamap/api");
    assertThat(e.apiVersion()).isEqualTo("2023-09-01");
    assertThat(e.isLoopbackHttp()).isTrue();
    assertThat(PurviewEndpoint.of("https://gateway.example/purview").apiVersion()).isNull();
    assertThatThrownBy(() -> PurviewEndpoint.account("a b")).hasMessageContaining("account name");
    assertThatThrownBy(() -> PurviewEndpoint.of("ftp://x/y")).hasMessageContaining("http(s) URL");
    assertThatThrownBy(() -> PurviewEndpoint.of("https://x/y?z=1")).hasMessageContaining("query");
  }

  @Test
  void staticTokensComeFromAFileAndNeverPrint() throws Exception {
    Path f = dir.resolve("token");
    Files.writeString(f, "  s3cr3t-token\n");
    PurviewAuth a = PurviewAuth.tokenFile(f);
    assertThat(a.revealStaticToken()).isEqualTo("s3cr3t-token");
    assertThat(a.toString()).doesNotContain("s3cr3t");
    assertThat(PurviewAuth.staticToken("abc").toString()).isEqualTo("static token");
    Files.writeString(f, "\n");
    assertThatThrownBy(() -> PurviewAuth.tokenFile(f)).hasMessageContaining("is empty");
    assertThatThrownBy(() -> PurviewAuth.staticToken("two words"))
        .hasMessageContaining("printable ASCII").hasMessageNotContaining("two words");
  }

  @Test
  void aStaticTokenIsNeverSentInClearBeyondLoopback() {
    PurviewSyncOptions o = PurviewSyncOptions.builder(PurviewEndpoint.of("http://purview.example/datamap/api"),
        PurviewAuth.staticToken("t")).build();
    assertThatThrownBy(() -> new PurviewClient(o)).isInstanceOfSatisfying(PurviewException.class,
        e -> {
          assertThat(e.reason()).isEqualTo(PurviewException.Reason.CONFIG);
          assertThat(e.getMessage()).contains("refusing to send a bearer token over plain http");
        });
  }

  @Test
  void qualifiedNamesComeOnlyFromLedgerIdentity() {
    assertThat(QualifiedNames.record("bank.example/ml/fraud", 12))
        .isEqualTo("ledger://bank.example/ml/fraud/12");
    assertThat(QualifiedNames.deploymentTarget("bank.example/ml/fraud", "aks://prod/scoring"))
        .isEqualTo("ledger://bank.example/ml/fraud/target/aks://prod/scoring");
  }
}
