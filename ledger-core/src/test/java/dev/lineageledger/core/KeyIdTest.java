package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyIdTest {

  /** C2SP signed-note "Ed25519 signatures": SHA-256(name || 0x0A || 0x01 || key)[:4]. */
  @Test
  void derivedAsTheSpecSays() {
    VerifierKey peter = TestVectors.vkey("peterneumann");
    assertThat(KeyId.of("PeterNeumann", peter.publicKey()).hex()).isEqualTo("c74f20a3");
    assertThat(KeyId.of("PeterNeumann", peter.publicKey()).asInt()).isEqualTo(0xc74f20a3);
    VerifierKey foo = TestVectors.vkey("c2sp-example");
    assertThat(KeyId.of("example.com/foo", foo.publicKey()).toString()).isEqualTo("530d903a");
  }

  @Test
  void dependsOnTheName() {
    byte[] pk = TestVectors.vkey("peterneumann").publicKey();
    assertThat(KeyId.of("PeterNeumann2", pk)).isNotEqualTo(KeyId.of("PeterNeumann", pk));
  }

  @Test
  void hexRoundTripAndEquality() throws Exception {
    KeyId id = KeyId.fromHex("00ff10a3");
    assertThat(id.hex()).isEqualTo("00ff10a3");
    assertThat(id.asInt()).isEqualTo(0x00ff10a3);
    assertThat(id).isEqualTo(KeyId.fromHex("00ff10a3")).hasSameHashCodeAs(KeyId.fromHex("00ff10a3"));
    byte[] b = new byte[4];
    id.writeTo(b, 0);
    assertThat(KeyId.fromBytes(b, 0)).isEqualTo(id);
  }

  @Test
  void fromHexIsStrict() {
    for (String bad : new String[] {"C74F20A3", "c74f20a", "c74f20a30", "+74f20a3", "c74f20ag", ""}) {
      assertThatThrownBy(() -> KeyId.fromHex(bad))
          .as(bad)
          .isInstanceOf(FormatException.class)
          .hasMessage("key ID must be 8 lowercase hex digits");
    }
  }

  @Test
  void rejectsWrongKeyLength() {
    assertThatThrownBy(() -> KeyId.of("n", new byte[33]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes, got 33");
  }
}
