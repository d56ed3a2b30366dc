package dev.lineageledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.FormatException;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.core.KeyFiles;
import dev.lineageledger.core.VerifierKey;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@code --key FILE|STRING} arguments into trusted verifier keys, and says where they
 * came from: keys the caller pinned, or the PATH.pub file beside the ledger, which whoever can
 * edit the ledger can edit too.
 */
final class Trust {
  private Trust() {}

  /** The keys a command trusts and whether the caller pinned them. */
  record Keys(List<VerifierKey> keys, boolean pinned, String source) {
    /** {"trustedKeys":[...],"pinned":bool,"keySource":...}, for every --json report. */
    void addTo(ObjectNode o) {
      ArrayNode a = o.putArray("trustedKeys");
      keys.forEach(k -> a.add(k.toString()));
      o.put("pinned", pinned);
      o.put("keySource", source);
    }

    /** One human line: which keys, and whether that proves anything. */
    String describe() {
      StringBuilder b = new StringBuilder();
      for (VerifierKey k : keys) {
        b.append(b.length() == 0 ? "" : ", ").append(k.name()).append('+').append(k.keyId().hex());
      }
      return pinned ? "trusted keys (pinned with --key): " + b
          : "trusted keys NOT PINNED (read from " + source + ", which anyone who can edit the"
              + " ledger can edit; pass --key with a key you obtained independently): " + b;
    }
  }

  /**
   * The ledger's PATH.pub: one C2SP verifier key per line, the current signing key first, then
   * keys retired by 'ledger key rotate' (verification follows the rotation records).
   */
  static List<VerifierKey> pubFile(Path pub) throws KeyException {
    return KeyFiles.readVerifierKeys(pub);
  }

  /** A vkey string, or a file of one or more vkey lines (such as a rotated PATH.pub). */
  static List<VerifierKey> parseKey(String arg, Invocation inv) throws FormatException, KeyException {
    if (arg.isBlank()) {
      // Typically --key "$(cat FILE)" where FILE is missing: an empty path would otherwise
      // name the current directory.
      throw new KeyException("--key is empty: give a verifier key (name+keyid+base64) or a file"
          + " holding one");
    }
    // A file is relative to the invocation's working directory, like every other PATH argument.
    Path p = inv.path(arg);
    if (arg.contains("+") && !Files.exists(p)) {
      return List.of(VerifierKey.parse(arg.strip()));
    }
    if (!Files.exists(p)) {
      throw new KeyException("--key " + arg + " is neither a verifier key string nor a file");
    }
    return KeyFiles.readVerifierKeys(p);
  }

  /** The keys given with --key, all of them pinned. */
  static Keys pinned(List<String> args, Invocation inv) throws FormatException, KeyException {
    List<VerifierKey> out = new ArrayList<>();
    for (String a : args) {
      out.addAll(parseKey(a, inv));
    }
    return new Keys(List.copyOf(out), true, "--key");
  }

  /**
   * The keys to trust: those given with --key; or, only when the caller asks for it with
   * {@code --trust-ledger-pub}, the ledger's own PATH.pub, reported as not pinned (with a warning
   * on stderr unless {@code quiet}). Secure by default: with neither, nothing is trusted and the
   * command is refused, because a file beside the ledger is no evidence about the ledger.
   */
  static Keys keys(List<String> args, boolean trustLedgerPub, LedgerOption ledger, Invocation inv,
      PrintWriter err, boolean quiet) throws FormatException, KeyException, UsageException {
    if (args != null && !args.isEmpty()) {
      if (trustLedgerPub) {
        throw new UsageException("--key and --trust-ledger-pub exclude each other");
      }
      return pinned(args, inv);
    }
    if (trustLedgerPub && ledger.isPostgres()) {
      throw new UsageException("--trust-ledger-pub: a PostgreSQL ledger has no verifier key file"
          + " beside it; pass --key with its verifier key");
    }
    if (!trustLedgerPub) {
      throw new UsageException("no trusted key: pass --key with the verifier key you obtained"
          + " independently (a key string or a file, e.g. --key fraud.vkey)" + (ledger.isPostgres()
              ? "" : ", or --trust-ledger-pub to trust " + ledger.pubFile() + " (not evidence:"
                  + " whoever can edit the ledger can edit it)"));
    }
    Path pub = ledger.pubFile();
    if (!Files.exists(pub)) {
      throw new KeyException("no trusted key: pass --key with the ledger's verifier key"
          + " ('ledger key verifier' prints it), or keep it in " + pub);
    }
    Keys k = new Keys(pubFile(pub), false, pub.toString());
    if (!quiet) {
      err.println("warning: --trust-ledger-pub: trusting " + pub + ", which is not evidence (anyone"
          + " who can edit the ledger can edit it); pass --key to pin a key you obtained"
          + " independently");
    }
    return k;
  }
}
