package dev.lineageledger.cli;

import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.VerifierKey;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "key", mixinStandardHelpOptions = true, description = "Key management.",
    footer = {"", "Examples:", "  ledger key verifier --ledger fraud.ledger",
        "  ledger key rotate --ledger fraud.ledger"},
    subcommands = {KeyCommand.Verifier.class, KeyCommand.Rotate.class})
final class KeyCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return LedgerCommand.missingSubcommand(spec);
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
        vk = Trust.pubFile(ledger.pubFile()).get(0);
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

  /**
   * Where a retired private key is kept: {@code fraud.ledger.key} becomes
   * {@code fraud.ledger.retired-KEYID.key}, so the usual {@code *.key} ignore rule still keeps
   * it out of version control (a {@code .key.retired-KEYID} suffix escaped it).
   */
  static java.nio.file.Path retiredKeyFile(java.nio.file.Path keyFile, VerifierKey retired) {
    String name = keyFile.getFileName().toString();
    String base = name.endsWith(".key") ? name.substring(0, name.length() - 4) : name;
    return keyFile.resolveSibling(base + ".retired-" + retired.keyId().hex() + ".key");
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = {"Replace the signing key: a key record signed by the old key introduces the"
          + " new one, then one signed by the new key revokes the old one.",
          "Auditors who trust the old key follow the rotation; the old key file is kept as"
          + " PATH.retired-KEYID.key (owner-only; *.key ignore rules match it)."},
      footer = {"", "Example:", "  ledger key rotate --ledger fraud.ledger --actor security@bank.example"})
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin LedgerOption ledger;
    @Mixin KeyOptions keys;

    @picocli.CommandLine.Option(names = "--new-passphrase-file", paramLabel = "FILE",
        description = "Encrypt the new key with the passphrase on this file's first line.")
    java.nio.file.Path newPassphraseFile;

    @picocli.CommandLine.Option(names = "--actor", paramLabel = "ID",
        description = "Who rotates (default: $LEDGER_ACTOR, else user@host).")
    String actor;

    @Override
    public Integer call() throws Exception {
      String who = actor != null ? actor : RecordCommand.defaultActor(Invocation.of(spec));
      java.nio.file.Path keyFile = keys.keyFile != null ? keys.keyFile : ledger.keyFile();
      dev.lineageledger.core.Ed25519Signer oldKey;
      dev.lineageledger.core.Ed25519Signer newKey;
      java.nio.file.Path next = java.nio.file.Path.of(keyFile + ".next");
      java.nio.file.Files.deleteIfExists(next);
      oldKey = Writable.signingKey(ledger, keys);
      try (dev.lineageledger.core.Ledger l = Writable.open(ledger, oldKey, null)) {
        newKey = dev.lineageledger.core.Ed25519Signer.generate(l.origin());
        KeyOptions np = new KeyOptions();
        np.passphraseFile = newPassphraseFile;
        // The new key is on disk before the ledger trusts it, so a crash cannot strand it.
        KeyFileWriter.writePrivateKey(next, newKey, np.passphrase());
        l.addKey(who, newKey.verifierKey(), "rotation: introduced by the previous key");
      }
      java.nio.file.Path retired = retiredKeyFile(keyFile, oldKey.verifierKey());
      java.nio.file.Files.move(keyFile, retired);
      java.nio.file.Files.move(next, keyFile);
      // PATH.pub: the new current key first, then every earlier key.
      StringBuilder pub = new StringBuilder(newKey.verifierKey() + "\n");
      if (java.nio.file.Files.exists(ledger.pubFile())) {
        for (var k : Trust.pubFile(ledger.pubFile())) {
          pub.append(k).append('\n');
        }
      }
      java.nio.file.Path tmp = java.nio.file.Path.of(ledger.pubFile() + ".tmp");
      java.nio.file.Files.writeString(tmp, pub.toString());
      java.nio.file.Files.move(tmp, ledger.pubFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      try (dev.lineageledger.core.Ledger l = Writable.open(ledger, newKey, null)) {
        l.revokeKey(who, oldKey.verifierKey(), "rotation: retired by the new key");
      }
      spec.commandLine().getOut().printf("rotated the signing key of %s%n  old (revoked): %s (kept as %s)%n"
          + "  new:           %s%n", ledger.path(), oldKey.verifierKey(), retired, newKey.verifierKey());
      return ExitCodes.OK;
    }
  }
}
