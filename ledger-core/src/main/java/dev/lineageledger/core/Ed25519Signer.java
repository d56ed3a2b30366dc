package dev.lineageledger.core;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An in-memory Ed25519 signing key (RFC 8032) with a signed-note key name.
 *
 * <p>The 32-byte private seed never leaves this object through the public API: there is no
 * getter and {@link #toString()} prints only the verifier key. {@link KeyFiles} is the one
 * place that reads the seed, to store it. The public key is derived once at construction and
 * passed to every signing call, so it is never re-derived per signature.
 *
 * <p>Thread-safe. {@link #destroy()} zeroes the seed (for keys unwrapped from a key management
 * service, when the ledger using them has closed); a destroyed key refuses to sign. The JVM gives
 * no stronger guarantee: copies made before (by the garbage collector moving the array, or by
 * whoever handed the secret in) are beyond its reach.
 */
public final class Ed25519Signer implements Signer, Destroyable {
  /** Length of an Ed25519 private key seed in bytes (RFC 8032 §5.1.5). */
  static final int SEED_SIZE = Ed25519.SECRET_KEY_SIZE;

  private final byte[] seed;
  private final byte[] publicKey;
  private final VerifierKey verifierKey;
  private volatile boolean destroyed;

  private Ed25519Signer(String name, byte[] seed) {
    this.seed = seed;
    this.publicKey = new byte[VerifierKey.PUBLIC_KEY_SIZE];
    Ed25519.generatePublicKey(seed, 0, publicKey, 0);
    this.verifierKey = VerifierKey.ed25519(name, publicKey);
  }

  /**
   * Generates a fresh key from {@link SecureRandom}.
   *
   * @throws IllegalArgumentException if {@code name} breaks the signed-note name rules
   */
  public static Ed25519Signer generate(String name) {
    requireValidName(name);
    byte[] seed = new byte[SEED_SIZE];
    Ed25519.generatePrivateKey(new SecureRandom(), seed);
    return new Ed25519Signer(name, seed);
  }

  /**
   * Builds a signer from a 32-byte RFC 8032 private key seed (copied). Package-private: only
   * {@link KeyFiles} and tests create keys from raw secrets.
   */
  static Ed25519Signer fromSeed(String name, byte[] seed) {
    Objects.requireNonNull(seed, "seed");
    requireValidName(name);
    if (seed.length != SEED_SIZE) {
      throw new IllegalArgumentException("Ed25519 private key seed must be 32 bytes");
    }
    return new Ed25519Signer(name, seed.clone());
  }

  private static void requireValidName(String name) {
    String problem = VerifierKey.nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** A copy of the private seed, for {@link KeyFiles} only. Callers must wipe it after use. */
  byte[] seed() {
    checkNotDestroyed();
    return seed.clone();
  }

  /**
   * Zeroes the private seed; every later {@link #sign} or export throws {@link
   * IllegalStateException}. Idempotent. Do not destroy a key while a ledger still signs with it.
   */
  @Override
  public void destroy() {
    destroyed = true;
    synchronized (seed) {
      Arrays.fill(seed, (byte) 0);
    }
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  private void checkNotDestroyed() {
    if (destroyed) {
      throw new IllegalStateException("this signing key has been destroyed");
    }
  }

  @Override
  public VerifierKey verifierKey() {
    return verifierKey;
  }

  /** Signs {@code message} (RFC 8032 §5.1.6); never fails for an in-memory key. */
  @Override
  public byte[] sign(byte[] message) {
    Objects.requireNonNull(message, "message");
    checkNotDestroyed();
    byte[] sig = new byte[VerifierKey.SIGNATURE_SIZE];
    // The public key passed here was derived from this seed in the constructor. BouncyCastle
    // trusts it; a mismatched one would leak the key (the "double public key" oracle), which is
    // why it is never taken from outside.
    Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, sig, 0);
    return sig;
  }

  /** Prints the verifier key only; never the seed. */
  @Override
  public String toString() {
    return "Ed25519Signer(" + verifierKey + ")";
  }
}
