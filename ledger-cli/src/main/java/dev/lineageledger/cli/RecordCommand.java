package dev.lineageledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.Durability;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.Receipt;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.RecordKind;
import dev.lineageledger.core.internal.RecordSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "record",
    description = {"Record one record, or a stream of records (--jsonl).",
        "Body fields are given as --FIELD VALUE (kebab-case: --row-count, --code-version);"
            + " repeat a flag or separate with commas for lists; references are a sequence"
            + " number, sha256:HASH or kind:name@version."},
    footer = {"", "Examples:",
        "  ledger record dataset --name transactions --version 2026-11-01 \\",
        "      --uri s3://lake/tx/2026-11-01 --digest sha256:9f86d0... --row-count 120000 --classifications PII",
        "  ledger record transform --name featurize --type feature-engineering \\",
        "      --inputs dataset:transactions@2026-11-01 --outputs dataset:features@1 --code-version git:4f2a9c1 --run-id fe-7",
        "  ledger record --json record.json",
        "  python train.py | ledger record --jsonl -      # one {\"kind\",\"actor\",\"body\"} object per line"})
final class RecordCommand implements Callable<Integer> {
  /** Longest accepted input line (a record is at most 64 KiB canonical). */
  static final int MAX_LINE = 1 << 20;
  private static final int BATCH = 1000;

  @Spec CommandSpec spec;
  @Mixin LedgerOption ledger;
  @Mixin KeyOptions keys;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Parameters(index = "0", arity = "0..1", paramLabel = "KIND",
      description = "dataset, transform, model, approval, deployment, key, or a namespaced"
          + " custom kind (com.example/my-kind).")
  String kind;

  @Option(names = "--actor", paramLabel = "ID",
      description = "Who records this (default: $LEDGER_ACTOR, else user@host).")
  String actor;

  @Option(names = "--json", paramLabel = "FILE|-",
      description = "Read the record ({\"kind\",\"actor\",\"body\"}, or just the body) from a file or stdin.")
  String json;

  @Option(names = "--jsonl", paramLabel = "FILE|-",
      description = "Record one JSON record per line, group-committed in batches; prints a receipt per line.")
  String jsonl;

  @Option(names = "--durability", paramLabel = "MODE", defaultValue = "FSYNC",
      description = "FSYNC (default) or OS_BUFFERED.")
  Durability durability;

  @Option(names = "--output-json", description = "Print receipts as JSON objects.")
  boolean outputJson;

