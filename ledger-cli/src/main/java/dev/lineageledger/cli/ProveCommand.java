package dev.lineageledger.cli;

import dev.lineageledger.core.InclusionProof;
import dev.lineageledger.core.InclusionProofFile;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerRecord;
import dev.lineageledger.core.StoredCheckpoint;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "prove", mixinStandardHelpOptions = true,
    description = "RFC 9162 inclusion proof of a record in a signed checkpoint, checkable offline"
        + " with 'ledger verify-proof' or any RFC 6962/9162 verifier.",
    footer = {"", "Examples:", "  ledger prove model:fraud-detector@3 --output proof.json",
        "  ledger prove 7 --json > proof.json",
        "  ledger verify-proof proof.json --key \"$(ledger key verifier)\""})
final class ProveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerOption ledger;

  @Parameters(paramLabel = "SEQ|HASH|KIND:NAME@VERSION", description = "The record to prove.")
  String ref;

  @Option(names = "--size", paramLabel = "N",
      description = "Tree size of a stored checkpoint (default: the latest checkpoint).")
  Long size;

  @Option(names = "--json", description = "Print index, size, leafHash, proof and checkpoint as JSON.")
  boolean json;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the JSON proof to FILE, only once it is complete and checked (a shell"
          + " redirect leaves an empty file when the command fails).")
  java.nio.file.Path output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Ledger l = ReadOnly.open(ledger)) {
      LedgerRecord r = l.resolve(ref);
      StoredCheckpoint cp;
      if (size == null) {
        cp = l.latestCheckpoint().orElseThrow(() -> new UsageException(
            "the ledger has no checkpoint yet; sign one with 'ledger checkpoint --new'"));
      } else {
        cp = l.checkpoint(size).orElseThrow(() -> new UsageException(
            "no signed checkpoint of size " + size + " (see 'ledger checkpoint')"));
      }
      if (r.seq() >= cp.size()) {
        throw new UsageException("record " + r.seq() + " is not covered by the checkpoint of size "
            + cp.size() + "; sign a newer one with 'ledger checkpoint --new'");
      }
      InclusionProof p = l.proveInclusion(r.seq(), cp.size());
      p.verify(r.leafHash(), cp.root()); // never hand out a proof we cannot check ourselves
      // The key records before the checkpoint travel with the proof, so that an auditor who
      // pinned a key before a rotation can check it offline (docs/FORMAT.md §6).
      String proofJson = new InclusionProofFile(r.seq(), cp.size(), r.leafHash(), p.path(),
          cp.noteText(), l.keyEvidence(cp.size())).toJson();
      if (output != null) {
        writeAtomically(output, proofJson + "\n");
        out.println("wrote the inclusion proof of record " + r.seq() + " in the checkpoint of size "
            + cp.size() + " to " + output);
      } else if (json) {
        out.println(proofJson);
      } else {
        out.println("record " + r.seq() + " (" + r.label() + ") in tree of size " + cp.size());
        out.println("leaf hash: " + r.leafHash().base64());
        out.println("proof (leaf to root):");
        p.path().forEach(h -> out.println("  " + h.base64()));
        out.println("checkpoint:");
        out.print(cp.noteText());
      }
    }
    return ExitCodes.OK;
  }

  /** A temporary file beside the target, renamed over it: readers never see half a proof. */
  private static void writeAtomically(java.nio.file.Path file, String text) throws java.io.IOException {
    java.nio.file.Path abs = file.toAbsolutePath();
    java.nio.file.Path tmp = java.nio.file.Files.createTempFile(abs.getParent(), ".proof-", ".tmp");
    try {
      java.nio.file.Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8);
      java.nio.file.Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      java.nio.file.Files.deleteIfExists(tmp);
    }
  }
}
