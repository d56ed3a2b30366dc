package dev.lineageledger.cli;

import dev.lineageledger.core.Durability;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.StoredCheckpoint;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "checkpoint", mixinStandardHelpOptions = true,
    description = "Print the latest signed checkpoint (a C2SP signed note) exactly as stored.",
    footer = {"", "Examples:", "  ledger checkpoint > today.note",
        "  ledger checkpoint --new      # sign one covering every record first",
        "  ledger checkpoint --new --accept-tail   # after reviewing an unauthenticated tail"})
final class CheckpointCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerOption ledger;
  @Mixin KeyOptions keys;

  @Option(names = "--new", description = "Sign a new checkpoint of the current tree first.")
  boolean sign;

  @Option(names = "--accept-tail",
      description = "With --new: also cover records after the last checkpoint that the writer"
          + " cannot authenticate (unsigned records of a checkpoint-only ledger, or records by"
          + " another key). Signing vouches for them: review them first.")
  boolean acceptTail;

  @Override
  public Integer call() throws Exception {
    StoredCheckpoint cp;
    if (acceptTail && !sign) {
      throw new UsageException("--accept-tail needs --new");
    }
    if (sign) {
      try (Ledger l = Writable.open(ledger, keys, Durability.FSYNC)) {
        cp = acceptTail ? l.checkpointAcceptingTail() : l.checkpoint();
      }
    } else {
      try (Ledger l = ReadOnly.open(ledger)) {
        cp = l.latestCheckpoint().orElseThrow(() -> new UsageException(
            "the ledger has no checkpoint yet; sign one with 'ledger checkpoint --new'"));
      }
    }
    spec.commandLine().getOut().print(cp.noteText());
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
