package dev.lineageledger.core;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/** A SHA-256 value (32 bytes). Immutable: bytes are copied in and out; prints as lowercase hex. */
public final class Hash {
  public static final int SIZE = 32;
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private Hash(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Copies {@code bytes}, which must be exactly 32 bytes long. */
  public static Hash of(byte[] bytes) {
    if (bytes == null || bytes.length != SIZE) {
      throw new IllegalArgumentException(
          "hash must be " + SIZE + " bytes, got " + (bytes == null ? "null" : bytes.length));
    }
    return new Hash(bytes.clone());
  }

  /** Takes ownership of {@code bytes} without copying; for internal hot paths only. */
  static Hash wrap(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("hash must be " + SIZE + " bytes, got " + bytes.length);
    }
    return new Hash(bytes);
  }

  public static Hash fromHex(String hex) throws FormatException {
    if (hex == null || hex.length() != SIZE * 2) {
      throw new FormatException("hash must be " + SIZE * 2 + " hex digits");
    }
    try {
      return new Hash(HEX.parseHex(hex.toLowerCase(java.util.Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new FormatException("hash is not hexadecimal", e);
    }
  }

  public static Hash fromBase64(String b64) throws FormatException {
    byte[] b;
    try {
      b = Base64.getDecoder().decode(b64 == null ? "" : b64);
    } catch (IllegalArgumentException e) {
      throw new FormatException("hash is not valid base64", e);
    }
    if (b.length != SIZE) {
      throw new FormatException("hash must decode to " + SIZE + " bytes, got " + b.length);
    }
    Hash h = new Hash(b);
    if (!h.base64().equals(b64)) {
      // One encoding per value, as in signed notes: no missing padding or stray bits.
      throw new FormatException("hash is not in canonical padded base64");
    }
    return h;
  }

  /** A fresh copy of the 32 bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Writes the 32 bytes into {@code dst} at {@code off} without allocating. */
  public void copyTo(byte[] dst, int off) {
    System.arraycopy(bytes, 0, dst, off, SIZE);
  }

  /** Feeds the 32 bytes to {@code md} without copying. */
  public void updateDigest(MessageDigest md) {
    md.update(bytes);
  }

  public String hex() {
    return HEX.formatHex(bytes);
  }

  public String base64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Constant-time comparison. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Hash h && MessageDigest.isEqual(bytes, h.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
