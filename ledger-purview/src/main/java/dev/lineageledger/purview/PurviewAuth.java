package dev.lineageledger.purview;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How requests to Purview are authorised: an Entra ID {@link TokenCredential} (by default
 * {@code DefaultAzureCredential}: environment service principal, workload identity, managed
 * identity, Azure CLI, ...) for scope {@value #SCOPE}, or a static bearer token for the emulator,
 * CI and air-gapped use. The token is never printed: {@link #toString()} names only the kind.
 */
public final class PurviewAuth {
  /** The scope of Purview tokens in the public cloud; see {@link PurviewCloud#scope()}. */
  public static final String SCOPE = "https://purview.azure.net/.default";
  /** The environment variable a static token may come from. */
  public static final String TOKEN_ENV = "LEDGER_PURVIEW_TOKEN";

  private final TokenCredential credential;
  private final String staticToken;
  private final String description;

  private PurviewAuth(TokenCredential credential, String staticToken, String description) {
    this.credential = credential;
    this.staticToken = staticToken;
    this.description = description;
  }

  /** DefaultAzureCredential, built when the first token is needed. */
  public static PurviewAuth defaultAzureCredential() {
    return new PurviewAuth(null, null, "DefaultAzureCredential");
  }

  public static PurviewAuth credential(TokenCredential credential) {
    return new PurviewAuth(Objects.requireNonNull(credential, "credential"), null,
        credential.getClass().getSimpleName());
  }

  /** A fixed bearer token (no refresh): for the emulator, tests, CI, air-gapped setups. */
  public static PurviewAuth staticToken(String token) {
    return new PurviewAuth(null, checkToken(token, "token"), "static token");
  }

  /** A static token read from {@code file} (surrounding whitespace ignored). */
  public static PurviewAuth tokenFile(Path file) throws IOException {
    String t = Files.readString(file, StandardCharsets.UTF_8);
    return new PurviewAuth(null, checkToken(t, "token file " + file), "token file " + file);
  }

  private static String checkToken(String token, String where) {
    String t = token == null ? "" : token.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException(where + " is empty");
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(where
            + " must be one line of printable ASCII (a bearer token)");
      }
    }
    return t;
  }

  /**
   * The static token, or null when a credential is used: for the transport that puts it in the
   * Authorization header. Never log or print it.
   */
  public String revealStaticToken() {
    return staticToken;
  }

  /** The credential to use, or null for a static token. Builds DefaultAzureCredential lazily. */
  public TokenCredential tokenCredential() {
    return tokenCredential(PurviewCloud.PUBLIC);
  }

  /**
   * The credential to use for an account in {@code cloud}, or null for a static token.
   * DefaultAzureCredential signs in at the cloud's Entra ID authority, unless
   * {@code AZURE_AUTHORITY_HOST} says otherwise; a credential given explicitly is used as is.
   */
  public TokenCredential tokenCredential(PurviewCloud cloud) {
    if (staticToken != null) {
      return null;
    }
    if (credential != null) {
      return credential;
    }
    DefaultAzureCredentialBuilder b = new DefaultAzureCredentialBuilder()
        .retryPolicy(dev.lineageledger.purview.internal.IdentityRetry.policy());
    String env = System.getenv("AZURE_AUTHORITY_HOST");
    if ((env == null || env.isBlank()) && cloud != PurviewCloud.PUBLIC) {
      b.authorityHost(cloud.authorityHost());
    }
    return b.build();
  }

  @Override
  public String toString() {
    return description;
  }
}
