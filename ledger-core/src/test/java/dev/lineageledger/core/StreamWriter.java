package dev.lineageledger.core;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A writer run in its own JVM by {@link CrashRecoveryTest}: an endless, seeded stream of
 * datasets ({@code dataset:NAME@VERSION}) and transforms ({@code transform:NAME@RUNID}) that
 * read earlier datasets, referenced by {@code dataset:name@version}, {@code sha256:HASH}, bare
 * hex or sequence number (those three only for records acknowledged in an earlier batch or
 * round, whose receipts are known), and write a dataset appended just before them in the same
 * batch. Batches of 1 to 1024 records go through {@code append}, {@code appendAll} or two
 * {@code appendAllAsync} units in flight at once.
 *
 * <p>Protocol on stdout, one line each, every line ending in {@code " $"} (a line cut short by
 * SIGKILL has no end marker and is no statement):
 *
 * <ul>
 *   <li>{@code KEY vkey}: the writer's verifier key, first.
 *   <li>{@code SUBMIT n firstIdentity lastIdentity}: a unit of {@code n} new records is about to
 *       be submitted (printed and flushed before the call).
 *   <li>{@code ACK seq hash identity [I=id,id...] [O=id,...]}: one acknowledged record, printed
 *       only after {@code append}/{@code appendAll} returned, with the identities of the records
 *       a transform reads (I) and writes (O).
 *   <li>{@code DUP seq hash identity}: an already acknowledged dataset submitted again, verbatim,
 *       answered with its first receipt (checked here: a different receipt is a {@code FAIL}
 *       line and exit 2).
 *   <li>{@code READY}: the ledger is open; with {@code wait}, the writer starts once it reads a
 *       line from stdin (so that several writers start appending at the same moment).
 *   <li>{@code DONE}: the record limit was reached and the ledger closed.
 * </ul>
 *
 * <p>Args: ledger location (a path, or a PostgreSQL location with the password in {@code
 * PGPASSWORD}), private key file, FSYNC|OS_BUFFERED, seed, name prefix, file of earlier
 * acknowledged datasets ({@code seq hash identity} per line, or {@code -}), profile ({@code mixed}
 * or {@code burst}: batches of 512..1024 with short idle gaps), and optionally a record limit
 * ({@code -1}: none; the unit that reaches it is the last) and {@code wait}.
 */
public final class StreamWriter {
  private StreamWriter() {}

  /** A dataset acknowledged earlier: referable by name, hash and seq. */
  private record Known(long seq, String hash, String identity) {}

  static RecordDraft dataset(String name, String version) throws InvalidRecordException {
    return RecordDraft.builder(RecordKind.DATASET, "ingest@pipeline")
        .put("name", name).put("version", version).put("uri", "s3://lake/" + name + "/" + version)
        .put("digest", "sha256:" + sha256Hex(name + "@" + version))
        .put("rowCount", 1000 + Math.floorMod((name + version).hashCode(), 100_000))
        .put("classifications", List.of("PII"))
        .put("schema", Map.of("fields", List.of(Map.of("name", "amount", "type", "double"))))
        .build();
  }

  /** A transform; its content is a function of its identity and the records it references. */
  static RecordDraft transform(String name, String runId, List<Object> inputs, List<Object> outputs)
      throws InvalidRecordException {
    RecordDraft.Builder b = RecordDraft.builder(RecordKind.TRANSFORM, "featurize@airflow")
        .put("name", name).put("type", "feature-engineering").put("inputs", inputs)
        .put("codeVersion", "git:4f2a9c1").put("runId", runId)
        .put("parameters", Map.of("window", "30d", "scale", 0.5));
    if (!outputs.isEmpty()) {
      b.put("outputs", outputs);
    }
    return b.build();
  }

  /** {@code dataset:NAME@VERSION} to {@code {NAME, VERSION}}. */
  static String[] split(String identity) {
    int colon = identity.indexOf(':');
    int at = identity.lastIndexOf('@');
    return new String[] {identity.substring(0, colon), identity.substring(colon + 1, at),
        identity.substring(at + 1)};
  }

  static String sha256Hex(String s) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A record being built in the current unit. */
  private record Planned(String identity, RecordDraft draft, List<String> in, List<String> out) {}

