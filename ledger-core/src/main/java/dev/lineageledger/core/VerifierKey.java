package dev.lineageledger.core;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 verifier key as defined by C2SP signed-note ("Verifier keys"): a key name, its
 * {@link KeyId} and a 32-byte RFC 8032 public key. Its text form (a "vkey") is
 *
 * <pre>{@code <name>+<hex(key ID)>+<base64(0x01 || public key)>}</pre>
 *
 * for example {@code PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW}.
 *
 * <p>Immutable and thread-safe. The public key is decoded and validated once, at construction,
 * and every {@link #verify} reuses the decoded point. Validation is BouncyCastle's {@code
 * validatePublicKeyFull}: the encoding must be canonical and the point must lie in the
 * prime-order subgroup, so small-order and mixed-order points are refused. Keys made by RFC
 * 8032 key generation ([s]B) always pass; only crafted keys fail, such as the identity point,
 * under which forged signatures verify for any message.
 */
public final class VerifierKey {
  /** Signature type byte for Ed25519 (C2SP signed-note, "Signature types"). */
  static final byte ALG_ED25519 = 0x01;

  /** Length of an Ed25519 public key in bytes (RFC 8032 §5.1.5). */
  public static final int PUBLIC_KEY_SIZE = Ed25519.PUBLIC_KEY_SIZE;

  /** Length of an Ed25519 signature in bytes (RFC 8032 §5.1.6). */
  public static final int SIGNATURE_SIZE = Ed25519.SIGNATURE_SIZE;

  private final String name;
  private final KeyId keyId;
  private final byte[] publicKey;
  private final Ed25519.PublicPoint point;
  private final String vkey;

  private VerifierKey(String name, KeyId keyId, byte[] publicKey, Ed25519.PublicPoint point) {
    this.name = name;
    this.keyId = keyId;
    this.publicKey = publicKey;
    this.point = point;
    byte[] typed = new byte[1 + PUBLIC_KEY_SIZE];
    typed[0] = ALG_ED25519;
    System.arraycopy(publicKey, 0, typed, 1, PUBLIC_KEY_SIZE);
    this.vkey = name + "+" + keyId.hex() + "+" + Base64.getEncoder().encodeToString(typed);
  }

  /**
   * Builds the verifier key for an Ed25519 public key under {@code name}; the key ID is derived.
   *
   * @throws IllegalArgumentException if the name breaks the signed-note name rules, or the key is
   *     not 32 bytes, not a canonical point encoding, or not in the prime-order subgroup
   */
  public static VerifierKey ed25519(String name, byte[] publicKey32) {
    Objects.requireNonNull(publicKey32, "publicKey32");
    String problem = nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (publicKey32.length != PUBLIC_KEY_SIZE) {
      throw new IllegalArgumentException(
          "Ed25519 public key must be 32 bytes, got " + publicKey32.length);
    }
    byte[] pk = publicKey32.clone();
    Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(pk, 0);
    if (point == null) {
      throw new IllegalArgumentException(INVALID_POINT);
    }
    return new VerifierKey(name, KeyId.of(name, pk), pk, point);
  }

  private static final String INVALID_POINT =
      "not a valid Ed25519 public key (non-canonical encoding, or a point of small or mixed"
          + " order)";

