package dev.lineageledger.keyvault.testing;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed TLS certificate for 127.0.0.1 / ::1 / localhost, generated at run time (never
 * committed), with the server and client SSL contexts and a PKCS#12 trust store file for child
 * processes ({@code -Djavax.net.ssl.trustStore=...}).
 */
public final class TestCertificate {
  public static final char[] TRUST_STORE_PASSWORD = "changeit".toCharArray();

  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private TestCertificate(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  public static TestCertificate generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair kp = g.generateKeyPair();
      X500Name subject = new X500Name("CN=Key Vault emulator (test only)");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
          new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
          Date.from(now.plus(Duration.ofDays(1))), subject, kp.getPublic());
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
          new GeneralName(GeneralName.iPAddress, "::1"),
          new GeneralName(GeneralName.dNSName, "localhost")}));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      return new TestCertificate(kp, cert);
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate the test certificate", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** For the emulator's HTTPS server. */
  public SSLContext serverContext() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", keyPair.getPrivate(), TRUST_STORE_PASSWORD,
          new X509Certificate[] {certificate});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, TRUST_STORE_PASSWORD);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client context trusting only this certificate. */
  public SSLContext clientContext() {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private KeyStore trustStore() throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("kv-emulator", certificate);
    return ts;
  }

  /** Writes a PKCS#12 trust store holding only this certificate (password {@code changeit}). */
  public Path writeTrustStore(Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      trustStore().store(out, TRUST_STORE_PASSWORD);
      return file;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
