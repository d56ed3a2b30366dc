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
  void sovereignCloudsAndTheNewPortalHaveTheirHostsAndScopes() {
    PurviewEndpoint cn = PurviewEndpoint.account("contoso", PurviewCloud.CHINA);
    assertThat(cn.baseUri()).hasToString("https://contoso.purview.azure.cn/datamap/api");
    assertThat(cn.tokenScope()).isEqualTo("https://purview.azure.cn/.default");
    PurviewEndpoint gov = PurviewEndpoint.classic("contoso", PurviewCloud.US_GOVERNMENT);
    assertThat(gov.baseUri()).hasToString("https://contoso.purview.azure.us/catalog/api");
    assertThat(gov.tokenScope()).isEqualTo("https://purview.azure.us/.default");
    assertThat(PurviewEndpoint.of("https://x.purview.azure.cn/catalog/api").cloud())
        .isEqualTo(PurviewCloud.CHINA);
    assertThat(PurviewEndpoint.of("https://x.purview.azure.us/datamap/api").tokenScope())
        .isEqualTo("https://purview.azure.us/.default");
    assertThat(PurviewEndpoint.account("contoso").tokenScope()).isEqualTo(PurviewAuth.SCOPE);
    PurviewEndpoint portal = PurviewEndpoint.newPortal();
    assertThat(portal.baseUri()).hasToString("https://api.purview-service.microsoft.com/datamap/api");
    assertThat(portal.apiVersion()).isEqualTo("2023-09-01");
    assertThat(portal.tokenScope()).isEqualTo("https://purview.azure.net/.default");
    assertThat(cn.withScope("https://purview.azure.net/.default").tokenScope())
        .isEqualTo("https://purview.azure.net/.default");
    assertThatThrownBy(() -> cn.withScope("purview")).hasMessageContaining("https URI");
    assertThat(PurviewCloud.of("China")).isEqualTo(PurviewCloud.CHINA);
    assertThat(PurviewCloud.of("US_GOVERNMENT")).isEqualTo(PurviewCloud.US_GOVERNMENT);
  }

  /** The token is requested for the endpoint's cloud's scope. */
  @Test
  void tokensAreRequestedForTheCloudsScope() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    java.util.List<String> scopes = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.azure.core.credential.TokenCredential recording = new com.azure.core.credential.TokenCredential() {
      @Override
      public reactor.core.publisher.Mono<com.azure.core.credential.AccessToken> getToken(
          com.azure.core.credential.TokenRequestContext r) {
        return reactor.core.publisher.Mono.fromCallable(() -> getTokenSync(r));
      }

      @Override
      public com.azure.core.credential.AccessToken getTokenSync(
          com.azure.core.credential.TokenRequestContext r) {
        scopes.addAll(r.getScopes());
        return new com.azure.core.credential.AccessToken("t",
            java.time.OffsetDateTime.now().plusHours(1));
      }
    };
    // A sovereign host name cannot be reached from a test; the scope is the endpoint's, so the
    // loopback URL is given China's scope explicitly, as --scope would.
    PurviewEndpoint e = PurviewEndpoint.of("https://127.0.0.1:" + port + "/datamap/api")
        .withScope(PurviewCloud.CHINA.scope());
    PurviewClient c = new PurviewClient(PurviewSyncOptions.builder(e,
        PurviewAuth.credential(recording)).maxRetries(0).build());
    assertThatThrownBy(() -> c.entity("DataSet", "x")).isInstanceOf(PurviewException.class);
    assertThat(scopes).containsExactly("https://purview.azure.cn/.default");
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
