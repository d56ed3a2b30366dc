package dev.lineageledger.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The 4-byte key ID that a signed note carries in front of every signature (C2SP signed-note,
 * "Signatures"). It identifies a key together with the key name; it is not a cryptographic
 * commitment to the key, so it is never a substitute for the full verifier key.
 *
 * <p>Immutable; prints as 8 lowercase hex digits.
 */
public final class KeyId {
  /** Length of a key ID in bytes. */
  public static final int SIZE = 4;

  private static final HexFormat HEX = HexFormat.of();

  private final int value;

  private KeyId(int value) {
    this.value = value;
  }

  /**
   * The key ID of an Ed25519 key: {@code SHA-256(name || 0x0A || 0x01 || publicKey)[:4]}
   * (C2SP signed-note, "Ed25519 signatures").
   *
   * @param name the key name (not validated here; see {@link VerifierKey})
   * @param publicKey the 32-byte RFC 8032 encoding of the Ed25519 public key
   */
  public static KeyId of(String name, byte[] publicKey) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(publicKey, "publicKey");
    if (publicKey.length != 32) {
      throw new IllegalArgumentException(
          "Ed25519 public key must be 32 bytes, got " + publicKey.length);
    }
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    sha256.update(name.getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) 0x0A);
    sha256.update(VerifierKey.ALG_ED25519);
    sha256.update(publicKey);
    return fromBytes(sha256.digest(), 0);
  }

  /**
   * Parses the key ID part of a verifier key: exactly 8 lowercase hex digits, as the spec's
   * "Conventions" section defines hex encoding.
   */
  public static KeyId fromHex(String hex) throws FormatException {
    if (hex == null || hex.length() != 2 * SIZE) {
      throw new FormatException("key ID must be 8 lowercase hex digits");
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        throw new FormatException("key ID must be 8 lowercase hex digits");
      }
    }
    return new KeyId(HexFormat.fromHexDigits(hex));
  }

  /** Reads a big-endian key ID from {@code bytes[off..off+4)}. */
  static KeyId fromBytes(byte[] bytes, int off) {
    return new KeyId(
        (bytes[off] & 0xff) << 24
            | (bytes[off + 1] & 0xff) << 16
            | (bytes[off + 2] & 0xff) << 8
            | bytes[off + 3] & 0xff);
  }

  /** Writes the key ID big-endian into {@code dst[off..off+4)}. */
  void writeTo(byte[] dst, int off) {
    dst[off] = (byte) (value >>> 24);
    dst[off + 1] = (byte) (value >>> 16);
    dst[off + 2] = (byte) (value >>> 8);
    dst[off + 3] = (byte) value;
  }

  /** The key ID as a big-endian 32-bit integer (Go's {@code note.Verifier.KeyHash()}). */
  public int asInt() {
    return value;
  }

  /** 8 lowercase hex digits. */
  public String hex() {
    return HEX.toHexDigits(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyId k && k.value == value;
  }

  @Override
  public int hashCode() {
    return value;
  }

  @Override
  public String toString() {
    return hex();
  }
}
