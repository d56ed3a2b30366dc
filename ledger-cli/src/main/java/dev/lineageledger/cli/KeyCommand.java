package dev.lineageledger.cli;

import dev.lineageledger.core.KeyFiles;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.VerifierKey;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "key", mixinStandardHelpOptions = true, description = "Key management.",
    subcommands = KeyCommand.Verifier.class)
final class KeyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "verifier", mixinStandardHelpOptions = true,
      description = "Print the C2SP signed-note verifier key (name+keyid+base64key) on one line.",
      footer = {"", "Example:", "  ledger key verifier --ledger fraud.ledger > fraud.vkey"})
  static final class Verifier implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin LedgerOption ledger;
    @Mixin KeyOptions keys;

    @Override
    public Integer call() throws Exception {
      VerifierKey vk;
      if (Files.exists(ledger.pubFile())) {
        vk = KeyFiles.readVerifierKey(ledger.pubFile());
      } else if (Files.exists(keys.keyFile != null ? keys.keyFile : ledger.keyFile())) {
        try (var l = dev.lineageledger.core.Ledger.open(ledger.path(),
            dev.lineageledger.core.LedgerOptions.readOnly())) {
          vk = keys.load(ledger, l.origin()).verifierKey();
        }
      } else {
        throw new KeyException("no key beside " + ledger.path() + " (expected " + ledger.pubFile() + ")");
      }
      spec.commandLine().getOut().println(vk);
      return ExitCodes.OK;
    }
  }
}
