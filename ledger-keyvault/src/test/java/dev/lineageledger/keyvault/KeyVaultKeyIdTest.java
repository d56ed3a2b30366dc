package dev.lineageledger.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class KeyVaultKeyIdTest {
  @Test
  void parsesWithAndWithoutVersion() {
    KeyVaultKeyId k = KeyVaultKeyId.parse("https://Contoso.vault.azure.net/keys/ledger-kek");
    assertThat(k.vaultUrl().toString()).isEqualTo("https://contoso.vault.azure.net");
    assertThat(k.name()).isEqualTo("ledger-kek");
    assertThat(k.version()).isNull();
    KeyVaultKeyId v = KeyVaultKeyId.parse(
        "https://contoso.vault.azure.net/keys/ledger-kek/0123456789abcdef0123456789abcdef/");
    assertThat(v.version()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(v).hasToString(
        "https://contoso.vault.azure.net/keys/ledger-kek/0123456789abcdef0123456789abcdef");
    assertThat(v.unversioned()).isEqualTo(k);
    assertThat(KeyVaultKeyId.parse("https://127.0.0.1:8443/keys/k").vaultUrl().getPort())
        .isEqualTo(8443);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://contoso.vault.azure.net/keys/k", "https://contoso.vault.azure.net/secrets/k",
      "https://contoso.vault.azure.net/keys/", "https://contoso.vault.azure.net/keys/k/v/x",
      "https://contoso.vault.azure.net/keys/k_1", "https://contoso.vault.azure.net/keys/k?x=1",
      "https://user@contoso.vault.azure.net/keys/k", "contoso.vault.azure.net/keys/k", "https://[bad/keys/k"})
  void rejectsWhatIsNotAKeyUrl(String url) {
    assertThatThrownBy(() -> KeyVaultKeyId.parse(url)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"https://127.0.0.1:1/keys/k,true", "https://localhost:1/keys/k,true",
      "https://[::1]:1/keys/k,true", "https://127.0.0.2/keys/k,true",
      "https://contoso.vault.azure.net/keys/k,false", "https://127.0.0.1.nip.io/keys/k,false",
      "https://localhost.contoso.com/keys/k,false", "https://10.0.0.1/keys/k,false"})
  void onlyLiteralLoopbackVaultsSkipChallengeVerification(String url, boolean loopback) {
    assertThat(KeyVaultKeyId.parse(url).isLoopback()).isEqualTo(loopback);
  }
}
