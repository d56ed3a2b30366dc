package dev.lineageledger.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates Microsoft Entra ID access tokens locally: the RS256 signature against the tenant's
 * published keys (JWKS, cached for an hour and refreshed ahead of expiry or when a token names
 * an unknown key id), the issuer (v1 {@code https://sts.windows.net/TENANT/} or v2 {@code
 * https://login.microsoftonline.com/TENANT/v2.0}), the audience, {@code exp} and {@code nbf}
 * (60 s clock skew). The identity is the {@code oid} claim (user or service principal object
 * id), else {@code azp}/{@code appid}; the role comes from the {@code roles} claim: app role
 * {@value #WRITER_ROLE} writes, {@value #READER_ROLE} reads.
 */
public final class EntraAuthenticator implements Authenticator {
  public static final String WRITER_ROLE = "Ledger.Write";
  public static final String READER_ROLE = "Ledger.Read";
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9.-]{1,100}");

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final Set<String> issuers;

  /**
   * @param jwksUri where the signing keys are published
   * @param issuers accepted {@code iss} values (exact match)
   * @param audience the accepted {@code aud} (the API's application id URI or client id)
   */
  public EntraAuthenticator(URI jwksUri, Set<String> issuers, String audience) {
    Objects.requireNonNull(audience, "audience");
    if (issuers.isEmpty()) {
      throw new IllegalArgumentException("at least one issuer is required");
    }
    this.issuers = Set.copyOf(issuers);
    URL url;
    try {
      url = jwksUri.toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("JWKS URI is not a URL: " + jwksUri, e);
    }
    JWKSource<SecurityContext> keys = JWKSourceBuilder
        .create(url, new DefaultResourceRetriever(5_000, 5_000, 1 << 20))
        .cache(60 * 60 * 1000L, 15_000L)
        .rateLimited(30_000L)
        .build();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(Set.of(audience), null,
        Set.of("exp", "iss", "aud"), null));
  }

  /** The public cloud's endpoints for {@code tenant} (a tenant id or verified domain). */
  public static EntraAuthenticator forTenant(String tenant, String audience) {
    if (tenant == null || !TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException("tenant must be a tenant id or domain name");
    }
    return new EntraAuthenticator(
        URI.create("https://login.microsoftonline.com/" + tenant + "/discovery/v2.0/keys"),
        Set.of("https://login.microsoftonline.com/" + tenant + "/v2.0",
            "https://sts.windows.net/" + tenant + "/"),
        audience);
  }

  @Override
  public Principal authenticate(String bearerToken) throws AuthenticationException {
    JWTClaimsSet claims;
    try {
      claims = processor.process(bearerToken, null);
    } catch (BadJWTException e) {
      // Claim failures: expired, not yet valid, wrong audience, missing claims.
      throw new AuthenticationException("token rejected: " + e.getMessage(), false, null);
    } catch (ParseException e) {
      throw new AuthenticationException("token is not a JWT", false, null);
    } catch (BadJOSEException e) {
      throw new AuthenticationException("token signature rejected: " + e.getMessage(), false, null);
    } catch (JOSEException e) {
      throw new AuthenticationException("cannot verify token: " + e.getMessage(), false, null);
    }
    if (!issuers.contains(claims.getIssuer())) {
      throw new AuthenticationException("token rejected: issuer is not the configured tenant");
    }
    String id = text(claims, "oid");
    if (id == null) {
      id = text(claims, "azp") != null ? text(claims, "azp") : text(claims, "appid");
    }
    if (id == null) {
      throw new AuthenticationException("token rejected: it has no oid, azp or appid claim");
    }
    String name = text(claims, "name");
    if (name == null) {
      name = text(claims, "preferred_username");
    }
    if (name == null) {
      name = text(claims, "app_displayname");
    }
    List<String> roles;
    try {
      roles = claims.getStringListClaim("roles");
    } catch (ParseException e) {
      throw new AuthenticationException("token rejected: roles is not a list of strings");
    }
    Role role = roles == null ? null
        : roles.contains(WRITER_ROLE) ? Role.WRITER : roles.contains(READER_ROLE) ? Role.READER : null;
    if (role == null) {
      throw new AuthenticationException("the token grants neither " + WRITER_ROLE + " nor "
          + READER_ROLE, true, null);
    }
    return new Principal("entra:" + id, name, role);
  }

  private static String text(JWTClaimsSet c, String name) {
    Object v = c.getClaim(name);
    return v instanceof String s && !s.isBlank() ? s : null;
  }
}