  /**
   * Parses a vkey string strictly: a valid name, exactly 8 lowercase hex digits of key ID,
   * canonical base64 of the Ed25519 type byte {@code 0x01} and a 32-byte key, and a key ID that
   * matches the name and key. No surrounding whitespace is accepted.
   */
  public static VerifierKey parse(String vkey) throws FormatException {
    Objects.requireNonNull(vkey, "vkey");
    // The name cannot contain '+', so the first two '+' delimit the fields; the base64 part may
    // contain '+' itself.
    int p1 = vkey.indexOf('+');
    int p2 = p1 < 0 ? -1 : vkey.indexOf('+', p1 + 1);
    if (p2 < 0) {
      throw new FormatException("verifier key must have the form <name>+<key ID>+<key>");
    }
    String name = vkey.substring(0, p1);
    String problem = nameProblem(name);
    if (problem != null) {
      throw new FormatException("verifier key: " + problem);
    }
    KeyId claimed;
    try {
      claimed = KeyId.fromHex(vkey.substring(p1 + 1, p2));
    } catch (FormatException e) {
      throw new FormatException("verifier key: " + e.getMessage(), e);
    }
    byte[] typed;
    try {
      typed = CanonicalBase64.decode(vkey.substring(p2 + 1), "key");
    } catch (FormatException e) {
      throw new FormatException("verifier key: " + e.getMessage(), e);
    }
    if (typed.length == 0) {
      throw new FormatException("verifier key: key is empty");
    }
    if (typed[0] != ALG_ED25519) {
      throw new FormatException(
          String.format(
              "verifier key: unsupported signature type 0x%02x (only Ed25519, 0x01, is supported)",
              typed[0] & 0xff));
    }
    if (typed.length != 1 + PUBLIC_KEY_SIZE) {
      throw new FormatException(
          "verifier key: Ed25519 key must be 32 bytes, got " + (typed.length - 1));
    }
    byte[] pk = Arrays.copyOfRange(typed, 1, typed.length);
    KeyId actual = KeyId.of(name, pk);
    if (!actual.equals(claimed)) {
      throw new FormatException(
          "verifier key: key ID " + claimed + " does not match the key (expected " + actual + ")");
    }
    Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(pk, 0);
    if (point == null) {
      throw new FormatException("verifier key: " + INVALID_POINT);
    }
    return new VerifierKey(name, actual, pk, point);
  }

  /**
   * Returns why {@code name} is not a valid key name, or {@code null} if it is. C2SP signed-note
   * ("Format"): non-empty, no Unicode spaces, no '+'. We also require well-formed UTF-16 (so the
   * name has a UTF-8 encoding at all) and reject control characters, which cannot appear in a
   * note line anyway.
   */
  static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "key name must not be empty";
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        return "key name is not valid Unicode (unpaired surrogate)";
      }
      if (cp == '+') {
        return "key name must not contain '+'";
      }
      // Character.isSpaceChar covers Zs/Zl/Zp, which together with the controls (\t \n \v \f
      // \r U+0085) is exactly Unicode White_Space, the set Go's unicode.IsSpace rejects.
      if (Character.isSpaceChar(cp)) {
        return "key name must not contain spaces";
      }
      if (Character.isISOControl(cp)) {
        return "key name must not contain control characters";
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /** The key name. */
  public String name() {
    return name;
  }

  /** The key ID, derived from name and key. */
  public KeyId keyId() {
    return keyId;
  }

  /** A fresh copy of the 32-byte RFC 8032 public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** {@code name+keyid}, the short form used in messages. */
  String label() {
    return name + "+" + keyId.hex();
  }

  /**
   * Checks an Ed25519 signature (RFC 8032 §5.1.7) of {@code message}. Returns normally only if
   * the signature verifies; a failed check cannot be ignored.
   *
   * @throws VerificationException if the signature is not 64 bytes or does not verify
   */
  public void verify(byte[] message, byte[] signature) throws VerificationException {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(signature, "signature");
    if (signature.length != SIGNATURE_SIZE) {
      throw new VerificationException(
          "Ed25519 signature by " + label() + " must be 64 bytes, got " + signature.length);
    }
    if (!Ed25519.verify(signature, 0, point, message, 0, message.length)) {
      throw new VerificationException("Ed25519 signature by " + label() + " does not verify");
    }
  }

  /** Same name and same public key (hence same key ID). */
  @Override
  public boolean equals(Object o) {
    return o instanceof VerifierKey k
        && k.name.equals(name)
        && MessageDigest.isEqual(k.publicKey, publicKey);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + keyId.hashCode();
  }

  /** The vkey string, exactly as C2SP signed-note defines it; {@link #parse} reads it back. */
  @Override
  public String toString() {
    return vkey;
  }
}
