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
        "  ledger key rotate --ledger fraud.ledger",
        "  ledger key rewrap --ledger fraud.ledger     # after the Key Vault key was rotated"},
    subcommands = {KeyCommand.Verifier.class, KeyCommand.Rotate.class, KeyCommand.Rewrap.class})
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
      if (ledger.pubFile() != null && Files.exists(ledger.pubFile())) {
        vk = Trust.pubFile(ledger.pubFile()).get(0);
      } else if (Files.exists(keys.resolve(ledger))) {
        // A PostgreSQL ledger (no PATH.pub): the verifier key of its --key-file.
        try (var l = ReadOnly.open(ledger)) {
          vk = keys.load(ledger, l.origin()).verifierKey();
        }
      } else if (ledger.isPostgres()) {
        throw new KeyException("no signing key at " + keys.resolve(ledger));
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
          + " PATH.retired-KEYID.key (owner-only; *.key ignore rules match it).",
          "For a ledger whose key Key Vault guards (PATH.key.wrapped), the new key is wrapped by"
          + " the current version of the same Key Vault key (or of --key-vault-key)."},
      footer = {"", "Examples:", "  ledger key rotate --ledger fraud.ledger --actor security@bank.example",
          "  ledger key rotate --ledger fraud.ledger --key-vault-key https://contoso.vault.azure.net/keys/ledger-kek"})
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

    @picocli.CommandLine.Option(names = "--key-vault-key", paramLabel = "URL",
        description = "Wrap the new key with this Key Vault key (default for a Key Vault ledger:"
            + " the current version of the key that wraps the old one). Moves a PATH.key ledger"
            + " to PATH.key.wrapped.")
    String keyVaultKey;

    @Override
    public Integer call() throws Exception {
      String who = actor != null ? actor : RecordCommand.defaultActor(Invocation.of(spec));
      java.nio.file.Path keyFile = keys.resolve(ledger);
      boolean oldWrapped = java.nio.file.Files.exists(keyFile) && KeyOptions.isWrapped(keyFile);
      dev.lineageledger.keyvault.KeyVaultKeyId kek = keyVaultKey != null
          ? KeyVault.parse("--key-vault-key", keyVaultKey)
          : oldWrapped ? dev.lineageledger.keyvault.WrappedKeyFile.read(keyFile).keyVaultKey().unversioned()
          : null;
      if (kek != null && newPassphraseFile != null) {
        throw new UsageException("--new-passphrase-file does not apply to a Key Vault-wrapped key");
      }
      // A wrapped new key replaces a wrapped old one in place; a PEM ledger moving to Key Vault
      // gets PATH.key.wrapped (and its PATH.key is retired).
      java.nio.file.Path newFile = kek == null || oldWrapped || ledger.isPostgres()
          ? keyFile : ledger.wrappedKeyFile();
      if (!newFile.equals(keyFile) && java.nio.file.Files.exists(newFile)) {
        throw new UsageException("a key file already exists at " + newFile);
      }
      dev.lineageledger.core.Ed25519Signer oldKey;
      dev.lineageledger.core.Ed25519Signer newKey;
      java.nio.file.Path next = java.nio.file.Path.of(newFile + ".next");
      java.nio.file.Files.deleteIfExists(next);
      oldKey = Writable.signingKey(ledger, keys);
      try (dev.lineageledger.core.Ledger l = Writable.open(ledger, oldKey, null)) {
        newKey = KeyVault.track(dev.lineageledger.core.Ed25519Signer.generate(l.origin()));
        // The new key is on disk before the ledger trusts it, so a crash cannot strand it.
        if (kek == null) {
          KeyOptions np = new KeyOptions();
          np.passphraseFile = newPassphraseFile;
          KeyFileWriter.writePrivateKey(next, newKey, np.passphrase());
        } else {
          KeyVault.keys().wrap(newKey, kek).write(next, false);
        }
        l.addKey(who, newKey.verifierKey(), "rotation: introduced by the previous key");
      }
      java.nio.file.Path retired = retiredKeyFile(keyFile, oldKey.verifierKey());
      java.nio.file.Files.move(keyFile, retired);
      java.nio.file.Files.move(next, newFile);
      keyFile = newFile;
      // PATH.pub (a file ledger's): the new current key first, then every earlier key.
      if (ledger.pubFile() != null) {
        StringBuilder pub = new StringBuilder(newKey.verifierKey() + "\n");
        if (java.nio.file.Files.exists(ledger.pubFile())) {
          for (var k : Trust.pubFile(ledger.pubFile())) {
            pub.append(k).append('\n');
          }
        }
        java.nio.file.Path tmp = java.nio.file.Path.of(ledger.pubFile() + ".tmp");
        java.nio.file.Files.writeString(tmp, pub.toString());
        java.nio.file.Files.move(tmp, ledger.pubFile(),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      try (dev.lineageledger.core.Ledger l = Writable.open(ledger, newKey, null)) {
        l.revokeKey(who, oldKey.verifierKey(), "rotation: retired by the new key");
      }
      spec.commandLine().getOut().printf("rotated the signing key of %s%n  old (revoked): %s (kept as %s)%n"
          + "  new:           %s%n", ledger.location(), oldKey.verifierKey(), retired, newKey.verifierKey());
      return ExitCodes.OK;
    }
  }

  @Command(name = "rewrap", mixinStandardHelpOptions = true,
      description = {"Re-wrap the signing key of a Key Vault ledger (PATH.key.wrapped) with the"
          + " current version of its Key Vault key, or with --key-vault-key: for after the Key"
          + " Vault key was rotated. The signing key itself does not change.",
          "The file is replaced atomically, and only after the new wrapping was unwrapped once."
          + " Files wrapped by older key versions keep working while those versions are enabled."},
      footer = {"", "Examples:", "  ledger key rewrap --ledger fraud.ledger",
          "  ledger key rewrap --ledger fraud.ledger --key-vault-key https://other.vault.azure.net/keys/kek"})
  static final class Rewrap implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin LedgerOption ledger;

    @picocli.CommandLine.Option(names = "--key-file", paramLabel = "FILE",
        description = "The wrapped key file (default: the ledger path + .key.wrapped).")
    java.nio.file.Path keyFile;

    @picocli.CommandLine.Option(names = "--key-vault-key", paramLabel = "URL",
        description = "Wrap with this Key Vault key instead (https://VAULT.vault.azure.net/keys/NAME[/VERSION]).")
    String keyVaultKey;

    @Override
    public Integer call() throws Exception {
      java.nio.file.Path f = keyFile != null ? keyFile : ledger.wrappedKeyFile();
      if (f == null) {
        throw new UsageException("a PostgreSQL ledger has no key beside it: pass --key-file");
      }
      if (!java.nio.file.Files.exists(f)) {
        throw new KeyException("no Key Vault-wrapped key at " + f
            + " (rewrap applies to ledgers created with --key-vault-key)");
      }
      dev.lineageledger.keyvault.KeyVaultKeyId kek = keyVaultKey == null ? null
          : KeyVault.parse("--key-vault-key", keyVaultKey);
      dev.lineageledger.keyvault.WrappedKeyFile old = dev.lineageledger.keyvault.WrappedKeyFile.read(f);
      dev.lineageledger.keyvault.WrappedKeyFile fresh = KeyVault.keys().rewrap(old, kek);
      if (fresh.keyVaultKey().equals(old.keyVaultKey())) {
        spec.commandLine().getOut().printf("%s is already wrapped by the current version %s%n",
            f, old.keyVaultKey());
        return ExitCodes.OK;
      }
      fresh.write(f, true);
      spec.commandLine().getOut().printf("rewrapped %s (signing key %s)%n  old: %s%n  new: %s%n",
          f, fresh.verifierKey(), old.keyVaultKey(), fresh.keyVaultKey());
      return ExitCodes.OK;
    }
  }
}
