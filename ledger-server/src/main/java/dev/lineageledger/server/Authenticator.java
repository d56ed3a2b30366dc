package dev.lineageledger.server;

/** Turns a bearer token into a {@link Principal}, or refuses it. Implementations are thread-safe. */
@FunctionalInterface
public interface Authenticator {
  Principal authenticate(String bearerToken) throws AuthenticationException;
}