  @Unmatched List<String> fields = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (jsonl != null) {
      if (kind != null || json != null || !fields.isEmpty()) {
        throw new UsageException("--jsonl takes every record from its input; give no KIND or fields");
      }
      return streamJsonl(out);
    }
    RecordDraft draft;
    if (json != null) {
      if (!fields.isEmpty()) {
        throw new UsageException("give fields either as flags or with --json, not both");
      }
      draft = draftFromJson(readAll(json), 0);
    } else {
      if (kind == null) {
        throw new UsageException("missing KIND (or --json / --jsonl); see 'ledger record --help'");
      }
      draft = RecordDraft.of(kind, actor(), bodyFromFlags(RecordKind.of(kind).name(), fields));
    }
    try (Ledger l = Writable.open(ledger, keys, durability)) {
      printReceipt(out, l.append(draft));
    }
    return ExitCodes.OK;
  }

  private void printReceipt(PrintWriter out, Receipt r) {
    if (outputJson) {
      out.println("{\"seq\":" + r.seq() + ",\"hash\":\"" + r.leafHash().hex() + "\"}");
    } else {
      out.println(r.seq() + " sha256:" + r.leafHash().hex());
    }
  }

  private String actor() {
    if (actor != null) {
      return actor;
    }
    return defaultActor(Invocation.of(spec));
  }

  static String defaultActor(Invocation inv) {
    String env = inv.env("LEDGER_ACTOR");
    if (env != null && !env.isBlank()) {
      return env;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    return System.getProperty("user.name", "unknown") + "@" + host;
  }

  private static String jsonType(JsonNode n) {
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  private RecordDraft draftFromJson(byte[] bytes, long line)
      throws InvalidRecordException, UsageException {
    try {
      JsonNode n = CanonicalJson.parse(bytes);
      if (!n.isObject()) {
        throw new InvalidRecordException("", "the input must be a JSON object"
            + " ({\"kind\",\"actor\",\"body\"}, or just the body), not " + jsonType(n));
      }
      if (n.has("kind")) {
        ObjectNode o = (ObjectNode) n;
        if (kind != null && !(o.get("kind").isTextual() && o.get("kind").textValue().equals(kind))) {
          // Recording the JSON's kind would silently ignore the one on the command line.
          throw new UsageException("KIND " + kind + " differs from the JSON's \"kind\" "
              + o.get("kind") + "; give the kind once");
        }
        if (!o.has("actor")) {
          o.put("actor", actor());
        }
        return RecordDraft.fromJson(Json.write(o).getBytes(StandardCharsets.UTF_8));
      }
      if (kind == null) {
        throw new InvalidRecordException("kind", "is required (in the JSON or as KIND)");
      }
      return RecordDraft.of(kind, actor(), n);
    } catch (InvalidRecordException e) {
      if (line > 0) {
        throw new InvalidRecordException(e.field(), "line " + line + ": " + e.reason(), e);
      }
      throw e;
    }
  }

  private byte[] readAll(String src) throws IOException, InvalidRecordException {
    if (src.equals("-")) {
      return readBounded(Invocation.of(spec).stdin(), 4 * MAX_LINE, "standard input");
    }
    Path p = Invocation.of(spec).path(src);
    try (InputStream in = Files.newInputStream(p)) {
      return readBounded(in, 4 * MAX_LINE, src);
    }
  }

  /** Oversized input is the user's input error (exit 2), not an I/O failure. */
  private static byte[] readBounded(InputStream in, int max, String what)
      throws IOException, InvalidRecordException {
    byte[] b = in.readNBytes(max + 1);
    if (b.length > max) {
      throw new InvalidRecordException("", what + " is larger than " + max
          + " bytes (a record is at most 64 KiB as canonical JSON)");
    }
    return b;
  }

  /** Streams JSON lines in batches: one commit group per batch, all-or-nothing per batch. */
  private int streamJsonl(PrintWriter out) throws Exception {
    InputStream stdin = Invocation.of(spec).stdin();
    InputStream in = jsonl.equals("-") ? stdin : Files.newInputStream(Invocation.of(spec).path(jsonl));
    LineReader lines = new LineReader(in);
    try (Ledger l = Writable.open(ledger, keys, durability)) {
      // On SIGINT/SIGTERM: commit what is queued, sign a checkpoint, then exit. Every receipt
      // already printed is durable; nothing is half-written.
      Thread hook = new Thread(l::close, "ledger-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        streamInto(l, in, lines, out);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook); // the ledger is closed below anyway
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or about to: it closes the ledger
        }
      }
    } finally {
      if (in != stdin) {
        in.close();
      }
    }
    return ExitCodes.OK;
  }

  private void streamInto(Ledger l, InputStream in, LineReader lines, PrintWriter out)
      throws Exception {
    List<RecordDraft> batch = new ArrayList<>();
    List<Long> lineNos = new ArrayList<>();
    byte[] line;
    while ((line = lines.next()) != null) {
      if (isBlank(line)) {
        continue;
      }
      RecordDraft d;
      try {
        d = draftFromJson(line, lines.lineNumber());
      } catch (InvalidRecordException e) {
        commit(l, batch, lineNos, out); // everything before the bad line is recorded
        throw e;
      }
      batch.add(d);
      lineNos.add(lines.lineNumber());
      if (batch.size() >= BATCH || in.available() == 0) {
        commit(l, batch, lineNos, out);
      }
    }
    commit(l, batch, lineNos, out);
  }

  private void commit(Ledger l, List<RecordDraft> batch, List<Long> lineNos, PrintWriter out)
      throws Exception {
    if (batch.isEmpty()) {
      return;
    }
    try {
      for (Receipt r : l.appendAll(batch)) {
        printReceipt(out, r);
      }
    } catch (InvalidRecordException e) {
      // Find the bad line: record the batch one by one up to it, then report it.
      for (int i = 0; i < batch.size(); i++) {
        try {
          printReceipt(out, l.append(batch.get(i)));
        } catch (InvalidRecordException bad) {
          out.flush();
          throw new InvalidRecordException(bad.field(), "line " + lineNos.get(i) + ": " + bad.reason(), bad);
        }
      }
    }
    out.flush();
    batch.clear();
    lineNos.clear();
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** Reads '\n'-terminated lines as bytes, refusing lines longer than {@link #MAX_LINE}. */
  static final class LineReader {
    private final InputStream in;
    private final byte[] buf = new byte[65536];
    private int pos;
    private int len;
    private long lineNo;

    LineReader(InputStream in) {
      this.in = in;
    }

    long lineNumber() {
      return lineNo;
    }

    byte[] next() throws IOException, InvalidRecordException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      while (true) {
        if (pos == len) {
          len = in.read(buf);
          pos = 0;
          if (len <= 0) {
            len = 0;
            if (line.size() == 0) {
              return null;
            }
            lineNo++;
            return line.toByteArray();
          }
        }
        int start = pos;
        while (pos < len && buf[pos] != '\n') {
          pos++;
        }
        line.write(buf, start, pos - start);
        if (line.size() > MAX_LINE) {
          throw new InvalidRecordException("", "line " + (lineNo + 1) + " is longer than "
              + MAX_LINE + " bytes");
        }
        if (pos < len) {
          pos++; // the newline
          lineNo++;
          return line.toByteArray();
        }
      }
    }
  }

  /** Builds a body from --field value flags, typed by the kind's schema. */
  static ObjectNode bodyFromFlags(String kind, List<String> args) throws Exception {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--") || a.length() < 3) {
        throw new UsageException("unexpected argument '" + a + "' (fields are --name value)");
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= args.size()) {
          throw new UsageException("--" + name + " needs a value");
        }
        value = args.get(++i);
      }
      String field = camel(name);
      RecordSchema.InputShape shape = RecordSchema.inputShape(kind, field);
      put(body, field, value, shape, "--" + name);
    }
    return body;
  }

  private static void put(ObjectNode body, String field, String value,
      RecordSchema.InputShape shape, String flag) throws Exception {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (shape == null) {
      body.set(field, freeForm(value));
      return;
    }
    switch (shape) {
      case TEXT -> body.put(field, value);
      case INTEGER -> {
        try {
          body.put(field, Long.parseLong(value.replace("_", "")));
        } catch (NumberFormatException e) {
          throw new InvalidRecordException("body." + field, "must be an integer (" + flag + " " + value + ")");
        }
      }
      case LIST, REFERENCE_LIST -> {
        ArrayNode arr = body.has(field) && body.get(field).isArray()
            ? (ArrayNode) body.get(field) : body.putArray(field);
        for (String part : value.split(",")) {
          String p = part.strip();
          if (!p.isEmpty()) {
            arr.add(shape == RecordSchema.InputShape.REFERENCE_LIST ? ref(p) : f.textNode(p));
          }
        }
      }
      case REFERENCE -> body.set(field, ref(value));
      case JSON -> body.set(field, CanonicalJson.parse(value));
      case METRICS -> {
        if (value.strip().startsWith("{")) {
          body.set(field, CanonicalJson.parse(value));
        } else {
          ObjectNode m = body.has(field) && body.get(field).isObject()
              ? (ObjectNode) body.get(field) : body.putObject(field);
          for (String kv : value.split(",")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
              throw new InvalidRecordException("body." + field, "metrics are name=number pairs, got '" + kv + "'");
            }
            try {
              m.put(kv.substring(0, eq).strip(), Double.parseDouble(kv.substring(eq + 1).strip()));
            } catch (NumberFormatException e) {
              throw new InvalidRecordException("body." + field + "." + kv.substring(0, eq).strip(),
                  "must be a number");
            }
          }
        }
      }
    }
  }

  private static JsonNode ref(String v) {
    return v.matches("[0-9]{1,18}") ? JsonNodeFactory.instance.numberNode(Long.parseLong(v))
        : JsonNodeFactory.instance.textNode(v);
  }

  private static JsonNode freeForm(String v) {
    String t = v.strip();
    if (t.startsWith("{") || t.startsWith("[") || t.equals("true") || t.equals("false")
        || t.matches("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
      try {
        return CanonicalJson.parse(t);
      } catch (InvalidRecordException e) {
        return JsonNodeFactory.instance.textNode(v);
      }
    }
    return JsonNodeFactory.instance.textNode(v);
  }

  static String camel(String kebab) {
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char c : kebab.toCharArray()) {
      if (c == '-') {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return b.toString().isEmpty() ? kebab : b.toString().substring(0, 1).toLowerCase(Locale.ROOT)
        + b.substring(1);
  }
}
