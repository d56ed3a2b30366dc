package dev.lineageledger.core.internal;

import dev.lineageledger.core.InvalidRecordException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a PostgreSQL ledger lives: {@code postgresql://USER@HOST[:PORT]/DATABASE[?schema=NAME]}
 * (docs/FORMAT.md §7.3), the libpq connection URI restricted to what a ledger needs. One ledger
 * per schema; the default schema is {@value #DEFAULT_SCHEMA}. A password is refused: a location
 * is shown in process lists, shell history and messages, so the password comes from elsewhere
 * ({@code LedgerOptions.passwordSupplier}).
 *
 * @param params further libpq parameters passed to the driver: only {@code sslmode}
 */
public record PostgresLocation(String user, String host, int port, String database, String schema,
    Map<String, String> params) {
  public static final String DEFAULT_SCHEMA = "lineage_ledger";
  public static final int DEFAULT_PORT = 5432;

  private static final Pattern URI = Pattern.compile(
      "(?:postgresql|postgres)://(?<userinfo>[^@/?#]*)@(?<host>\\[[0-9A-Fa-f:.]+\\]|[^:/?#\\[\\]]+)"
          + "(?::(?<port>[0-9]{1,5}))?/(?<db>[^/?#]+)(?:\\?(?<query>[^#]*))?");
  /** Unquoted PostgreSQL identifiers in lower case: nothing to quote, nothing to fold. */
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern SSLMODE =
      Pattern.compile("disable|allow|prefer|require|verify-ca|verify-full");

  public PostgresLocation {
    params = Map.copyOf(params);
  }

  /** Whether {@code location} names a PostgreSQL ledger (else it is a file path). */
  public static boolean isPostgres(String location) {
    return location.startsWith("postgresql://") || location.startsWith("postgres://");
  }

  /** Parses a location; the message of a refusal says what is wrong and never echoes a password. */
  public static PostgresLocation parse(String location) throws InvalidRecordException {
    Matcher m = URI.matcher(location);
    if (!m.matches()) {
      throw new InvalidRecordException("location", "a PostgreSQL ledger location is"
          + " postgresql://USER@HOST[:PORT]/DATABASE[?schema=NAME]");
    }
    String userinfo = m.group("userinfo");
    if (userinfo.contains(":")) {
      throw new InvalidRecordException("location", "the location must not contain a password"
          + " (it would show in process lists and shell history); give it through PGPASSWORD or"
          + " a password file instead");
    }
    String user = decode(userinfo, "user");
    if (user.isEmpty()) {
      throw new InvalidRecordException("location", "the location names no user"
          + " (postgresql://USER@HOST/DATABASE)");
    }
    String host = m.group("host");
    int port = DEFAULT_PORT;
    if (m.group("port") != null) {
      port = Integer.parseInt(m.group("port"));
      if (port < 1 || port > 65_535) {
        throw new InvalidRecordException("location", "port " + port + " is outside 1..65535");
      }
    }
    String database = decode(m.group("db"), "database");
    String schema = DEFAULT_SCHEMA;
    Map<String, String> params = new LinkedHashMap<>();
    String query = m.group("query");
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&", -1)) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1), key);
        switch (key) {
          case "schema" -> schema = value;
          case "sslmode" -> {
            if (!SSLMODE.matcher(value).matches()) {
              throw new InvalidRecordException("location", "sslmode must be one of disable, allow,"
                  + " prefer, require, verify-ca, verify-full");
            }
            params.put(key, value);
          }
          case "password" -> throw new InvalidRecordException("location", "the location must not"
              + " contain a password (it would show in process lists and shell history); give it"
              + " through PGPASSWORD or a password file instead");
          default -> throw new InvalidRecordException("location", "unknown parameter '"
              + TextRules.escape(key) + "' (a ledger location takes schema and sslmode)");
        }
      }
    }
    if (!IDENTIFIER.matcher(schema).matches()) {
      throw new InvalidRecordException("location", "schema '" + TextRules.escape(schema)
          + "' must be 1..63 lower-case letters, digits and underscores, not starting with a digit");
    }
    return new PostgresLocation(user, host, port, database, schema, params);
  }

  /** The JDBC URL of the database (user, password and schema go as connection properties). */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + encode(database);
  }

  /** The location as users write it, without any secret: for messages and {@code Ledger.location()}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("postgresql://").append(encode(user)).append('@')
        .append(host).append(':').append(port).append('/').append(encode(database))
        .append("?schema=").append(schema);
    params.forEach((k, v) -> s.append('&').append(k).append('=').append(v));
    return s.toString();
  }

  /** RFC 3986 percent-decoding (libpq decodes every URI component): an Entra user is a@b. */
  private static String decode(String s, String what) throws InvalidRecordException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
            || Character.digit(s.charAt(i + 2), 16) < 0) {
          throw new InvalidRecordException("location", "the " + what + " has a broken"
              + " percent-escape");
        }
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        int end = s.indexOf('%', i);
        byte[] b = s.substring(i, end < 0 ? s.length() : end).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        i = (end < 0 ? s.length() : end) - 1;
      }
    }
    String decoded = out.toString(StandardCharsets.UTF_8);
    if (TextRules.firstForbidden(decoded, false) >= 0) {
      throw new InvalidRecordException("location", "the " + what + " holds a control character");
    }
    return decoded;
  }

  private static String encode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }
}
