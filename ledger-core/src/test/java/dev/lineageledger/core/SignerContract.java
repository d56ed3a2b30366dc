package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link Signer} must meet. Subclass it for each implementation (in-memory,
 * KMS, HSM) and provide {@link #newSigner()}.
 */
abstract class SignerContract {
  /** A fresh signer whose key name is {@code "contract.example/key"}. */
  abstract Signer newSigner() throws Exception;

  @Test
  void signatureIs64BytesAndVerifiesWithItsVerifierKey() throws Exception {
    Signer s = newSigner();
    byte[] msg = "checkpoint body\n".getBytes(StandardCharsets.UTF_8);
    byte[] sig = s.sign(msg);
    assertThat(sig).hasSize(64);
    s.verifierKey().verify(msg, sig);
  }

  @Test
  void signatureDoesNotVerifyForAnotherMessage() throws Exception {
    Signer s = newSigner();
    byte[] sig = s.sign(new byte[] {1, 2, 3});
    assertThatThrownBy(() -> s.verifierKey().verify(new byte[] {1, 2, 4}, sig))
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void signsEmptyAndLargeMessages() throws Exception {
    Signer s = newSigner();
    byte[] large = new byte[1 << 20];
    s.verifierKey().verify(new byte[0], s.sign(new byte[0]));
    s.verifierKey().verify(large, s.sign(large));
  }

  @Test
  void doesNotModifyTheMessage() throws Exception {
    byte[] msg = {9, 8, 7};
    newSigner().sign(msg);
    assertThat(msg).containsExactly(9, 8, 7);
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void isThreadSafe() throws Exception {
    Signer s = newSigner();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[][]>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int id = t;
        results.add(
            pool.submit(
                () -> {
                  byte[] msg = ("message " + id).getBytes(StandardCharsets.UTF_8);
                  byte[] sig = null;
                  for (int i = 0; i < 50; i++) {
                    sig = s.sign(msg);
                  }
                  return new byte[][] {msg, sig};
                }));
      }
      for (Future<byte[][]> f : results) {
        byte[][] r = f.get();
        s.verifierKey().verify(r[0], r[1]);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void canSignANote() throws Exception {
    Signer s = newSigner();
    SignedNote n = SignedNote.sign("hello\n", List.of(s));
    assertThat(n.verify(List.of(s.verifierKey()))).containsExactly(s.verifierKey());
  }
}
