package dev.lineageledger.core;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The body of a C2SP transparency-log checkpoint (c2sp.org/tlog-checkpoint, "Note text"):
 *
 * <pre>{@code
 * <origin>\n
 * <tree size, decimal, no leading zeros>\n
 * <base64 of the 32-byte RFC 6962 root hash>\n
 * [<extension line>\n]...
 * }</pre>
 *
 * <p>A checkpoint is only meaningful inside a verified {@link SignedNote}. Read one with {@link
 * #open}, which verifies the signatures <em>before</em> it parses the body, never with {@link
 * #parse} on an unverified note body.
 *
 * @param origin the log's identity: non-empty, one line
 * @param size the number of leaves, {@code >= 0}
 * @param root the Merkle tree root hash at {@code size}
 * @param extensions optional further lines, each non-empty (the spec calls them NOT
 *     RECOMMENDED, as monitors cannot audit them)
 */
public record Checkpoint(String origin, long size, Hash root, List<String> extensions) {

  /**
   * @throws IllegalArgumentException if a field breaks the grammar above
   */
  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(extensions, "extensions");
    String problem = lineProblem(origin, "origin");
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (size < 0) {
      throw new IllegalArgumentException("checkpoint size must be >= 0, got " + size);
    }
    extensions = List.copyOf(extensions);
    for (String e : extensions) {
      problem = lineProblem(e, "extension line");
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
  }

  /** A checkpoint without extension lines. */
  public Checkpoint(String origin, long size, Hash root) {
    this(origin, size, root, List.of());
  }

  /** A line must be non-empty and follow the signed-note character rules. */
  private static String lineProblem(String line, String what) {
    if (line.isEmpty()) {
      return "checkpoint " + what + " must not be empty";
    }
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\n') {
        return "checkpoint " + what + " must not contain a newline";
      }
      if (c < 0x20) {
        return String.format("checkpoint %s contains control character U+%04X", what, (int) c);
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < line.length()
          && Character.isLowSurrogate(line.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "checkpoint " + what + " is not valid Unicode (unpaired surrogate)";
      }
    }
    return null;
  }

  /** The note text: origin, size, base64 root and extension lines, each ending in a newline. */
  public String body() {
    StringBuilder b = new StringBuilder(origin.length() + 80);
    b.append(origin).append('\n').append(size).append('\n').append(root.base64()).append('\n');
    for (String e : extensions) {
      b.append(e).append('\n');
    }
    return b.toString();
  }

  /**
   * Parses a checkpoint body strictly by the spec's grammar.
   *
   * <p>This trusts its input: call it only on the body of a note whose signatures have been
   * verified. {@link #open} does both in the right order.
   */
  public static Checkpoint parse(String body) throws FormatException {
    Objects.requireNonNull(body, "body");
    if (!body.endsWith("\n")) {
      throw new FormatException("checkpoint must end with a newline");
    }
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw new FormatException(
          "checkpoint has "
              + lines.length
              + " line(s); it needs at least origin, tree size and root hash");
    }
    for (int i = 0; i < lines.length; i++) {
      String problem = lineProblem(lines[i], i == 0 ? "origin" : "line " + (i + 1));
      if (problem != null) {
        throw new FormatException(problem);
      }
    }
    long size = parseSize(lines[1]);
    byte[] root = CanonicalBase64.decode(lines[2], "checkpoint root hash");
    if (root.length != Hash.SIZE) {
      throw new FormatException(
          "checkpoint root hash must be " + Hash.SIZE + " bytes, got " + root.length);
    }
    return new Checkpoint(
        lines[0], size, Hash.wrap(root), List.of(lines).subList(3, lines.length));
  }

  /** tlog-checkpoint, "Note text" item 2: ASCII decimal, no leading zeroes unless it is 0. */
  private static long parseSize(String s) throws FormatException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new FormatException(
            "checkpoint tree size must be a decimal number without sign: \"" + s + "\"");
      }
    }
    if (s.length() > 1 && s.charAt(0) == '0') {
      throw new FormatException("checkpoint tree size has a leading zero: \"" + s + "\"");
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new FormatException("checkpoint tree size is out of range: \"" + s + "\"", e);
    }
  }

  /** Signs this checkpoint's {@link #body()} as a signed note. */
  public SignedNote sign(List<? extends Signer> signers) throws KeyException {
    return SignedNote.sign(body(), signers);
  }

  /**
   * Reads a signed checkpoint: parses the note, verifies its signatures against {@code trusted}
   * (see {@link SignedNote#verify}), and only then parses the body and checks its origin.
   *
   * @param expectedOrigin the origin the caller expects; a checkpoint from another log is
   *     rejected even if a trusted key signed it
   * @throws FormatException if the note or, after verification, the body is malformed
   * @throws VerificationException if no trusted key signed, a trusted key's signature is
   *     invalid, or the origin differs
   */
  public static Checkpoint open(
      String noteText, Collection<VerifierKey> trusted, String expectedOrigin)
      throws FormatException, VerificationException {
    Objects.requireNonNull(expectedOrigin, "expectedOrigin");
    SignedNote note = SignedNote.parse(noteText);
    note.verify(trusted);
    Checkpoint c = parse(note.body());
    if (!c.origin().equals(expectedOrigin)) {
      throw new VerificationException(
          "checkpoint origin is \"" + c.origin() + "\", expected \"" + expectedOrigin + "\"");
    }
    return c;
  }
}
