package dev.lineageledger.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lineageledger.core.KeyException;
import dev.lineageledger.keyvault.WrappedKeyFile;

/**
 * Key Vault-wrapped key files with fuzzed content ({@link WrappedKeyFile#decode}): only {@link
 * KeyException} with a one-line message may come out, and a file that parses encodes back to a
 * file that parses to the same value.
 */
class WrappedKeyFileFuzzTest {
  @FuzzTest
  void wrappedKeyFile(byte[] input) throws Exception {
    try {
      WrappedKeyFile f = WrappedKeyFile.decode(input, "wrapped key file");
      assertThat(WrappedKeyFile.decode(f.encode(), "re-encoded")).isEqualTo(f);
    } catch (KeyException e) {
      Oracles.oneLine(e);
    }
  }
}
