package dev.lineageledger.core;

import java.util.Base64;

/**
 * Decodes standard base64 (RFC 4648 §4, with padding) and accepts only the canonical encoding.
 *
 * <p>RFC 4648 §3.5 lets decoders reject encodings whose pad bits are not zero. We do, so that a
 * signed note, verifier key or checkpoint has exactly one textual form: two texts that differ
 * only in pad bits would otherwise carry the same bytes but hash differently in a ledger.
 */
final class CanonicalBase64 {
  private CanonicalBase64() {}

  /**
   * Returns the decoded bytes of {@code text}, or throws naming {@code what} (e.g. "signature").
   */
  static byte[] decode(String text, String what) throws FormatException {
    byte[] bytes;
    try {
      // Base64.getDecoder() also accepts input without padding; the round trip below rejects it.
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new FormatException(what + " is not valid base64", e);
    }
    if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw new FormatException(what + " is not canonical base64 (padding or pad bits)");
    }
    return bytes;
  }
}
