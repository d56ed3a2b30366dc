package dev.lineageledger.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Static bearer tokens from a file, for local development and tests (docs/SERVER.md "Token
 * file"). One token per line: {@code ROLE ACTOR TOKEN}, where ROLE is {@code writer} or {@code
 * reader}, ACTOR the name written as the record actor (no spaces), TOKEN at least 32 characters.
 * Blank lines and lines starting with {@code #} are ignored. The file must not be readable by
 * group or others. Tokens are kept only as SHA-256 digests and compared in constant time.
 */
public final class StaticTokenAuthenticator implements Authenticator {
  private record Entry(byte[] digest, Principal principal) {}

  private static final int MIN_TOKEN = 32;
  private final List<Entry> entries;

  private StaticTokenAuthenticator(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Loads a token file.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it is malformed or readable by others (the message names
   *     the line, never the token)
   */
  public static StaticTokenAuthenticator load(Path file) throws IOException {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
        throw new IllegalArgumentException(file + " is readable by group or others; chmod 600 it");
      }
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to check.
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      String where = file + " line " + (i + 1);
      if (f.length != 3) {
        throw new IllegalArgumentException(where + ": expected ROLE ACTOR TOKEN");
      }
      Role role = switch (f[0].toLowerCase(Locale.ROOT)) {
        case "writer" -> Role.WRITER;
        case "reader" -> Role.READER;
        default -> throw new IllegalArgumentException(where + ": role must be writer or reader");
      };
      if (f[2].length() < MIN_TOKEN) {
        throw new IllegalArgumentException(where + ": token must be at least " + MIN_TOKEN + " characters");
      }
      out.add(new Entry(sha256(f[2]), new Principal("token:" + f[1], f[1], role)));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " has no tokens");
    }
    return new StaticTokenAuthenticator(out);
  }

  @Override
  public Principal authenticate(String bearerToken) throws AuthenticationException {
    byte[] d = sha256(bearerToken);
    Principal found = null;
    for (Entry e : entries) {
      // Every entry is compared, so the time taken does not tell which token matched.
      if (MessageDigest.isEqual(e.digest, d) && found == null) {
        found = e.principal;
      }
    }
    if (found == null) {
      throw new AuthenticationException("unknown token");
    }
    return found;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
