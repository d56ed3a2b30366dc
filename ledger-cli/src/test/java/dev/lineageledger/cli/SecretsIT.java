package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key material, passphrases and Azure bearer tokens never appear in any output: every command of a session with
 * secrets is run (including failures and --verbose), all stdout and stderr is collected and
 * searched for the secrets in every encoding we can think of.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SecretsIT {
  @TempDir Path dir;

  @Test
  void noSecretInAnyOutput() throws Exception {
    // A separate JVM: whatever the process prints (JVM warnings, traces) is searched too.
    Cli cli = Cli.process(dir);
    String passphrase = "tr0ub4dor&3-" + System.nanoTime();
    Files.writeString(dir.resolve("pass"), passphrase + "\n");
    Files.writeString(dir.resolve("wrong"), "not-" + passphrase + "\n");
    Files.writeString(dir.resolve("d.json"), CliIT.DATASET);
    List<Cli.Result> all = new ArrayList<>();
    all.add(cli.run("init", "--ledger", "plain.ledger"));
    all.add(cli.run("init", "--ledger", "enc.ledger", "--passphrase-file", "pass"));
    all.add(cli.run("record", "--json", "d.json", "--ledger", "plain.ledger", "--verbose"));
    all.add(cli.run("record", "--json", "d.json", "--ledger", "enc.ledger", "--passphrase-file", "pass"));
    all.add(cli.run("record", "--json", "d.json", "--ledger", "enc.ledger", "--passphrase-file", "wrong", "--verbose"));
    all.add(cli.run("record", "--json", "d.json", "--ledger", "enc.ledger", "--verbose"));
    all.add(cli.run("checkpoint", "--new", "--ledger", "enc.ledger", "--passphrase-file", "pass", "--verbose"));
    all.add(cli.run("verify", "--trust-ledger-pub", "--ledger", "enc.ledger", "--verbose"));
    all.add(cli.run("key", "verifier", "--ledger", "plain.ledger"));
    all.add(cli.run("record", "--json", "d.json", "--ledger", "plain.ledger", "--key-file", "enc.ledger.key", "--verbose"));
    all.add(cli.run("record", "--json", "d.json", "--ledger", "enc.ledger", "--key-file", "plain.ledger.key", "--verbose"));
    Files.writeString(dir.resolve("truncated.key"), Files.readString(dir.resolve("plain.ledger.key")).substring(0, 60));
    all.add(cli.run("record", "--json", "d.json", "--ledger", "plain.ledger", "--key-file", "truncated.key", "--verbose"));
    all.add(cli.run("export", "--ledger", "enc.ledger"));
    all.add(cli.run("demo", "--ledger", "demo.ledger"));
    // Purview: a bearer token in a file, a sync that works, one refused (wrong token), a dry run.
    String token = "eyJ0eXAiOiJKV1Qi." + System.nanoTime() + ".secret-bearer-token";
    Files.writeString(dir.resolve("token"), token + "\n");
    Files.writeString(dir.resolve("wrong-token"), token + "-wrong\n");
    try (dev.lineageledger.purview.emulator.PurviewEmulator purview =
        dev.lineageledger.purview.emulator.PurviewEmulator.builder().token(token).start()) {
      String endpoint = purview.datamapUrl();
      all.add(cli.run("sync", "purview", "--endpoint", endpoint, "--token-file", "token",
          "--ledger", "demo.ledger", "--verbose", "--json"));
      all.add(cli.run("sync", "purview", "--endpoint", endpoint, "--token-file", "wrong-token",
          "--ledger", "plain.ledger", "--verbose", "--max-retries", "0"));
      all.add(cli.run("sync", "purview", "--endpoint", endpoint, "--token-file", "token",
          "--ledger", "plain.ledger", "--dry-run", "--verbose"));
    }
    assertThat(all.get(all.size() - 3).code()).as(all.get(all.size() - 3).toString()).isZero();
    assertThat(all.get(all.size() - 2).code()).isEqualTo(3);

    assertThat(all.get(1).code()).isZero();
    assertThat(all.get(4).code()).isEqualTo(2); // wrong passphrase is reported...
    String output = all.stream().map(r -> r.out() + r.err()).reduce("", String::concat);

    List<String> secrets = new ArrayList<>(List.of(passphrase, token));
    for (String key : List.of("plain.ledger.key", "demo.ledger.key")) {
      String pem = Files.readString(dir.resolve(key));
      String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      byte[] der = Base64.getDecoder().decode(b64);
      byte[] seed = Arrays.copyOfRange(der, der.length - 32, der.length); // RFC 8410 PKCS#8
      secrets.add(b64);
      secrets.add(HexFormat.of().formatHex(seed));
      secrets.add(Base64.getEncoder().encodeToString(seed));
      secrets.add(Base64.getEncoder().withoutPadding().encodeToString(seed));
      secrets.add(Arrays.toString(seed));
    }
    String encPem = Files.readString(dir.resolve("enc.ledger.key"));
    secrets.add(encPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    for (String s : secrets) {
      assertThat(output).as("output must not contain a secret").doesNotContain(s);
      // Nor any long piece of it (e.g. one PEM line).
      if (s.length() > 40) {
        assertThat(output).doesNotContain(s.substring(0, 40));
      }
    }
    assertThat(output.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(1000);
  }
}
