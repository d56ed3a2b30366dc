package dev.lineageledger.core;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A C2SP signed note (c2sp.org/signed-note): a text ending in a newline, a blank line, and one or
 * more signature lines {@code — <key name> base64(key ID || signature)}.
 *
 * <p><b>The body is untrusted until {@link #verify} returns.</b> {@link #parse} checks only the
 * syntax; nothing in {@link #body()} may be acted upon before {@link #verify} has confirmed a
 * signature by a trusted key. {@link Checkpoint#open} shows the intended order.
 *
 * <p>Parsing is strict and follows the spec's "Format" section plus these limits and choices:
 *
 * <ul>
 *   <li>at most {@value #MAX_SIGNATURES} signature lines (the spec requires accepting at least
 *       16; Go's {@code note.Open} also stops at 100) and at most {@value #MAX_NOTE_BYTES} bytes
 *       of UTF-8 in total;
 *   <li>at most {@value #MAX_SIGNATURE_BYTES} bytes per decoded signature, enough for the
 *       post-quantum signatures the spec mentions;
 *   <li>base64 must be canonical (RFC 4648 §3.5), so every note has one textual form;
 *   <li>a key (name and key ID) may sign only once. Go's {@code note.Open} silently skips
 *       repeated signatures by a known key without verifying them; we reject such notes
 *       instead, so that no unchecked bytes are ever attributed to a trusted key;
 *   <li>key names additionally must not contain control characters (see {@link VerifierKey}).
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class SignedNote {
  /** Maximum number of signature lines accepted. */
  public static final int MAX_SIGNATURES = 100;

  /** Maximum size of a whole note, in bytes of UTF-8. */
  public static final int MAX_NOTE_BYTES = 1 << 20;

  /** Maximum size of one decoded signature (excluding the key ID). */
  public static final int MAX_SIGNATURE_BYTES = 8192;

  private static final String SIG_PREFIX = "\u2014 "; // em dash, space

  private final String text;
  private final String body;
  private final byte[] bodyBytes;
  private final List<NoteSignature> signatures;

  private SignedNote(String text, String body, List<NoteSignature> signatures) {
    this.text = text;
    this.body = body;
    this.bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    this.signatures = List.copyOf(signatures);
  }

  /**
   * Parses a note from its UTF-8 bytes, rejecting malformed UTF-8 (the spec: "Signed notes MUST
   * be valid UTF-8").
   */
  public static SignedNote parse(byte[] utf8) throws FormatException {
    Objects.requireNonNull(utf8, "utf8");
    if (utf8.length > MAX_NOTE_BYTES) {
      throw new FormatException("malformed note: larger than " + MAX_NOTE_BYTES + " bytes");
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer chars;
    try {
      chars = decoder.decode(ByteBuffer.wrap(utf8));
    } catch (CharacterCodingException e) {
      throw new FormatException("malformed note: not valid UTF-8", e);
    }
    return parse(chars.toString());
  }

  /**
   * Parses a note strictly. Checks syntax only: the result's {@link #body()} is untrusted until
   * {@link #verify} succeeds.
   */
  public static SignedNote parse(String text) throws FormatException {
    Objects.requireNonNull(text, "text");
    checkText(text, "malformed note");

    // The text is separated from the signatures by the last empty line (spec, "Format").
    int split = text.lastIndexOf("\n\n");
    if (split < 0) {
      throw new FormatException("malformed note: no blank line between text and signatures");
    }
    String body = text.substring(0, split + 1);
    String sigBlock = text.substring(split + 2);
    if (sigBlock.isEmpty()) {
      throw new FormatException("malformed note: no signature lines after the blank line");
    }
    if (!sigBlock.endsWith("\n")) {
      throw new FormatException("malformed note: does not end with a newline");
    }

    int lines = 0;
    for (int i = 0; i < sigBlock.length(); i++) {
      if (sigBlock.charAt(i) == '\n') {
        lines++;
      }
    }
    if (lines > MAX_SIGNATURES) {
      throw new FormatException(
          "malformed note: " + lines + " signature lines, more than " + MAX_SIGNATURES);
    }

    List<NoteSignature> sigs = new ArrayList<>(lines);
    Set<String> seen = new HashSet<>();
    int start = 0;
    for (int n = 1; start < sigBlock.length(); n++) {
      int end = sigBlock.indexOf('\n', start);
      NoteSignature sig = parseSignatureLine(sigBlock.substring(start, end), n);
      if (!seen.add(sig.name() + "+" + sig.keyId().hex())) {
        throw new FormatException(
            "malformed note: key " + sig.name() + "+" + sig.keyId() + " signed more than once");
      }
      sigs.add(sig);
      start = end + 1;
    }
    return new SignedNote(text, body, sigs);
  }

  private static NoteSignature parseSignatureLine(String line, int n) throws FormatException {
    String where = "malformed note: signature line " + n;
    if (!line.startsWith(SIG_PREFIX)) {
      throw new FormatException(
          where + " does not start with an em dash (U+2014) and a space");
    }
    String rest = line.substring(SIG_PREFIX.length());
    int space = rest.indexOf(' ');
    if (space < 0) {
      throw new FormatException(where + " has no space between key name and signature");
    }
    String name = rest.substring(0, space);
    String problem = VerifierKey.nameProblem(name);
    if (problem != null) {
      throw new FormatException(where + ": " + problem);
    }
    String b64 = rest.substring(space + 1);
    if (b64.isEmpty()) {
      throw new FormatException(where + ": signature is empty");
    }
    if (b64.length() > (KeyId.SIZE + MAX_SIGNATURE_BYTES + 2) / 3 * 4) {
      throw new FormatException(
          where + ": signature is longer than " + MAX_SIGNATURE_BYTES + " bytes");
    }
    byte[] raw;
    try {
      raw = CanonicalBase64.decode(b64, "signature");
    } catch (FormatException e) {
      throw new FormatException(where + ": " + e.getMessage(), e);
    }
    // Four bytes of key ID and at least one byte of signature, as in Go's note.Open.
    if (raw.length < KeyId.SIZE + 1) {
      throw new FormatException(
          where + ": signature is too short (" + raw.length + " bytes including the key ID)");
    }
    byte[] sig = new byte[raw.length - KeyId.SIZE];
    System.arraycopy(raw, KeyId.SIZE, sig, 0, sig.length);
    return new NoteSignature(name, KeyId.fromBytes(raw, 0), sig, line);
  }

  /**
   * Checks the spec's character rules: no ASCII control characters other than newline, valid
   * Unicode (so that the UTF-8 encoding is exactly the signed bytes), and the size limit.
   */
  private static void checkText(String text, String what) throws FormatException {
    long utf8Length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && c != '\n') {
        throw new FormatException(
            String.format("%s: control character U+%04X at offset %d", what, (int) c, i));
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          throw new FormatException(what + ": not valid Unicode (unpaired surrogate at " + i + ")");
        }
        i++;
        utf8Length += 4;
        continue;
      }
      if (Character.isLowSurrogate(c)) {
        throw new FormatException(what + ": not valid Unicode (unpaired surrogate at " + i + ")");
      }
      utf8Length += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    if (utf8Length > MAX_NOTE_BYTES) {
      throw new FormatException(what + ": larger than " + MAX_NOTE_BYTES + " bytes");
    }
  }

  /**
   * Signs {@code body} with every signer, in order, and returns the note. Each signature is
   * verified against its signer's verifier key before it is used, which catches faulty or
   * misconfigured (e.g. remote) signers. A signer whose key already signed earlier in the list
   * is skipped.
   *
   * @param body the note text; must end with a newline and follow the spec's character rules
   * @throws IllegalArgumentException if the body or the signer list is unusable
   * @throws KeyException if a signer fails or (any signer but the in-process {@link
   *     Ed25519Signer}) returns a signature that does not verify
   */
  public static SignedNote sign(String body, List<? extends Signer> signers)
      throws KeyException {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(signers, "signers");
    if (signers.isEmpty()) {
      throw new IllegalArgumentException("at least one signer is required");
    }
    if (!body.endsWith("\n")) {
      throw new IllegalArgumentException("note text must end with a newline");
    }
    try {
      checkText(body, "note text");
    } catch (FormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder text = new StringBuilder(body).append('\n');
    Set<VerifierKey> done = new HashSet<>();
    for (Signer signer : signers) {
      VerifierKey key = signer.verifierKey();
      if (done.add(key)) {
        text.append(signatureLine(key, signOwn(signer, key, bodyBytes))).append('\n');
      }
    }
    return parseOwn(text.toString());
  }

  /**
   * Adds a signature by {@code signer} (cosigning) and returns the new note; returns this note
   * unchanged if a signature line already claims the signer's key.
   *
   * <p>Cosigning attests to the body, so verify the note with {@link #verify} before cosigning
   * a note that came from elsewhere.
   */
  public SignedNote withSignature(Signer signer) throws KeyException {
    Objects.requireNonNull(signer, "signer");
    VerifierKey key = signer.verifierKey();
    for (NoteSignature s : signatures) {
      if (s.claimsKey(key)) {
        return this;
      }
    }
    return parseOwn(text + signatureLine(key, signOwn(signer, key, bodyBytes)) + "\n");
  }

  private static byte[] signOwn(Signer signer, VerifierKey key, byte[] message)
      throws KeyException {
    byte[] sig = signer.sign(message);
    if (sig == null || sig.length != VerifierKey.SIGNATURE_SIZE) {
      throw new KeyException(
          "signer "
              + key.label()
              + " returned "
              + (sig == null ? "no signature" : "a signature of " + sig.length + " bytes")
              + "; Ed25519 signatures are 64 bytes");
    }
    if (signer instanceof Ed25519Signer) {
      // In-process RFC 8032 signing with the public key derived from its own seed: valid by
      // construction (see LedgerWriter). Any other signer (a KMS, an HSM) is checked.
      return sig;
    }
    try {
      key.verify(message, sig);
    } catch (VerificationException e) {
      throw new KeyException(
          "signer " + key.label() + " produced a signature that does not verify with its key", e);
    }
    return sig;
  }

  private static String signatureLine(VerifierKey key, byte[] sig) {
    byte[] raw = new byte[KeyId.SIZE + sig.length];
    key.keyId().writeTo(raw, 0);
    System.arraycopy(sig, 0, raw, KeyId.SIZE, sig.length);
    return SIG_PREFIX + key.name() + " " + Base64.getEncoder().encodeToString(raw);
  }

  /** Re-parses a note this class built, so that sign() only ever yields what parse() accepts. */
  private static SignedNote parseOwn(String text) {
    try {
      return parse(text);
    } catch (FormatException e) {
      throw new IllegalArgumentException("cannot build a valid note: " + e.getMessage(), e);
    }
  }

  /**
   * Verifies the note against a set of trusted keys, with the semantics of Go's
   * {@code note.Open} and the spec's "Signatures" section:
   *
   * <ul>
   *   <li>signatures whose name and key ID do not both match a trusted key are ignored;
   *   <li>a signature that claims a trusted key must verify, otherwise the whole note is
   *       rejected;
   *   <li>at least one trusted key must have signed.
   * </ul>
   *
   * @param trusted the keys to check against; two different keys with the same name and key ID
   *     are a configuration error ({@link IllegalArgumentException})
   * @return the trusted keys whose signatures verified, in signature-line order
   * @throws VerificationException if a trusted key's signature is invalid, or none is present
   */
  public List<VerifierKey> verify(Collection<VerifierKey> trusted) throws VerificationException {
    Objects.requireNonNull(trusted, "trusted");
    Map<String, VerifierKey> byLabel = new HashMap<>();
    for (VerifierKey k : trusted) {
      VerifierKey prev = byLabel.putIfAbsent(k.label(), k);
      if (prev != null && !prev.equals(k)) {
        throw new IllegalArgumentException("ambiguous trusted keys: two different keys " + k.label());
      }
    }
    List<VerifierKey> verified = new ArrayList<>();
    for (NoteSignature s : signatures) {
      VerifierKey k = byLabel.get(s.name() + "+" + s.keyId().hex());
      if (k == null) {
        continue;
      }
      try {
        k.verify(bodyBytes, s.signatureBytes());
      } catch (VerificationException e) {
        throw new VerificationException("invalid signature by " + k.label(), e);
      }
      verified.add(k);
    }
    if (verified.isEmpty()) {
      StringJoiner by = new StringJoiner(", ");
      for (NoteSignature s : signatures) {
        by.add(s.name() + "+" + s.keyId());
      }
      throw new VerificationException("no signature by a trusted key (signed by: " + by + ")");
    }
    return List.copyOf(verified);
  }

  /** The whole note, exactly as parsed or built. */
  public String text() {
    return text;
  }

  /**
   * The signed text, ending in a newline (without the separating blank line).
   *
   * <p><b>Untrusted</b> unless {@link #verify} has returned for this note.
   */
  public String body() {
    return body;
  }

  /** The signature lines, in order. Claims only, until {@link #verify} has checked them. */
  public List<NoteSignature> signatures() {
    return signatures;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedNote n && n.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The note text. */
  @Override
  public String toString() {
    return text;
  }
}
