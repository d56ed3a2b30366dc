package dev.lineageledger.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A TLS key store from PEM files: a certificate chain (leaf first) and a PKCS#8 private key. */
public final class PemKeyStore {
  private static final Pattern PKCS8 = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private PemKeyStore() {}

  /** Builds an in-memory PKCS#12 store; the key entry is protected by {@code password}. */
  public static KeyStore load(Path certChain, Path pkcs8Key, char[] password)
      throws IOException, GeneralSecurityException {
    List<? extends Certificate> chain;
    try (InputStream in = Files.newInputStream(certChain)) {
      chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException(certChain + " holds no PEM certificate");
    }
    String pem = Files.readString(pkcs8Key, StandardCharsets.US_ASCII);
    Matcher m = PKCS8.matcher(pem);
    if (!m.find()) {
      throw new GeneralSecurityException(pkcs8Key
          + " is not an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----); convert with"
          + " openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1));
    PrivateKey key = null;
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        key = KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
        break;
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    java.util.Arrays.fill(der, (byte) 0);
    if (key == null) {
      throw new GeneralSecurityException(pkcs8Key + " holds no RSA, EC or Ed25519 private key");
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
    return ks;
  }
}
