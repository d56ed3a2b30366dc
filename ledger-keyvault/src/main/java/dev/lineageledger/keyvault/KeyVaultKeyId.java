package dev.lineageledger.keyvault;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Key Vault key identifier, {@code https://VAULT.vault.azure.net/keys/NAME[/VERSION]} (the
 * {@code kid} of Key Vault's REST API): the vault URL, the key name and, optionally, one version.
 * Without a version it means "the key's current version", resolved when a key is wrapped.
 *
 * @param vaultUrl {@code https://host[:port]}, no path
 * @param name the key name: 1-127 letters, digits and dashes (Key Vault's object name rule)
 * @param version the key version or {@code null} for the current one
 */
public record KeyVaultKeyId(URI vaultUrl, String name, String version) {
  private static final Pattern NAME = Pattern.compile("[0-9A-Za-z-]{1,127}");
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z]{1,64}");

  public KeyVaultKeyId {
    Objects.requireNonNull(vaultUrl, "vaultUrl");
    Objects.requireNonNull(name, "name");
    if (!"https".equals(vaultUrl.getScheme()) || vaultUrl.getHost() == null
        || vaultUrl.getRawUserInfo() != null || vaultUrl.getRawQuery() != null
        || vaultUrl.getRawFragment() != null
        || !(vaultUrl.getRawPath() == null || vaultUrl.getRawPath().isEmpty())) {
      throw new IllegalArgumentException("vault URL must be https://HOST[:PORT] without a path: "
          + printable(vaultUrl.toString()));
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("Key Vault key name must be 1-127 letters, digits or"
          + " dashes: " + printable(name));
    }
    if (version != null && !VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException("Key Vault key version must be letters and digits: "
          + printable(version));
    }
  }

  /**
   * Parses {@code https://VAULT.vault.azure.net/keys/NAME[/VERSION]} (a trailing slash is
   * accepted).
   *
   * @throws IllegalArgumentException with a one-line reason
   */
  public static KeyVaultKeyId parse(String url) {
    Objects.requireNonNull(url, "url");
    URI u;
    try {
      u = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a Key Vault key URL: " + printable(url), e);
    }
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String[] parts = path.split("/", -1);
    if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null
        || parts.length < 3 || parts.length > 4 || !parts[0].isEmpty() || !"keys".equals(parts[1])) {
      throw new IllegalArgumentException("not a Key Vault key URL (expected"
          + " https://VAULT.vault.azure.net/keys/NAME[/VERSION]): " + printable(url));
    }
    if (u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
      throw new IllegalArgumentException("a Key Vault key URL has no query, fragment or user: "
          + printable(url));
    }
    URI vault;
    try {
      vault = new URI("https", null, u.getHost().toLowerCase(Locale.ROOT), u.getPort(), null,
          null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a Key Vault key URL: " + printable(url), e);
    }
    return new KeyVaultKeyId(vault, parts[2], parts.length == 4 ? parts[3] : null);
  }

  /**
   * {@code s} made safe for a one-line message: control and line-separator characters as
   * {@code \\uXXXX}, at most 100 characters. Input from files and command lines goes through it.
   */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 100; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.length() >= 100 && s.length() > 100 ? b + "..." : b.toString();
  }

  /** The same key at {@code v}. */
  public KeyVaultKeyId withVersion(String v) {
    return new KeyVaultKeyId(vaultUrl, name, Objects.requireNonNull(v, "version"));
  }

  /** The same key without a version: its current version. */
  public KeyVaultKeyId unversioned() {
    return new KeyVaultKeyId(vaultUrl, name, null);
  }

  /**
   * Whether the vault is on a loopback address (an emulator). Only then is Key Vault's bearer
   * challenge accepted from a host outside the challenge's resource domain. A name is resolved
   * without DNS only for the literal {@code localhost}; other names never count as loopback.
   */
  public boolean isLoopback() {
    String host = vaultUrl.getHost();
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String literal = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
      return false; // a DNS name: never treated as loopback, whatever it resolves to
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The key URL, {@code https://host/keys/NAME[/VERSION]}. */
  @Override
  public String toString() {
    return vaultUrl + "/keys/" + name + (version == null ? "" : "/" + version);
  }
}
