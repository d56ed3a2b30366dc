package dev.lineageledger.keyvault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.VerifierKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;

/**
 * A ledger signing key wrapped by a Key Vault key: the file {@code PATH.key.wrapped} beside a
 * ledger. It holds no usable secret on its own: the wrapped bytes open only through Key Vault's
 * {@code unwrapKey} with the named key version. Format (docs/KEYVAULT.md): one JSON object,
 *
 * <pre>
 * {"format":"lineage-ledger-wrapped-key/v1",
 *  "keyVaultKey":"https://VAULT.vault.azure.net/keys/NAME/VERSION",
 *  "algorithm":"RSA-OAEP-256",
 *  "wrappedKey":"BASE64URL (no padding) of the RSAES-OAEP ciphertext",
 *  "plaintext":"pkcs8-ed25519",
 *  "verifierKey":"ORIGIN+KEYID+BASE64 (C2SP signed-note verifier key)"}
 * </pre>
 *
 * @param keyVaultKey the wrapping key, always with its version
 * @param algorithm {@value #ALGORITHM} (the only one written or accepted)
 * @param verifierKey the public half of the wrapped key; checked against the unwrapped key
 */
public record WrappedKeyFile(KeyVaultKeyId keyVaultKey, String algorithm, byte[] wrappedKey,
    VerifierKey verifierKey) {
  /** The {@code format} member of version 1. */
  public static final String FORMAT = "lineage-ledger-wrapped-key/v1";
  /** Key Vault's RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 7518 §4.3). */
  public static final String ALGORITHM = "RSA-OAEP-256";
  /** What the wrapped bytes decrypt to: RFC 5958 v1 PKCS#8 of an RFC 8410 Ed25519 key. */
  public static final String PLAINTEXT = "pkcs8-ed25519";

  private static final int MAX_FILE_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  public WrappedKeyFile {
    Objects.requireNonNull(keyVaultKey, "keyVaultKey");
    Objects.requireNonNull(verifierKey, "verifierKey");
    if (keyVaultKey.version() == null) {
      throw new IllegalArgumentException("the wrapping key must name its version");
    }
    if (!ALGORITHM.equals(algorithm)) {
      throw new IllegalArgumentException("unsupported wrap algorithm: " + algorithm);
    }
    if (wrappedKey == null || wrappedKey.length < 64 || wrappedKey.length > 1024) {
      throw new IllegalArgumentException("wrapped key must be an RSA ciphertext (64-1024 bytes)");
    }
    wrappedKey = wrappedKey.clone();
  }

  /** A copy of the wrapped (encrypted) bytes. */
  @Override
  public byte[] wrappedKey() {
    return wrappedKey.clone();
  }

  /** The file's bytes: one JSON object in the member order above, then a newline. */
  public byte[] encode() {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", FORMAT);
    o.put("keyVaultKey", keyVaultKey.toString());
    o.put("algorithm", algorithm);
    o.put("wrappedKey", Base64.getUrlEncoder().withoutPadding().encodeToString(wrappedKey));
    o.put("plaintext", PLAINTEXT);
    o.put("verifierKey", verifierKey.toString());
    try {
      return (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses a wrapped-key file's bytes: exactly the six members, all strings.
   *
   * @throws KeyException naming {@code source} and the problem
   */
  public static WrappedKeyFile decode(byte[] data, String source) throws KeyException {
    JsonNode n;
    try {
      n = JSON.readTree(data);
    } catch (IOException e) {
      throw new KeyException(source + " is not a wrapped-key file (not JSON)", e);
    }
    if (n == null || !n.isObject()) {
      throw new KeyException(source + " is not a wrapped-key file (not a JSON object)");
    }
    if (!FORMAT.equals(text(n, "format", source))) {
      throw new KeyException(source + " is not a wrapped-key file (format is not \"" + FORMAT
          + "\")");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!Set.of("format", "keyVaultKey", "algorithm", "wrappedKey", "plaintext", "verifierKey")
          .contains(f)) {
        throw new KeyException(source + ": unknown member \"" + KeyVaultKeyId.printable(f) + "\"");
      }
    }
    if (!PLAINTEXT.equals(text(n, "plaintext", source))) {
      throw new KeyException(source + ": unsupported plaintext type (expected " + PLAINTEXT + ")");
    }
    String alg = text(n, "algorithm", source);
    if (!ALGORITHM.equals(alg)) {
      throw new KeyException(source + ": unsupported wrap algorithm \""
          + KeyVaultKeyId.printable(alg) + "\" (expected "
          + ALGORITHM + ")");
    }
    KeyVaultKeyId kek;
    try {
      kek = KeyVaultKeyId.parse(text(n, "keyVaultKey", source));
    } catch (IllegalArgumentException e) {
      throw new KeyException(source + ": keyVaultKey: " + e.getMessage(), e);
    }
    if (kek.version() == null) {
      throw new KeyException(source + ": keyVaultKey must name the key version");
    }
    byte[] wrapped;
    try {
      String b64 = text(n, "wrappedKey", source);
      if (b64.contains("=")) {
        throw new IllegalArgumentException("padding");
      }
      wrapped = Base64.getUrlDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new KeyException(source + ": wrappedKey is not unpadded base64url", e);
    }
    VerifierKey vk;
    try {
      vk = VerifierKey.parse(text(n, "verifierKey", source));
    } catch (FormatException e) {
      throw new KeyException(source + ": verifierKey: " + e.getMessage(), e);
    }
    try {
      return new WrappedKeyFile(kek, alg, wrapped, vk);
    } catch (IllegalArgumentException e) {
      throw new KeyException(source + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field, String source) throws KeyException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new KeyException(source + ": member \"" + field + "\" is missing or not a string");
    }
    return v.asText();
  }

  /** Whether {@code data} looks like a wrapped-key file rather than a PEM key. */
  public static boolean looksWrapped(byte[] data) {
    for (byte b : data) {
      if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
        continue;
      }
      return b == '{';
    }
    return false;
  }

  /** Reads and parses {@code file}. */
  public static WrappedKeyFile read(Path file) throws KeyException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] data = in.readNBytes(MAX_FILE_BYTES + 1);
      if (data.length > MAX_FILE_BYTES) {
        throw new KeyException("wrapped key file " + file + " is too large");
      }
      return decode(data, "wrapped key file " + file);
    } catch (NoSuchFileException e) {
      throw new KeyException("wrapped key file not found: " + file, e);
    } catch (IOException e) {
      throw new KeyException("cannot read wrapped key file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes this file owner-only (POSIX {@code rw-------} from creation) and atomically: the
   * content goes to a temporary file in the same directory, is fsynced, then appears under
   * {@code file} in one step, so a reader sees the old file or the new one, never a torn one.
   *
   * @param replace {@code false}: fail if {@code file} exists; {@code true}: replace it
   * @throws KeyException if the file exists (and {@code replace} is false) or cannot be written
   */
  public void write(Path file, boolean replace) throws KeyException {
    Objects.requireNonNull(file, "file");
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp-"
        + HexFormat.of().formatHex(new SecureRandom().generateSeed(6)));
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    FileAttribute<?>[] attrs = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
    try {
      try (FileChannel ch = FileChannel.open(tmp,
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
        if (posix) {
          Files.setPosixFilePermissions(tmp, OWNER_ONLY);
        }
        ByteBuffer buf = ByteBuffer.wrap(encode());
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      if (replace) {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } else {
        try {
          // link(2) fails if the name exists, unlike rename(2), which replaces silently.
          Files.createLink(file, tmp);
          Files.delete(tmp);
        } catch (UnsupportedOperationException e) {
          if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
          }
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      fsyncDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      throw new KeyException("key file already exists: " + file, e);
    } catch (AtomicMoveNotSupportedException e) {
      throw new KeyException("cannot replace " + file + " atomically on this file system", e);
    } catch (IOException e) {
      throw new KeyException("cannot write wrapped key file " + file + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort: the temporary file holds only the wrapped (encrypted) key
      }
    }
  }

  private static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every platform can fsync a directory (Windows); the rename is still atomic.
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WrappedKeyFile w && keyVaultKey.equals(w.keyVaultKey)
        && algorithm.equals(w.algorithm) && java.util.Arrays.equals(wrappedKey, w.wrappedKey)
        && verifierKey.equals(w.verifierKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyVaultKey, algorithm, java.util.Arrays.hashCode(wrappedKey),
        verifierKey);
  }

  @Override
  public String toString() {
    return "WrappedKeyFile(" + verifierKey + " wrapped by " + keyVaultKey + ")";
  }
}
