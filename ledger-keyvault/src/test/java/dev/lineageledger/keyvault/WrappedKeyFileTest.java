package dev.lineageledger.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.KeyException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrappedKeyFileTest {
  @TempDir Path dir;

  static WrappedKeyFile sample() {
    byte[] wrapped = new byte[256];
    Arrays.fill(wrapped, (byte) 7);
    return new WrappedKeyFile(KeyVaultKeyId.parse("https://contoso.vault.azure.net/keys/kek/"
        + "0123456789abcdef0123456789abcdef"), WrappedKeyFile.ALGORITHM, wrapped,
        Ed25519Signer.generate("example.org/ledger").verifierKey());
  }

  @Test
  void encodesTheDocumentedMembersInOrderAndDecodesBack() throws Exception {
    WrappedKeyFile f = sample();
    String text = new String(f.encode(), StandardCharsets.UTF_8);
    assertThat(text).startsWith("{\"format\":\"lineage-ledger-wrapped-key/v1\",\"keyVaultKey\":"
        + "\"https://contoso.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef\","
        + "\"algorithm\":\"RSA-OAEP-256\",\"wrappedKey\":\"BwcH");
    assertThat(text).endsWith("\",\"plaintext\":\"pkcs8-ed25519\",\"verifierKey\":\""
        + f.verifierKey() + "\"}\n");
    assertThat(WrappedKeyFile.decode(f.encode(), "x")).isEqualTo(f);
    assertThat(WrappedKeyFile.looksWrapped(f.encode())).isTrue();
    assertThat(WrappedKeyFile.looksWrapped("-----BEGIN PRIVATE KEY-----".getBytes())).isFalse();
  }

  @Test
  void rejectsEveryDeviation() {
    String good = new String(sample().encode(), StandardCharsets.UTF_8);
    String[][] cases = {
      {good.replace("wrapped-key/v1", "wrapped-key/v2"), "format is not"},
      {good.replace("RSA-OAEP-256", "RSA1_5"), "unsupported wrap algorithm \"RSA1_5\""},
      {good.replace("pkcs8-ed25519", "raw"), "unsupported plaintext type"},
      {good.replace("/0123456789abcdef0123456789abcdef", ""), "must name the key version"},
      {good.replace("\"verifierKey\"", "\"verifierkey\""), "unknown member \"verifierkey\""},
      {good.replace("BwcH", "Bw=H"), "wrappedKey is not unpadded base64url"},
      {"[]", "not a JSON object"},
      // Names and values from the file are echoed escaped: the message stays one line.
      {good.replace("\"verifierKey\"", "\"veri\\r\\nfierKey\""), "unknown member \"veri\\u000d\\u000afierKey\""},
      {good.replace("RSA-OAEP-256", "RSA\\u2028"), "unsupported wrap algorithm \"RSA\\u2028\""},
      {"{", "not JSON"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> WrappedKeyFile.decode(c[0].getBytes(StandardCharsets.UTF_8), "f"))
          .as(c[1]).isInstanceOf(KeyException.class).hasMessageContaining(c[1])
          .hasMessageNotContainingAny("\n", "\r", "\u2028");
    }
  }

  @Test
  void writesOwnerOnlyNeverOverwritesUnlessReplacing() throws Exception {
    Path p = dir.resolve("l.ledger.key.wrapped");
    WrappedKeyFile a = sample();
    a.write(p, false);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
        .isEqualTo("rw-------");
    assertThat(WrappedKeyFile.read(p)).isEqualTo(a);
    WrappedKeyFile b = sample();
    assertThatThrownBy(() -> b.write(p, false)).isInstanceOf(KeyException.class)
        .hasMessage("key file already exists: " + p);
    assertThat(WrappedKeyFile.read(p)).isEqualTo(a);
    b.write(p, true);
    assertThat(WrappedKeyFile.read(p)).isEqualTo(b);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
        .isEqualTo("rw-------");
    try (var s = Files.list(dir)) {
      assertThat(s.map(x -> x.getFileName().toString())).containsExactly("l.ledger.key.wrapped");
    }
  }
}
