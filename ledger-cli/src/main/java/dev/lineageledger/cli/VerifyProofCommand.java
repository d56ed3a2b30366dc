package dev.lineageledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.InclusionProofFile;
import dev.lineageledger.core.MerkleTree;
import dev.lineageledger.core.SignedNote;
import dev.lineageledger.core.VerificationException;
import dev.lineageledger.core.VerifierKey;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify-proof", mixinStandardHelpOptions = true,
    description = "Check an inclusion proof offline, against its signed checkpoint and a trusted key,"
        + " without the ledger file.",
    footer = {"", "Example:",
        "  ledger verify-proof proof.json --key 'example.com/ml+1a2b3c4d+AX...' --record record7.json"})
final class VerifyProofCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PROOF.json", description = "Output of 'ledger prove --json'.")
  Path proofFile;

  @Option(names = "--key", paramLabel = "FILE|STRING", required = true,
      description = "Trusted verifier key, or a file of keys (repeatable). Key rotations recorded"
          + " before the proof's checkpoint are followed.")
  List<String> keys;

  @Option(names = "--origin", paramLabel = "ORIGIN",
      description = "The log the checkpoint must name (default: the trusted key's name, which is"
          + " its log's origin).")
  String expectedOrigin;

  @Option(names = "--ledger", paramLabel = "FILE",
      description = "Also accept a proof whose checkpoint no trusted key signed (an older proof,"
          + " from before a key you trust was introduced) when this ledger's latest checkpoint,"
          + " signed by a trusted key, is consistent with it (RFC 9162 consistency proof).")
  Path ledgerFile;

  @Option(names = "--record", paramLabel = "FILE",
      description = "The record's canonical bytes ('ledger show SEQ --raw'); checked against the proof.")
  Path recordFile;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Trust.Keys trust = Trust.pinned(keys, Invocation.of(spec));
    List<VerifierKey> trusted = trust.keys();
    InclusionProofFile p = InclusionProofFile.parse(Files.readAllBytes(proofFile));
    long index = p.index();
    long size = p.size();
    Hash leaf = p.leafHash();
    String note = p.checkpoint();
    // The origin comes from what the caller trusts, never from the unverified checkpoint:
    // a log's key name is its origin (docs/FORMAT.md §5).
    String origin = expectedOrigin;
    if (origin == null) {
      java.util.TreeSet<String> names = new java.util.TreeSet<>();
      trusted.forEach(k -> names.add(k.name()));
      if (names.size() != 1) {
        throw new UsageException("the trusted keys name several logs " + names
            + "; say which one with --origin");
      }
      origin = names.first();
    }
    Checkpoint cp;
    String via = "";
    try {
      cp = p.verify(trusted, origin);
    } catch (VerificationException e) {
      if (ledgerFile == null) {
        out.println("FAILED: " + e.getMessage()
            + " (an older proof? pass --ledger to check it against a newer checkpoint)");
        return ExitCodes.INTEGRITY;
      }
      try {
        cp = throughNewerCheckpoint(p, trusted, origin);
        via = "; its checkpoint is consistent with a newer one signed by a trusted key";
      } catch (VerificationException e2) {
        out.println("FAILED: " + e.getMessage() + "; and against " + ledgerFile + ": " + e2.getMessage());
        return ExitCodes.INTEGRITY;
      }
    }
    try {
      if (recordFile != null) {
        byte[] bytes = Files.readAllBytes(recordFile);
        if (!MerkleTree.leafHash(bytes).equals(leaf) && bytes.length > 0
            && bytes[bytes.length - 1] == '\n') {
          bytes = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        }
        if (!MerkleTree.leafHash(bytes).equals(leaf)) {
          throw new VerificationException("the record file does not hash to the proof's leaf hash");
        }
        JsonNode rec = CanonicalJson.parse(bytes);
        if (rec.path("seq").asLong(-1) != index) {
          throw new VerificationException("the record file says seq " + rec.path("seq")
              + " but the proof is for index " + index);
        }
      }
    } catch (VerificationException e) {
      out.println("FAILED: " + e.getMessage());
      return ExitCodes.INTEGRITY;
    }
    out.println("OK: record " + index + " (leaf " + leaf.base64() + ") is included in "
        + cp.origin() + " at tree size " + size + (recordFile != null ? "; record bytes match" : "")
        + via);
    return ExitCodes.OK;
  }



  /**
   * An older proof: its checkpoint is signed by a key the caller does not trust (for example
   * one retired before the caller's key was introduced). The ledger's latest checkpoint, opened
   * with the trusted keys following the rotations it records, vouches for it when the RFC 9162
   * §2.1.4 consistency proof from the old size to the new one verifies against both roots: the
   * old root is then part of the history a trusted key signed. The ledger file itself is not
   * trusted; only what verifies against the trusted checkpoint is used.
   */
  private Checkpoint throughNewerCheckpoint(InclusionProofFile p, List<VerifierKey> trusted,
      String origin) throws Exception {
    Checkpoint old = Checkpoint.parse(SignedNote.parse(p.checkpoint()).body());
    if (!old.origin().equals(origin) || old.size() != p.size()) {
      throw new VerificationException("the proof's checkpoint is for another log or size");
    }
    LedgerOption lo = new LedgerOption();
    lo.location = ledgerFile.toString();
    try (dev.lineageledger.core.Ledger l = ReadOnly.open(lo)) {
      dev.lineageledger.core.StoredCheckpoint latest = l.latestCheckpoint().orElseThrow(
          () -> new VerificationException("the ledger has no checkpoint"));
      Checkpoint now = l.openCheckpoint(latest.noteText(), trusted);
      if (!now.origin().equals(origin) || now.size() < old.size()) {
        throw new VerificationException("the ledger's latest checkpoint does not extend the proof's");
      }
      l.proveConsistency(old.size(), now.size()).verify(old.root(), now.root());
    }
    dev.lineageledger.core.InclusionProof.verify(p.index(), p.size(), p.leafHash(), p.proof(), old.root());
    return old;
  }
}
