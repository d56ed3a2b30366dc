package dev.lineageledger.core;

import java.util.Arrays;

/**
 * One signature line of a {@link SignedNote}: {@code — <name> base64(keyID || signature)}.
 *
 * <p>A parsed signature is only a claim: it says which key allegedly signed, and nothing is
 * known about it until {@link SignedNote#verify} has checked it against a trusted key.
 * Immutable.
 */
public final class NoteSignature {
  private final String name;
  private final KeyId keyId;
  private final byte[] signature;
  private final String line;

  NoteSignature(String name, KeyId keyId, byte[] signature, String line) {
    this.name = name;
    this.keyId = keyId;
    this.signature = signature;
    this.line = line;
  }

  /** The key name on the line. */
  public String name() {
    return name;
  }

  /** The key ID from the first four decoded bytes. */
  public KeyId keyId() {
    return keyId;
  }

  /** A fresh copy of the signature bytes (after the key ID); 64 bytes for Ed25519. */
  public byte[] signature() {
    return signature.clone();
  }

  /** The signature line as it appears in the note, without its final newline. */
  public String line() {
    return line;
  }

  /** Whether this line claims to be by {@code key} (same name and key ID). */
  public boolean claimsKey(VerifierKey key) {
    return key.name().equals(name) && key.keyId().equals(keyId);
  }

  byte[] signatureBytes() {
    return signature;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteSignature s
        && s.name.equals(name)
        && s.keyId.equals(keyId)
        && Arrays.equals(s.signature, signature);
  }

  @Override
  public int hashCode() {
    return line.hashCode();
  }

  @Override
  public String toString() {
    return line;
  }
}
