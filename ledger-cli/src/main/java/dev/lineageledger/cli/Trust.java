package dev.lineageledger.cli;

import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.KeyFiles;
import dev.lineageledger.core.VerifierKey;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns {@code --key FILE|STRING} arguments into trusted verifier keys. */
final class Trust {
  private Trust() {}

  /**
   * The ledger's PATH.pub: one C2SP verifier key per line, the current signing key first, then
   * keys retired by 'ledger key rotate' (verification follows the rotation records).
   */
  static List<VerifierKey> pubFile(Path pub) throws FormatException, KeyException {
    List<VerifierKey> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(pub, java.nio.charset.StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          out.add(VerifierKey.parse(line.strip()));
        }
      }
    } catch (java.io.IOException e) {
      throw new KeyException("cannot read " + pub + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new KeyException(pub + " holds no verifier key");
    }
    return out;
  }

  static VerifierKey parseKey(String arg) throws FormatException, KeyException {
    if (arg.isBlank()) {
      // Typically --key "$(cat FILE)" where FILE is missing: an empty path would otherwise
      // name the current directory.
      throw new KeyException("--key is empty: give a verifier key (name+keyid+base64) or a file"
          + " holding one");
    }
    if (arg.contains("+") && !Files.exists(Path.of(arg))) {
      return VerifierKey.parse(arg.strip());
    }
    Path p = Path.of(arg);
    if (!Files.exists(p)) {
      throw new KeyException("--key " + arg + " is neither a verifier key string nor a file");
    }
    return KeyFiles.readVerifierKey(p);
  }

  /**
   * The keys to trust: those given with --key, else the ledger's own public key file (with a
   * warning that this trusts whoever controls that directory).
   */
  static List<VerifierKey> keys(List<String> args, LedgerOption ledger, PrintWriter err, boolean quiet)
      throws FormatException, KeyException {
    List<VerifierKey> out = new ArrayList<>();
    if (args != null) {
      for (String a : args) {
        out.add(parseKey(a));
      }
    }
    if (out.isEmpty()) {
      Path pub = ledger.pubFile();
      if (!Files.exists(pub)) {
        throw new KeyException("no trusted key: pass --key with the ledger's verifier key"
            + " ('ledger key verifier' prints it), or keep it in " + pub);
      }
      out.addAll(pubFile(pub));
      if (!quiet) {
        err.println("note: trusting the key in " + pub + "; pass --key to pin a key you obtained"
            + " independently");
      }
    }
    return out;
  }
}
