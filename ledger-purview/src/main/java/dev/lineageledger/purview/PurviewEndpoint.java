package dev.lineageledger.purview;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the Atlas v2 API of a Purview account (or the emulator) lives: a base URL to which
 * {@code /atlas/v2/...} is appended, and the {@code api-version} to send, if any.
 *
 * <ul>
 *   <li>{@link #account}: the data map API, {@code https://NAME.purview.azure.com/datamap/api}
 *       with {@code api-version=2023-09-01};
 *   <li>{@link #classic}: the classic catalog API, {@code https://NAME.purview.azure.com/catalog/api};
 *   <li>{@link #newPortal}: the new Microsoft Purview portal's data map,
 *       {@code https://api.purview-service.microsoft.com/datamap/api};
 *   <li>{@link #of}: any base URL, for example the emulator's; a path ending in
 *       {@code /datamap/api} gets the data map api-version, a sovereign host its cloud's scope.
 * </ul>
 */
public final class PurviewEndpoint {
  public static final String DATAMAP_API_VERSION = "2023-09-01";
  /**
   * The classic catalog API's version for the operations outside {@code /atlas/v2} (its
   * collection operations); its Atlas operations take none.
   */
  public static final String CATALOG_API_VERSION = "2022-03-01-preview";
  private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");

  /**
   * The data-plane host of the new Microsoft Purview portal (purview.microsoft.com): one per
   * tenant, not per account; the token's tenant selects the account.
   */
  public static final String NEW_PORTAL_HOST = "api.purview-service.microsoft.com";

  private final URI base;
  private final String apiVersion;
  private final PurviewCloud cloud;
  private final String scope;

  private PurviewEndpoint(URI base, String apiVersion, PurviewCloud cloud, String scope) {
    this.base = base;
    this.apiVersion = apiVersion;
    this.cloud = cloud;
    this.scope = scope == null ? cloud.scope() : scope;
  }

  /** The data map API of account {@code name} (3..63 lowercase letters, digits or '-'). */
  public static PurviewEndpoint account(String name) {
    return account(name, PurviewCloud.PUBLIC);
  }

  /**
   * The data map API of account {@code name} in {@code cloud}, e.g.
   * {@code https://NAME.purview.azure.cn/datamap/api} with tokens for the cloud's scope.
   */
  public static PurviewEndpoint account(String name, PurviewCloud cloud) {
    String n = checkAccount(name);
    return new PurviewEndpoint(URI.create("https://" + n + "." + cloud.hostSuffix()
        + "/datamap/api"), DATAMAP_API_VERSION, cloud, null);
  }

  /** The classic catalog API of account {@code name}. */
  public static PurviewEndpoint classic(String name) {
    return classic(name, PurviewCloud.PUBLIC);
  }

  /** The classic catalog API of account {@code name} in {@code cloud}. */
  public static PurviewEndpoint classic(String name, PurviewCloud cloud) {
    String n = checkAccount(name);
    return new PurviewEndpoint(URI.create("https://" + n + "." + cloud.hostSuffix()
        + "/catalog/api"), null, cloud, null);
  }

  /**
   * The data map API of the tenant's account in the new Microsoft Purview portal:
   * {@code https://api.purview-service.microsoft.com/datamap/api} (public cloud scope).
   */
  public static PurviewEndpoint newPortal() {
    return new PurviewEndpoint(URI.create("https://" + NEW_PORTAL_HOST + "/datamap/api"),
        DATAMAP_API_VERSION, PurviewCloud.PUBLIC, null);
  }

  /**
   * This endpoint with tokens requested for {@code scope} instead of its cloud's (for a cloud
   * or gateway whose scope differs from the documented one).
   */
  public PurviewEndpoint withScope(String scope) {
    if (scope == null || !scope.startsWith("https://") || scope.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("scope '" + scope
          + "' must be an https URI such as https://purview.azure.net/.default");
    }
    return new PurviewEndpoint(base, apiVersion, cloud, scope);
  }

  private static String checkAccount(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    if (!ACCOUNT.matcher(n).matches()) {
      throw new IllegalArgumentException("Purview account name '" + name
          + "' must be 3..63 letters, digits or '-', like contoso-purview");
    }
    return n;
  }

  /**
   * Any base URL (http or https, no query or fragment). A path ending in {@code /datamap/api}
   * is the data map API and gets {@code api-version=2023-09-01}; anything else gets none.
   */
  public static PurviewEndpoint of(String url) {
    URI u;
    try {
      u = new URI(url == null ? "" : url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("endpoint '" + url + "' is not a valid URL");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || u.getHost() == null) {
      throw new IllegalArgumentException("endpoint '" + url
          + "' must be an http(s) URL such as https://contoso.purview.azure.com/datamap/api");
    }
    if (u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
      throw new IllegalArgumentException("endpoint '" + url
          + "' must not contain a query, fragment or user info");
    }
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    URI base = URI.create(scheme + "://" + u.getRawAuthority() + path);
    return new PurviewEndpoint(base, path.endsWith("/datamap/api") ? DATAMAP_API_VERSION : null,
        PurviewCloud.ofHost(u.getHost()), null);
  }

  /** The base URL, without a trailing slash; {@code /atlas/v2/...} follows it. */
  public URI baseUri() {
    return base;
  }

  /** The Entra ID scope of tokens for this endpoint (its cloud's, unless overridden). */
  public String tokenScope() {
    return scope;
  }

  /** The cloud: from the factory used, or for {@link #of} from the host's suffix. */
  public PurviewCloud cloud() {
    return cloud;
  }

  /** The {@code api-version} query parameter to send, or null. */
  public String apiVersion() {
    return apiVersion;
  }

  /** True for plain http to a loopback address: the only place a token may go unencrypted. */
  public boolean isLoopbackHttp() {
    String h = base.getHost();
    return base.getScheme().equals("http")
        && (h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1"));
  }

  /** True for the classic catalog API (a base path ending in {@code /catalog/api}). */
  public boolean isClassic() {
    return base.getRawPath().endsWith("/catalog/api");
  }

  public boolean isHttps() {
    return base.getScheme().equals("https");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PurviewEndpoint e && e.base.equals(base)
        && Objects.equals(e.apiVersion, apiVersion) && e.scope.equals(scope);
  }

  @Override
  public int hashCode() {
    return base.hashCode();
  }

  @Override
  public String toString() {
    return base.toString();
  }
}
