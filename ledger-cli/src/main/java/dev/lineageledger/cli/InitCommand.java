package dev.lineageledger.cli;

import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.SigningMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Create a ledger and its signing key (PATH.key, owner-only) and verifier key (PATH.pub).",
        "With --key-vault-key the signing key is stored only wrapped by that Key Vault RSA key"
            + " (PATH.key.wrapped); the identity (DefaultAzureCredential: managed identity,"
            + " workload identity, environment, az login) needs get, wrapKey and unwrapKey on it."},
    footer = {"", "Examples:", "  ledger init --ledger fraud.ledger --origin bank.example/ml/fraud",
        "  ledger init --ledger postgresql://ledger_owner@db.example:5432/lineage"
            + " --origin bank.example/ml/lineage --key-file lineage.key --password-file owner.pw",
        "  ledger init --ledger fraud.ledger --key-vault-key https://contoso.vault.azure.net/keys/ledger-kek"})
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerOption ledger;

  @Option(names = "--origin", paramLabel = "ORIGIN",
      description = "Log name in checkpoints, a schema-less URL (default: lineage-ledger.local/<file name>).")
  String origin;

  @Option(names = "--signing", paramLabel = "MODE", defaultValue = "per-record",
      description = "per-record (every record signed; default) or checkpoint-only.")
  String signing;

  @Option(names = "--passphrase-file", paramLabel = "FILE",
      description = "Encrypt the private key with the passphrase on this file's first line.")
  Path passphraseFile;

  @Option(names = "--key-vault-key", paramLabel = "URL",
      description = "Keep the signing key wrapped by this Azure Key Vault RSA key"
          + " (https://VAULT.vault.azure.net/keys/NAME[/VERSION]; default version: the current one)"
          + " in PATH.key.wrapped instead of PATH.key.")
  String keyVaultKey;

  @Option(names = "--key-file", paramLabel = "FILE",
      description = "Where to write the signing key (default: PATH.key; required for a"
          + " PostgreSQL ledger, which has nothing beside it).")
  Path keyFile;

  @Override
  public Integer call() throws Exception {
    boolean pg = ledger.isPostgres();
    dev.lineageledger.keyvault.KeyVaultKeyId kek = null;
    if (keyVaultKey != null) {
      kek = KeyVault.parse("--key-vault-key", keyVaultKey);
      if (passphraseFile != null) {
        throw new UsageException("--passphrase-file and --key-vault-key exclude each other");
      }
    }
    SigningMode mode;
    try {
      mode = SigningMode.fromId(signing);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--signing must be per-record or checkpoint-only");
    }
    // A file ledger keeps its keys beside it; a PostgreSQL ledger has nothing beside it, so
    // its key goes to --key-file and its verifier key is only printed.
    Path keyPath;
    String o;
    List<Path> made = new java.util.ArrayList<>();
    if (pg) {
      if (keyFile == null) {
        throw new UsageException("a PostgreSQL ledger has nothing beside it: pass --key-file FILE"
            + " for its signing key");
      }
      if (origin == null) {
        throw new UsageException("a PostgreSQL ledger needs --origin (its log name, a"
            + " schema-less URL such as bank.example/ml/lineage)");
      }
      keyPath = ledger.invocation().path(keyFile.toString());
      o = origin;
    } else {
      if (keyFile != null) {
        throw new UsageException("--key-file: a file ledger's key is written beside it, as "
            + ledger.keyFile());
      }
      Path path = ledger.path();
      if (Files.exists(path)) {
        throw new UsageException("a file already exists at " + path + "; choose another --ledger");
      }
      if (Files.exists(ledger.keyFile())) {
        throw new UsageException("a key file already exists at " + ledger.keyFile());
      }
      keyPath = kek == null ? ledger.keyFile() : ledger.wrappedKeyFile();
      o = origin != null ? origin : defaultOrigin(path);
      // Nothing half-made stays behind (a full disk can leave an empty ledger file, which would
      // then block the next 'ledger init'): the checks here prove none of these exist.
      made.addAll(List.of(ledger.pubFile(), path, Path.of(path + "-wal"), Path.of(path + "-shm"),
          Path.of(path + "-journal")));
    }
    if (Files.exists(keyPath)) {
      throw new UsageException("a key file already exists at " + keyPath);
    }
    made.add(0, keyPath);
    KeyOptions ko = new KeyOptions();
    ko.passphraseFile = passphraseFile;
    char[] pass = ko.passphrase();
    Ed25519Signer key;
    try {
      key = Ed25519Signer.generate(o);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--origin: " + e.getMessage());
    }
    KeyVault.track(key);
    String keyNote;
    if (kek == null) {
      KeyFileWriter.writePrivateKey(keyPath, key, pass);
      keyNote = (pass == null ? "" : ", passphrase-encrypted") + "; keep "
          + (pg ? "it" : "*.key") + " out of version control";
    } else {
      // Wrapped (and unwrapped once, to prove the identity can open it) before anything is
      // written: a Key Vault failure leaves no file behind.
      dev.lineageledger.keyvault.WrappedKeyFile w = KeyVault.keys().wrap(key, kek);
      w.write(keyPath, false);
      keyNote = ", wrapped by " + w.keyVaultKey();
    }
    // A PostgreSQL ledger's schema is created in one transaction: whole or not at all.
    try (Ledger l = Ledger.create(ledger.location(), o, mode,
        ledger.options().checkpointSigner(key).build())) {
      if (!pg) {
        KeyFileWriter.writePublicKey(ledger.pubFile(), key.verifierKey());
      }
      spec.commandLine().getOut().printf("created %s (origin %s, %s signing)%n"
          + "  signing key:  %s (owner-only%s)%n"
          + "  verifier key: %s%n"
          + "                (%sgive it to auditors, who verify with --key)%n",
          l.location(), l.origin(), mode.id(), keyPath, keyNote, key.verifierKey(),
          pg ? "" : "also in " + ledger.pubFile() + "; ");
    } catch (Exception e) {
      for (Path p : made) {
        try {
          Files.deleteIfExists(p);
        } catch (java.io.IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    return ExitCodes.OK;
  }

  static String defaultOrigin(Path path) {
    String name = path.getFileName().toString().replaceAll("\\.ledger$", "")
        .replaceAll("[^A-Za-z0-9._-]", "-");
    return "lineage-ledger.local/" + (name.isEmpty() ? "ledger" : name);
  }
}
