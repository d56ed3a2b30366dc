package dev.lineageledger.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.ConsistencyProof;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.StoredCheckpoint;
import dev.lineageledger.core.VerificationException;
import dev.lineageledger.core.VerifierKey;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "consistency", mixinStandardHelpOptions = true,
    description = "Prove and check that the ledger's latest checkpoint extends an older one"
        + " (RFC 9162 consistency proof). Exit 1 if the ledger was truncated or rewritten.",
    footer = {"", "Example:", "  ledger consistency last-month.note --key fraud.vkey --json"})
final class ConsistencyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerOption ledger;

  @Parameters(paramLabel = "OLD_CHECKPOINT_FILE", description = "A signed checkpoint you kept.")
  Path oldFile;

  @Option(names = "--key", paramLabel = "FILE|STRING",
      description = "Trusted verifier key, or a file of keys (repeatable; required unless"
          + " --trust-ledger-pub). Key rotations recorded in the ledger are followed.")
  List<String> keys;

  @Option(names = "--trust-ledger-pub",
      description = "Without --key: trust the keys in PATH.pub beside the ledger. Reported as NOT"
          + " PINNED: whoever can edit the ledger can edit that file.")
  boolean trustLedgerPub;

  @Option(names = "--json", description = "Print the proof and outcome as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Trust.Keys trust = Trust.keys(keys, trustLedgerPub, ledger, Invocation.of(spec), spec.commandLine().getErr(), json);
    List<VerifierKey> trusted = trust.keys();
    String oldNote = Files.readString(oldFile, StandardCharsets.UTF_8);
    try (Ledger l = ReadOnly.open(ledger)) {
      Checkpoint old;
      try {
        // Both checkpoints are opened following the key rotations the ledger records, so a
        // key pinned once keeps working (docs/FORMAT.md §4.1).
        old = l.openCheckpoint(oldNote, trusted);
      } catch (VerificationException e) {
        throw new UsageException(oldFile + ": " + e.getMessage());
      }
      ObjectNode o = Json.object();
      o.put("oldSize", old.size());
      o.put("oldRoot", old.root().base64());
      String failure = null;
      ConsistencyProof proof = null;
      StoredCheckpoint latest = l.latestCheckpoint().orElse(null);
      long ledgerSize = l.size();
      if (ledgerSize < old.size()) {
        failure = "the ledger has " + ledgerSize + " records but the old checkpoint covers "
            + old.size() + ": it was truncated or rolled back";
      } else if (latest == null || latest.size() < old.size()) {
        failure = "the ledger's latest checkpoint (size " + (latest == null ? 0 : latest.size())
            + ") is older than the given one (size " + old.size() + "): checkpoints were removed";
      } else {
        Checkpoint now = l.openCheckpoint(latest.noteText(), trusted);
        o.put("newSize", now.size());
        o.put("newRoot", now.root().base64());
        proof = l.proveConsistency(old.size(), now.size());
        o.set("proof", Json.base64(proof.path()));
        o.put("checkpoint", latest.noteText());
        try {
          proof.verify(old.root(), now.root());
        } catch (VerificationException e) {
          failure = "the ledger does not extend the old checkpoint (" + e.getMessage()
              + "): its history was rewritten";
        }
      }
      o.put("ok", failure == null);
      trust.addTo(o);
      if (failure != null) {
        o.put("failure", failure);
      }
      if (json) {
        out.println(Json.pretty(o));
      } else if (failure == null) {
        out.println("OK: the checkpoint of size " + o.get("newSize") + " extends the one of size "
            + old.size() + " (consistency proof of " + proof.path().size() + " hashes checked)");
        out.println("  " + trust.describe());
      } else {
        out.println("FAILED: " + failure);
      }
      return failure == null ? ExitCodes.OK : ExitCodes.INTEGRITY;
    }
  }
}
