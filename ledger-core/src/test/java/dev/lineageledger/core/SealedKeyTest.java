package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The hooks for keys held by a key management service: sealing, unsealing, destroying. */
class SealedKeyTest {
  private static final String NAME = "example.org/sealed";

  @Test
  void sealHandsOutPkcs8AndWipesItAfterwards() throws Exception {
    Ed25519Signer key = Ed25519Signer.generate(NAME);
    byte[][] seen = new byte[1][];
    byte[] copy = KeyFiles.sealPrivateKey(key, der -> {
      seen[0] = der;
      return der.clone();
    });
    assertThat(copy).hasSize(48);
    assertThat(seen[0]).containsOnly(0); // zeroed once the sealer returned
    Ed25519Signer back = KeyFiles.openPrivateKey(copy, NAME, "test");
    assertThat(back.verifierKey()).isEqualTo(key.verifierKey());
    byte[] msg = "hello".getBytes();
    assertThat(back.sign(msg)).isEqualTo(key.sign(msg));
    assertThat(copy).as("openPrivateKey leaves the caller's buffer alone").isNotEqualTo(new byte[48]);
  }

  @Test
  void sealerExceptionsPassThroughAndTheBufferIsStillWiped() {
    Ed25519Signer key = Ed25519Signer.generate(NAME);
    byte[][] seen = new byte[1][];
    assertThatThrownBy(() -> KeyFiles.sealPrivateKey(key, der -> {
      seen[0] = der;
      throw new KeyException("service down");
    })).isInstanceOf(KeyException.class).hasMessage("service down");
    assertThat(seen[0]).containsOnly(0);
  }

  @Test
  void openRejectsWhatIsNotAnEd25519Pkcs8Key() throws Exception {
    Ed25519Signer key = Ed25519Signer.generate(NAME);
    byte[] der = KeyFiles.sealPrivateKey(key, byte[]::clone);
    byte[] truncated = Arrays.copyOf(der, 40);
    assertThatThrownBy(() -> KeyFiles.openPrivateKey(truncated, NAME, "the unwrapped key"))
        .isInstanceOf(KeyException.class)
        .hasMessageStartingWith("the unwrapped key is corrupt");
    byte[] otherAlg = der.clone();
    otherAlg[11] = 0x6f; // 1.3.101.111 = X448
    assertThatThrownBy(() -> KeyFiles.openPrivateKey(otherAlg, NAME, "the unwrapped key"))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("does not hold an Ed25519 key");
  }

  @Test
  void destroyedKeyRefusesToSignOrExport() {
    Ed25519Signer key = Ed25519Signer.generate(NAME);
    assertThat(key.isDestroyed()).isFalse();
    key.destroy();
    key.destroy(); // idempotent
    assertThat(key.isDestroyed()).isTrue();
    assertThatThrownBy(() -> key.sign(new byte[1])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> KeyFiles.sealPrivateKey(key, byte[]::clone))
        .isInstanceOf(IllegalStateException.class);
    assertThat(key.verifierKey()).isNotNull(); // the public half stays usable
  }
}
