package dev.lineageledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerException;
import dev.lineageledger.core.LedgerVerificationException;
import dev.lineageledger.core.VerificationException;
import dev.lineageledger.core.VerificationFailure;
import dev.lineageledger.core.VerificationReport;
import dev.lineageledger.core.VerifyOptions;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verify the whole ledger, or incrementally from a checkpoint you trust.",
        "Exit 0: intact. Exit 1: integrity failure (tampering, bad signature, truncation,"
            + " equivocation). Exit 2: usage or input error. Exit 3: I/O error. Exit 4: intact,"
            + " but the last records are not yet covered by a signed checkpoint.",
        "--key pins the keys you trust; --trust-ledger-pub trusts PATH.pub instead, and the"
            + " report says they are NOT PINNED: whoever can edit the ledger can edit that file."},
    footer = {"", "Examples:",
        "  ledger verify --key \"$(cat fraud.vkey)\"",
        "  ledger verify --from-checkpoint last-month.note --key fraud.vkey --json",
        "  ledger verify --trust-ledger-pub     # a quick integrity check; proves nothing to an auditor"})
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerOption ledger;

  @Option(names = "--key", paramLabel = "FILE|STRING",
      description = "Trusted verifier key, or a file of keys (repeatable; required unless"
          + " --trust-ledger-pub). A key pinned once keeps working across rotations.")
  List<String> keys;

  @Option(names = "--trust-ledger-pub",
      description = "Without --key: trust the keys in PATH.pub beside the ledger. Reported as NOT"
          + " PINNED: whoever can edit the ledger can edit that file.")
  boolean trustLedgerPub;

  @Option(names = "--from-checkpoint", paramLabel = "FILE",
      description = "A signed checkpoint you trust: check the ledger extends it, then only the new records.")
  Path fromCheckpoint;

  @Option(names = "--allow-uncovered",
      description = "Do not fail on records after the last signed checkpoint (a ledger still being written).")
  boolean allowUncovered;

  @Option(names = "--json", description = "Print one JSON object: ok, size, failures (seq, reason, message) ...")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Terminal t = Terminal.detect();
    Trust.Keys trust = Trust.keys(keys, trustLedgerPub, ledger, Invocation.of(spec), err, json);
    VerifyOptions.Builder b = VerifyOptions.builder()
        .trustedKeys(trust.keys()).allowUncoveredTail(allowUncovered);
    if (fromCheckpoint != null) {
      b.trustedCheckpoint(Files.readString(fromCheckpoint, StandardCharsets.UTF_8));
    }
    Progress progress = t.interactive() && !json ? new Progress(err, "verifying") : null;
    if (progress != null) {
      b.progress(progress::update);
    }
    VerificationReport report;
    String origin;
    try (Ledger l = ReadOnly.open(ledger)) {
      // Named in the output: with a keyring, OK alone would not say which log was verified.
      origin = l.origin();
      try {
        report = l.verify(b.build());
      } catch (LedgerVerificationException e) {
        report = e.report();
      } catch (VerificationException e) {
        if (fromCheckpoint != null) {
          throw new UsageException("--from-checkpoint " + fromCheckpoint + ": " + e.getMessage());
        }
        throw e;
      } catch (LedgerException e) {
        if (fromCheckpoint != null && e instanceof dev.lineageledger.core.FormatException) {
          throw new UsageException("--from-checkpoint " + fromCheckpoint + ": " + e.getMessage());
        }
        throw e;
      }
    } finally {
      if (progress != null) {
        progress.done();
      }
    }
    if (json) {
      ObjectNode o = toJson(report);
      o.put("origin", origin);
      trust.addTo(o);
      out.println(Json.write(o));
    } else {
      printHuman(out, t, report);
      out.println("  origin " + dev.lineageledger.core.internal.TextRules.escape(origin));
      out.println("  " + trust.describe());
    }
    return report.ok() ? ExitCodes.OK
        : report.onlyUncoveredTail() ? ExitCodes.UNCOVERED : ExitCodes.INTEGRITY;
  }

  static ObjectNode toJson(VerificationReport r) {
    ObjectNode o = Json.object();
    o.put("ok", r.ok());
    // An uncovered tail alone of a per-record ledger (every tail record's signature verified) is
    // not tampering: told apart, with its own exit code (4). In checkpoint-only mode it is exit 1.
    o.put("uncoveredTail", r.onlyUncoveredTail());
    o.put("size", newRecords(r));
    o.put("treeSize", r.size());
    o.put("fromSize", r.fromSize());
    o.put("checkpointsChecked", r.checkpointsChecked());
    o.put("coveredSize", r.coveredSize());
    o.put("failureCount", r.failureCount());
    ArrayNode fs = o.putArray("failures");
    for (VerificationFailure f : r.failures()) {
      ObjectNode x = fs.addObject();
      if (f.seq() >= 0) {
        x.put("seq", f.seq());
      } else {
        x.putNull("seq");
      }
      x.put("reason", f.reason().code());
      x.put("message", f.message());
    }
    if (r.latestCheckpoint() != null) {
      o.put("latestCheckpoint", r.latestCheckpoint().noteText());
    }
    if (r.consistencyFromTrusted() != null) {
      ObjectNode c = o.putObject("consistencyProof");
      c.put("oldSize", r.consistencyFromTrusted().oldSize());
      c.put("newSize", r.consistencyFromTrusted().newSize());
      c.set("proof", Json.base64(r.consistencyFromTrusted().path()));
    }
    return o;
  }

  /**
   * Records checked after the trusted checkpoint; none when the ledger is shorter than that
   * checkpoint (truncated), never a negative count.
   */
  static long newRecords(VerificationReport r) {
    return Math.max(0, r.size() - r.fromSize());
  }

  private static void printHuman(PrintWriter out, Terminal t, VerificationReport r) {
    long n = newRecords(r);
    String scope = r.size() < r.fromSize()
        ? "a ledger of " + r.size() + " records, shorter than the trusted checkpoint of size "
            + r.fromSize()
        : r.fromSize() > 0
        ? n + " new records after the trusted checkpoint of size " + r.fromSize()
        : n + " records";
    if (r.ok()) {
      out.println(t.green("OK") + ": " + scope + " verified; " + r.checkpointsChecked()
          + " signed checkpoints check out; covered up to size " + r.coveredSize() + ".");
      return;
    }
    if (r.onlyUncoveredTail()) {
      out.println(t.bold("UNCOVERED") + ": " + scope + " verified, but records " + r.coveredSize()
          + ".." + (r.size() - 1) + " are not yet covered by a signed checkpoint; each carries a"
          + " valid record signature (not tampering: a crash or a full disk can leave such a tail;"
          + " 'ledger checkpoint --new' or the next 'ledger record' covers it).");
      return;
    }
    out.println(t.red("FAILED") + ": " + r.failureCount() + " integrity failure"
        + (r.failureCount() == 1 ? "" : "s") + " in " + scope + ".");
    int shown = 0;
    for (VerificationFailure f : r.failures()) {
      if (shown++ == 20) {
        out.println("  ... " + (r.failureCount() - 20) + " more (use --json for all)");
        break;
      }
      out.println("  " + (f.seq() >= 0 ? "record " + f.seq() : "ledger") + ": " + t.bold(f.reason().code())
          + ": " + dev.lineageledger.core.internal.TextRules.escape(f.message()));
    }
  }

  /** A one-line progress bar on stderr, only on a terminal. */
  static final class Progress {
    private final PrintWriter err;
    private final String what;
    private long lastDraw;

    Progress(PrintWriter err, String what) {
      this.err = err;
      this.what = what;
    }

    void update(long done, long total) {
      long now = System.nanoTime();
      if (now - lastDraw < 100_000_000L && done < total) {
        return;
      }
      lastDraw = now;
      int width = 30;
      int filled = total <= 0 ? width : (int) Math.min(width, done * width / total);
      err.print("\r" + what + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] "
          + done + "/" + total);
      err.flush();
    }

    void done() {
      err.print("\r\u001b[2K");
      err.flush();
    }
  }
}