  public static void main(String[] args) throws Exception {
    String location = args[0];
    Ed25519Signer key = KeyFiles.readPrivateKey(Path.of(args[1]), TestLedgers.ORIGIN, null, false);
    Durability durability = Durability.valueOf(args[2]);
    Random rnd = new Random(Long.parseUnsignedLong(args[3].replaceFirst("^0x", ""), 16));
    String prefix = args[4];
    List<Known> known = new ArrayList<>();
    if (!args[5].equals("-")) {
      for (String line : Files.readAllLines(Path.of(args[5]))) {
        String[] p = line.split(" ");
        known.add(new Known(Long.parseLong(p[0]), p[1], p[2]));
      }
    }
    boolean burst = args[6].equals("burst");
    long limit = args.length > 7 ? Long.parseLong(args[7]) : -1;
    boolean wait = args.length > 8 && args[8].equals("wait");
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out),
        false, StandardCharsets.UTF_8);
    out.println("KEY " + key.verifierKey() + " $");
    out.flush();
    int counter = 0;
    try (Ledger l = Ledger.open(location, LedgerOptions.builder().checkpointSigner(key)
        .durability(durability).checkpointEveryRecords(256).checkpointIntervalMillis(50)
        .busyTimeoutMillis(30_000).build())) {
      out.println("READY $");
      out.flush();
      if (wait && new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
          StandardCharsets.UTF_8)).readLine() == null) {
        return;
      }
      long appended = 0;
      while (limit < 0 || appended < limit) {
        if (!known.isEmpty() && rnd.nextInt(40) == 0) {
          // A re-run of an interrupted stream: the same dataset again is the same fact.
          Known k = known.get(rnd.nextInt(known.size()));
          String[] id = split(k.identity);
          Receipt r = l.append(dataset(id[1], id[2]));
          if (r.seq() != k.seq || !r.leafHash().hex().equals(k.hash)) {
            out.println("FAIL resubmitted " + k.identity + " (" + k.seq + " " + k.hash
                + ") was answered with " + r.seq() + " " + r.leafHash().hex() + " $");
            out.flush();
            System.exit(2);
          }
          out.println("DUP " + r.seq() + " " + r.leafHash().hex() + " " + k.identity + " $");
          out.flush();
          continue;
        }
        int units = rnd.nextInt(8) == 0 ? 2 : 1;
        List<List<Planned>> plan = new ArrayList<>();
        Set<String> pendingDatasets = new java.util.LinkedHashSet<>();
        for (int u = 0; u < units; u++) {
          int size = burst ? 512 + rnd.nextInt(513) : switch (rnd.nextInt(10)) {
            case 0, 1, 2 -> 1;
            case 3, 4, 5 -> 2 + rnd.nextInt(15);
            case 6, 7, 8 -> 17 + rnd.nextInt(240);
            default -> 257 + rnd.nextInt(768);
          };
          List<Planned> unit = new ArrayList<>();
          while (unit.size() < size) {
            int c = counter++;
            boolean canTransform = !known.isEmpty() || !pendingDatasets.isEmpty();
            if (!canTransform || rnd.nextInt(3) != 0) {
              String name = prefix + "-t" + rnd.nextInt(8);
              String version = "v" + c;
              String id = "dataset:" + name + "@" + version;
              unit.add(new Planned(id, dataset(name, version), List.of(), List.of()));
              pendingDatasets.add(id);
              continue;
            }
            // Outputs: a fresh dataset just before the transform, never read or written before,
            // so the lineage graph stays acyclic.
            String output = null;
            if (size - unit.size() >= 2 && rnd.nextInt(10) < 7) {
              String name = prefix + "-out" + rnd.nextInt(4);
              String version = "v" + c;
              output = "dataset:" + name + "@" + version;
              unit.add(new Planned(output, dataset(name, version), List.of(), List.of()));
            }
            int want = 1 + rnd.nextInt(3);
            List<Object> inRefs = new ArrayList<>();
            List<String> inIds = new ArrayList<>();
            Set<String> chosen = new HashSet<>();
            List<String> pendingList = new ArrayList<>(pendingDatasets);
            for (int tries = 0; inIds.size() < want && tries < 10; tries++) {
              boolean fromKnown = pendingList.isEmpty() || (!known.isEmpty() && rnd.nextBoolean());
              if (fromKnown) {
                Known k = known.get(rnd.nextInt(known.size()));
                if (!chosen.add(k.identity)) {
                  continue;
                }
                inIds.add(k.identity);
                inRefs.add(switch (rnd.nextInt(4)) {
                  case 0 -> k.identity;
                  case 1 -> "sha256:" + k.hash;
                  case 2 -> k.hash;
                  default -> k.seq;
                });
              } else {
                String id = pendingList.get(rnd.nextInt(pendingList.size()));
                if (!chosen.add(id)) {
                  continue;
                }
                inIds.add(id);
                inRefs.add(id); // its receipt is not known yet: by name only
              }
            }
            if (output != null) {
              pendingDatasets.add(output); // readable from the next record on
            }
            String name = prefix + "-job" + rnd.nextInt(4);
            String runId = "r" + c;
            List<String> outIds = output == null ? List.of() : List.of(output);
            unit.add(new Planned("transform:" + name + "@" + runId,
                transform(name, runId, inRefs, new ArrayList<>(outIds)), inIds, outIds));
          }
          plan.add(unit);
        }
        List<CompletableFuture<List<Receipt>>> futures = new ArrayList<>();
        for (List<Planned> unit : plan) {
          out.println("SUBMIT " + unit.size() + " " + unit.get(0).identity + " "
              + unit.get(unit.size() - 1).identity + " $");
        }
        out.flush();
        if (units == 1 && plan.get(0).size() == 1) {
          futures.add(CompletableFuture.completedFuture(List.of(l.append(plan.get(0).get(0).draft))));
        } else if (units == 1) {
          futures.add(CompletableFuture.completedFuture(
              l.appendAll(plan.get(0).stream().map(Planned::draft).toList())));
        } else {
          for (List<Planned> unit : plan) {
            futures.add(l.appendAllAsync(unit.stream().map(Planned::draft).toList()));
          }
        }
        for (int u = 0; u < units; u++) {
          List<Receipt> rs = futures.get(u).get();
          List<Planned> unit = plan.get(u);
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < unit.size(); i++) {
            Receipt r = rs.get(i);
            Planned p = unit.get(i);
            sb.append("ACK ").append(r.seq()).append(' ').append(r.leafHash().hex()).append(' ')
                .append(p.identity);
            if (!p.in.isEmpty()) {
              sb.append(" I=").append(String.join(",", p.in));
            }
            if (!p.out.isEmpty()) {
              sb.append(" O=").append(String.join(",", p.out));
            }
            sb.append(" $\n");
            if (p.identity.startsWith("dataset:")) {
              known.add(new Known(r.seq(), r.leafHash().hex(), p.identity));
            }
          }
          appended += unit.size();
          out.print(sb);
          out.flush();
        }
        if (burst && rnd.nextInt(4) == 0) {
          Thread.sleep(rnd.nextInt(40)); // idle: when an indexer behind the log would catch up
        }
      }
    }
    out.println("DONE $");
    out.flush();
  }
}
