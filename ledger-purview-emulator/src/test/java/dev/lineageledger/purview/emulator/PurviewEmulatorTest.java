package dev.lineageledger.purview.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The emulator as an artifact of its own: it starts, serves Atlas's base types behind a bearer
 * token, and injects faults, with nothing but the JDK and Jackson. (Its Atlas fidelity is
 * refereed by ledger-purview's EmulatorTest against Apache Atlas's own classes.)
 */
class PurviewEmulatorTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesBaseTypesOnLoopbackBehindABearerToken() throws Exception {
    try (PurviewEmulator p = PurviewEmulator.builder().token("t").start()) {
      assertThat(p.baseUri().getHost()).isEqualTo("127.0.0.1");
      assertThat(p.datamapUrl()).isEqualTo(p.baseUri() + "/datamap/api");
      assertThat(p.catalogUrl()).isEqualTo(p.baseUri() + "/catalog/api");
      String url = p.datamapUrl() + "/atlas/v2/types/typedef/name/DataSet";
      assertThat(get(url, null).statusCode()).isEqualTo(401);
      HttpResponse<String> ok = get(url, "t");
      assertThat(ok.statusCode()).isEqualTo(200);
      JsonNode d = JSON.readTree(ok.body());
      assertThat(d.get("category").asText()).isEqualTo("ENTITY");
      assertThat(p.typeDef("Process")).isPresent();
    }
  }

  @Test
  void injectsFaultsInTheOrderAdded() throws Exception {
    try (PurviewEmulator p = PurviewEmulator.start()) {
      p.inject(Fault.tooManyRequests(Duration.ofMillis(1500)).onPath("/types/").times(1));
      String url = p.catalogUrl() + "/atlas/v2/types/typedef/name/DataSet";
      HttpResponse<String> r = get(url, "any");
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
      assertThat(r.headers().firstValue("retry-after-ms")).hasValue("1500");
      assertThat(get(url, "any").statusCode()).isEqualTo(200);
      assertThat(p.requests()).extracting(PurviewEmulator.Request::status).containsExactly(429, 200);
    }
  }
}
