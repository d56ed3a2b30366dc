package dev.lineageledger.purview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lineageledger.purview.emulator.PurviewEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Raw HTTP to the emulator, for tests of its wire behaviour. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  record Res(int status, JsonNode body, HttpResponse<String> raw) {
    String code() {
      return body.path("errorCode").asText(null);
    }

    String message() {
      return body.path("errorMessage").asText(null);
    }
  }

  private final String base;
  private final String token;

  Http(PurviewEmulator e, String prefix, String token) {
    this.base = e.baseUri() + prefix + "/atlas/v2/";
    this.token = token;
  }

  Res send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Res(r.statusCode(), r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()), r);
  }

  Res get(String path) throws Exception {
    return send("GET", path, null);
  }

  Res post(String path, String body) throws Exception {
    return send("POST", path, body);
  }

  Res put(String path, String body) throws Exception {
    return send("PUT", path, body);
  }

  /** Single quotes to double quotes, to keep JSON in Java strings readable. */
  static String q(String s) {
    return s.replace('\'', '"');
  }
}
