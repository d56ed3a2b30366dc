package dev.lineageledger.purview;

import java.util.Locale;

/**
 * The Azure cloud a Purview account lives in: the host suffix of its endpoints, the Entra ID
 * scope of its tokens and the Entra ID authority that issues them (docs/PURVIEW.md "Endpoints
 * and authentication").
 *
 * <ul>
 *   <li>{@link #PUBLIC}: {@code NAME.purview.azure.com}, scope
 *       {@code https://purview.azure.net/.default}, authority {@code login.microsoftonline.com};
 *   <li>{@link #CHINA} (operated by 21Vianet): {@code NAME.purview.azure.cn}, scope
 *       {@code https://purview.azure.cn/.default}, authority {@code login.chinacloudapi.cn};
 *   <li>{@link #US_GOVERNMENT}: {@code NAME.purview.azure.us}, scope
 *       {@code https://purview.azure.us/.default}, authority {@code login.microsoftonline.us}.
 * </ul>
 */
public enum PurviewCloud {
  PUBLIC("public", "purview.azure.com", "https://purview.azure.net/.default",
      "https://login.microsoftonline.com/"),
  CHINA("china", "purview.azure.cn", "https://purview.azure.cn/.default",
      "https://login.chinacloudapi.cn/"),
  US_GOVERNMENT("usgov", "purview.azure.us", "https://purview.azure.us/.default",
      "https://login.microsoftonline.us/");

  private final String id;
  private final String hostSuffix;
  private final String scope;
  private final String authorityHost;

  PurviewCloud(String id, String hostSuffix, String scope, String authorityHost) {
    this.id = id;
    this.hostSuffix = hostSuffix;
    this.scope = scope;
    this.authorityHost = authorityHost;
  }

  /** {@code public}, {@code china} or {@code usgov} (also the enum names, any case). */
  public static PurviewCloud of(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    for (PurviewCloud c : values()) {
      if (c.id.equals(n) || c.name().toLowerCase(Locale.ROOT).equals(n)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown cloud '" + name + "': use public, china or usgov");
  }

  /** The cloud whose account host suffix {@code host} has, or {@link #PUBLIC}. */
  static PurviewCloud ofHost(String host) {
    String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
    for (PurviewCloud c : values()) {
      if (h.endsWith("." + c.hostSuffix)) {
        return c;
      }
    }
    return PUBLIC;
  }

  /** The command-line name: public, china, usgov. */
  public String id() {
    return id;
  }

  /** The host suffix of account endpoints, e.g. {@code purview.azure.cn}. */
  public String hostSuffix() {
    return hostSuffix;
  }

  /** The Entra ID scope of Purview data-plane tokens in this cloud. */
  public String scope() {
    return scope;
  }

  /** The Entra ID authority host of this cloud. */
  public String authorityHost() {
    return authorityHost;
  }
}
