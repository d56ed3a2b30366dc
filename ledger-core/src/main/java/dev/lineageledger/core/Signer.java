package dev.lineageledger.core;

/**
 * Produces Ed25519 signatures for one key. This is the plug-in point for keys held elsewhere
 * (KMS, HSM, a remote witness): the ledger only ever asks for {@link #verifierKey()} and
 * {@link #sign}, and checks every signature it receives against the verifier key before
 * publishing it.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Signer {
  /** The public half of the key, including the name under which it signs notes. */
  VerifierKey verifierKey();

  /**
   * Signs {@code message} (RFC 8032 §5.1.6 PureEdDSA, no prehash) and returns the 64-byte
   * signature.
   *
   * @throws KeyException if the key cannot be used (e.g. a remote signer is unreachable)
   */
  byte[] sign(byte[] message) throws KeyException;
}
