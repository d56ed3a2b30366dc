package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  static final String NAME = "log.example/keyfiles";
  static final String PASSPHRASE = "correct horse battery staple";
  /** RFC 8032 §7.1 TEST 1 secret key: a published value, so leaking it in a test is harmless. */
  static final byte[] SEED =
      HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

  static final ASN1ObjectIdentifier ID_SCRYPT = new ASN1ObjectIdentifier("1.3.6.1.4.1.11591.4.11");

  @TempDir Path dir;
  Ed25519Signer key;

  @BeforeEach
  void setUp() {
    key = Ed25519Signer.fromSeed(NAME, SEED);
  }

  static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  // ------------------------------------------------------------------ round trips

  @Test
  void unencryptedRoundTripIsRfc8410Pkcs8() throws Exception {
    Path f = dir.resolve("k.pem");
    KeyFiles.writePrivateKey(f, key, null);
    String pem = Files.readString(f);
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    // RFC 8410 §10.3: SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }
    assertThat(HexFormat.of().formatHex(der))
        .isEqualTo("302e020100300506032b657004220420" + HexFormat.of().formatHex(SEED));
    Ed25519Signer back = KeyFiles.readPrivateKey(f, NAME, null, false);
    assertThat(back.verifierKey()).isEqualTo(key.verifierKey());
    assertThat(back.sign(new byte[] {1})).isEqualTo(key.sign(new byte[] {1}));
  }

  @Test
  void encryptedRoundTripUsesPbes2ScryptAes256Cbc() throws Exception {
    Path f = dir.resolve("k.pem");
    KeyFiles.writePrivateKey(f, key, PASSPHRASE.toCharArray());
    String pem = Files.readString(f);
    assertThat(pem).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n");
    assertThat(pem).doesNotContain(Base64.getEncoder().encodeToString(SEED).substring(0, 16));
    PKCS8EncryptedPrivateKeyInfo info = new PKCS8EncryptedPrivateKeyInfo(pemDer(pem));
    assertThat(info.getEncryptionAlgorithm().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.id_PBES2);
    PBES2Parameters p = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
    assertThat(p.getKeyDerivationFunc().getAlgorithm()).isEqualTo(ID_SCRYPT);
    ASN1Sequence scrypt = ASN1Sequence.getInstance(p.getKeyDerivationFunc().getParameters());
    assertThat(ASN1Integer.getInstance(scrypt.getObjectAt(1)).intValueExact()).isEqualTo(1 << 14);
    assertThat(ASN1Integer.getInstance(scrypt.getObjectAt(2)).intValueExact()).isEqualTo(8);
    assertThat(ASN1Integer.getInstance(scrypt.getObjectAt(3)).intValueExact()).isEqualTo(1);
    assertThat(p.getEncryptionScheme().getAlgorithm().getId()).isEqualTo("2.16.840.1.101.3.4.1.42");

    Ed25519Signer back = KeyFiles.readPrivateKey(f, NAME, PASSPHRASE.toCharArray(), false);
    assertThat(back.verifierKey()).isEqualTo(key.verifierKey());
  }

  @Test
  void writtenKeyIsExactlyOwnerReadWrite() throws Exception {
    assumeTrue(posix(), "POSIX file permissions");
    Path plain = dir.resolve("plain.pem");
    Path enc = dir.resolve("enc.pem");
    KeyFiles.writePrivateKey(plain, key, null);
    KeyFiles.writePrivateKey(enc, key, PASSPHRASE.toCharArray());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(enc))).isEqualTo("rw-------");
  }

  @Test
  void unencryptedKeyReadWithAPassphraseIsFine() throws Exception {
    Path f = dir.resolve("k.pem");
    KeyFiles.writePrivateKey(f, key, null);
    assertThat(KeyFiles.readPrivateKey(f, NAME, "unused".toCharArray(), false).verifierKey())
        .isEqualTo(key.verifierKey());
  }

  // ------------------------------------------------------------------ refusals

  @Test
  void refusesToOverwrite() throws Exception {
    Path f = dir.resolve("k.pem");
    Files.writeString(f, "keep me");
    assertThatThrownBy(() -> KeyFiles.writePrivateKey(f, key, null))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file already exists: " + f);
    assertThat(Files.readString(f)).isEqualTo("keep me");
    assertThatThrownBy(() -> KeyFiles.writePublicKey(f, key.verifierKey()))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file already exists: " + f);
  }

  @Test
  void refusesGroupOrWorldAccessibleKey() throws Exception {
    assumeTrue(posix(), "POSIX file permissions");
    Path f = dir.resolve("k.pem");
    KeyFiles.writePrivateKey(f, key, null);
    for (String perms : List.of("rw-r--r--", "rw-r-----", "rw----r--", "rw--w----")) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
      assertThatThrownBy(() -> KeyFiles.readPrivateKey(f, NAME, null, false))
          .isInstanceOf(KeyException.class)
          .hasMessage(
              "key file " + f + " is accessible by group or others (" + perms + "); run chmod 600 " + f);
    }
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(KeyFiles.readPrivateKey(f, NAME, null, true).verifierKey()).isEqualTo(key.verifierKey());
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
    assertThat(KeyFiles.readPrivateKey(f, NAME, null, false).verifierKey()).isEqualTo(key.verifierKey());
  }

  @Test
  void wrongPassphrase() throws Exception {
    Path f = dir.resolve("k.pem");
    KeyFiles.writePrivateKey(f, key, PASSPHRASE.toCharArray());
    assertThatThrownBy(() -> KeyFiles.readPrivateKey(f, NAME, "Correct horse battery staple".toCharArray(), false))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file " + f + ": wrong passphrase or corrupt key file");
  }

  @Test
  void encryptedKeyWithoutPassphrase() throws Exception {
    Path f = dir.resolve("k.pem");
    KeyFiles.writePrivateKey(f, key, PASSPHRASE.toCharArray());
    assertThatThrownBy(() -> KeyFiles.readPrivateKey(f, NAME, null, false))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file " + f + ": key is encrypted; a passphrase is required");
  }

  @Test
  void emptyPassphraseIsRefusedForWriting() {
    assertThatThrownBy(() -> KeyFiles.writePrivateKey(dir.resolve("k.pem"), key, new char[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("passphrase must not be empty; pass null for an unencrypted key file");
    assertThat(dir.resolve("k.pem")).doesNotExist();
  }

  @Test
  void missingFile() {
    Path f = dir.resolve("nope.pem");
    assertThatThrownBy(() -> KeyFiles.readPrivateKey(f, NAME, null, false))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file not found: " + f);
    assertThatThrownBy(() -> KeyFiles.readPrivateKey(f, NAME, null, true))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file not found: " + f);
    assertThatThrownBy(() -> KeyFiles.readVerifierKey(f))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file not found: " + f);
  }

  @Test
  void corruptFiles() throws Exception {
    Path good = dir.resolve("good.pem");
    KeyFiles.writePrivateKey(good, key, null);
    String pem = Files.readString(good);

    assertReadFails("hello, I am not a key\n", "key file %s is not a PEM file (no BEGIN line)");
    assertReadFails(pem.substring(0, pem.indexOf("-----END")), "key file %s is not a PEM file (no END line)");
    assertReadFails(pem.replaceFirst("MC4CAQ", "MC4C*Q"), "key file %s is not a PEM file (bad base64)");
    assertReadFails(
        pem("PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}),
        "key file %s is corrupt (not a PKCS#8 private key)");
    assertReadFails(
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n",
        "key file %s uses legacy PEM encryption; convert it to PKCS#8");
    // A seed of 31 bytes inside an otherwise well-formed Ed25519 PKCS#8 structure.
    byte[] shortSeed = HexFormat.of().parseHex("302d020100300506032b65700421041f" + "00".repeat(31));
    assertReadFails(pem("PRIVATE KEY", shortSeed), "key file %s is corrupt (Ed25519 key is not 32 bytes)");
  }

  @Test
  void corruptEncryptedFile() throws Exception {
    Path f = dir.resolve("k.pem");
    KeyFiles.writePrivateKey(f, key, PASSPHRASE.toCharArray());
    byte[] der = pemDer(Files.readString(f));
    der[der.length - 20] ^= 0x01; // inside the ciphertext
    Path bad = write("bad.pem", pem("ENCRYPTED PRIVATE KEY", der));
    assertThatThrownBy(() -> KeyFiles.readPrivateKey(bad, NAME, PASSPHRASE.toCharArray(), false))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file " + bad + ": wrong passphrase or corrupt key file");
  }

  /** A hostile file must not be able to demand gigabytes of scrypt memory. */
  @Test
  void refusesExcessiveScryptCost() throws Exception {
    Path f = dir.resolve("k.pem");
    KeyFiles.writePrivateKey(f, key, PASSPHRASE.toCharArray());
    PKCS8EncryptedPrivateKeyInfo info = new PKCS8EncryptedPrivateKeyInfo(pemDer(Files.readString(f)));
    PBES2Parameters p = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
    ASN1Sequence scrypt = ASN1Sequence.getInstance(p.getKeyDerivationFunc().getParameters());
    ASN1EncodableVector v = new ASN1EncodableVector();
    v.add(scrypt.getObjectAt(0));
    v.add(new ASN1Integer(1L << 24));
    for (int i = 2; i < scrypt.size(); i++) {
      v.add(scrypt.getObjectAt(i));
    }
    PBES2Parameters huge =
        new PBES2Parameters(new KeyDerivationFunc(ID_SCRYPT, new DERSequence(v)), p.getEncryptionScheme());
    byte[] der =
        new EncryptedPrivateKeyInfo(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, huge), info.getEncryptedData())
            .getEncoded();
    Path bad = write("huge.pem", pem("ENCRYPTED PRIVATE KEY", der));
    assertThatThrownBy(() -> KeyFiles.readPrivateKey(bad, NAME, PASSPHRASE.toCharArray(), false))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file " + bad + ": scrypt parameters are unreasonably large");
  }

  @Test
  void wrongKeyTypes() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    byte[] p256 = ec.generateKeyPair().getPrivate().getEncoded(); // PKCS#8
    assertReadFails(pem("PRIVATE KEY", p256), "key file %s does not hold an Ed25519 key (algorithm OID 1.2.840.10045.2.1)");

    byte[] x25519 = KeyPairGenerator.getInstance("X25519").generateKeyPair().getPrivate().getEncoded();
    assertReadFails(pem("PRIVATE KEY", x25519), "key file %s does not hold an Ed25519 key (algorithm OID 1.3.101.110)");

    assertReadFails(
        pem("EC PRIVATE KEY", new byte[] {0x30, 0x00}),
        "key file %s does not hold an Ed25519 key in PKCS#8 (PEM type \"EC PRIVATE KEY\"; expected PRIVATE KEY or ENCRYPTED PRIVATE KEY)");
    assertReadFails(
        pem("PUBLIC KEY", new byte[] {0x30, 0x00}),
        "key file %s does not hold an Ed25519 key in PKCS#8 (PEM type \"PUBLIC KEY\"; expected PRIVATE KEY or ENCRYPTED PRIVATE KEY)");
  }

  private void assertReadFails(String content, String messageFormat) throws IOException {
    Path f = write("case-" + Integer.toHexString(content.hashCode()) + ".pem", content);
    assertThatThrownBy(() -> KeyFiles.readPrivateKey(f, NAME, null, false))
        .isInstanceOf(KeyException.class)
        .hasMessage(String.format(messageFormat, f));
  }

  // ------------------------------------------------------------------ public keys

  @Test
  void publicKeyFileRoundTrip() throws Exception {
    Path f = dir.resolve("k.vkey");
    KeyFiles.writePublicKey(f, key.verifierKey());
    assertThat(Files.readString(f)).isEqualTo(key.verifierKey() + "\n");
    assertThat(KeyFiles.readVerifierKey(f)).isEqualTo(key.verifierKey());
    assertThat(KeyFiles.readVerifierKey(f, NAME)).isEqualTo(key.verifierKey());
    assertThatThrownBy(() -> KeyFiles.readVerifierKey(f, "other"))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file " + f + " holds key \"" + NAME + "\", expected \"other\"");
    Path crlf = write("crlf.vkey", key.verifierKey() + "\r\n");
    assertThat(KeyFiles.readVerifierKey(crlf)).isEqualTo(key.verifierKey());
    Path bare = write("bare.vkey", key.verifierKey().toString());
    assertThat(KeyFiles.readVerifierKey(bare)).isEqualTo(key.verifierKey());
  }

  @Test
  void badPublicKeyFiles() throws Exception {
    Path two = write("two.vkey", key.verifierKey() + "\n\n");
    assertThatThrownBy(() -> KeyFiles.readVerifierKey(two))
        .isInstanceOf(KeyException.class)
        .hasMessageStartingWith("key file " + two + ": verifier key: ");
    Path wrongId = write("id.vkey", key.verifierKey().toString().replace("+" + key.verifierKey().keyId() + "+", "+00000000+") + "\n");
    assertThatThrownBy(() -> KeyFiles.readVerifierKey(wrongId))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file " + wrongId + ": verifier key: key ID 00000000 does not match the key (expected " + key.verifierKey().keyId() + ")");
    Path pemFile = write("pub.pem", pem("PUBLIC KEY", spki(key.verifierKey().publicKey())));
    assertThatThrownBy(() -> KeyFiles.readVerifierKey(pemFile))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file " + pemFile + " holds a PEM key; pass the key name to read it");
  }

  @Test
  void subjectPublicKeyInfoPem() throws Exception {
    Path f = write("pub.pem", pem("PUBLIC KEY", spki(key.verifierKey().publicKey())));
    assertThat(KeyFiles.readVerifierKey(f, NAME)).isEqualTo(key.verifierKey());

    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    Path p256 = write("p256.pem", pem("PUBLIC KEY", ec.generateKeyPair().getPublic().getEncoded()));
    assertThatThrownBy(() -> KeyFiles.readVerifierKey(p256, NAME))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file " + p256 + " does not hold an Ed25519 key (algorithm OID 1.2.840.10045.2.1)");
    Path priv = dir.resolve("priv.pem");
    KeyFiles.writePrivateKey(priv, key, null);
    assertThatThrownBy(() -> KeyFiles.readVerifierKey(priv, NAME))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file " + priv + " does not hold a public key (PEM type \"PRIVATE KEY\")");
  }

  // ------------------------------------------------------------------ no secrets in messages

  @Test
  void noMessageOrToStringRevealsSeedOrPassphrase() throws Exception {
    List<Throwable> failures = new ArrayList<>();
    Path enc = dir.resolve("enc.pem");
    KeyFiles.writePrivateKey(enc, key, PASSPHRASE.toCharArray());
    Path plain = dir.resolve("plain.pem");
    KeyFiles.writePrivateKey(plain, key, null);
    String plainPem = Files.readString(plain);
    String encPem = Files.readString(enc);

    collect(failures, () -> KeyFiles.readPrivateKey(enc, NAME, (PASSPHRASE + "!").toCharArray(), false));
    collect(failures, () -> KeyFiles.readPrivateKey(enc, NAME, null, false));
    collect(failures, () -> KeyFiles.writePrivateKey(enc, key, PASSPHRASE.toCharArray()));
    collect(failures, () -> KeyFiles.writePrivateKey(plain, key, null));
    collect(failures, () -> KeyFiles.readVerifierKey(plain));
    collect(failures, () -> KeyFiles.readVerifierKey(plain, NAME));
    collect(failures, () -> KeyFiles.readPrivateKey(write("t.pem", plainPem.substring(0, 60)), NAME, null, false));
    collect(failures, () -> KeyFiles.readPrivateKey(write("u.pem", plainPem.replace("PRIVATE KEY", "EC PRIVATE KEY")), NAME, null, false));
    collect(failures, () -> KeyFiles.readPrivateKey(write("v.pem", encPem.replace("MI", "MJ")), NAME, PASSPHRASE.toCharArray(), false));
    collect(failures, () -> KeyFiles.readVerifierKey(write("w.vkey", plainPem.lines().skip(1).findFirst().orElseThrow())));
    if (posix()) {
      Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-rw-rw-"));
      collect(failures, () -> KeyFiles.readPrivateKey(plain, NAME, null, false));
    }
    assertThat(failures).hasSizeGreaterThanOrEqualTo(10);

    List<String> secrets = new ArrayList<>(List.of(
        PASSPHRASE,
        HexFormat.of().formatHex(SEED),
        Base64.getEncoder().encodeToString(SEED).substring(0, 12)));
    plainPem.lines().filter(l -> !l.startsWith("-----")).forEach(l -> secrets.add(l.substring(16)));
    for (Throwable t : failures) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        String text = c + " " + c.getMessage();
        for (String s : secrets) {
          assertThat(text).as("message of %s", c.getClass()).doesNotContain(s);
        }
      }
    }
    for (String s : secrets) {
      assertThat(key.toString()).doesNotContain(s);
      assertThat(key.verifierKey().toString()).doesNotContain(s);
    }
  }

  private interface Failing {
    void run() throws Exception;
  }

  private static void collect(List<Throwable> into, Failing f) {
    try {
      f.run();
    } catch (Exception e) {
      assertThat(e).isInstanceOf(KeyException.class);
      into.add(e);
      return;
    }
    throw new AssertionError("expected a failure");
  }

  // ------------------------------------------------------------------ OpenSSL interop

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void opensslReadsOurKeys() throws Exception {
    assumeTrue(opensslAvailable(), "openssl on PATH");
    Path plain = dir.resolve("plain.pem");
    Path enc = dir.resolve("enc.pem");
    KeyFiles.writePrivateKey(plain, key, null);
    KeyFiles.writePrivateKey(enc, key, "pässwörd ✓".toCharArray());

    Path pub1 = dir.resolve("pub1.pem");
    openssl("pkey", "-in", plain.toString(), "-pubout", "-out", pub1.toString());
    assertThat(KeyFiles.readVerifierKey(pub1, NAME)).isEqualTo(key.verifierKey());

    Path pub2 = dir.resolve("pub2.pem");
    openssl("pkey", "-in", enc.toString(), "-passin", "pass:pässwörd ✓", "-pubout", "-out", pub2.toString());
    assertThat(KeyFiles.readVerifierKey(pub2, NAME)).isEqualTo(key.verifierKey());

    // OpenSSL re-encodes our key identically: same PKCS#8 bytes.
    Path again = dir.resolve("again.pem");
    openssl("pkey", "-in", enc.toString(), "-passin", "pass:pässwörd ✓", "-out", again.toString());
    assertThat(Files.readString(again)).isEqualTo(Files.readString(plain));
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void weReadOpensslKeys() throws Exception {
    assumeTrue(opensslAvailable(), "openssl on PATH");
    Path k = dir.resolve("openssl.pem");
    openssl("genpkey", "-algorithm", "ed25519", "-out", k.toString());
    Path pub = dir.resolve("openssl.pub");
    openssl("pkey", "-in", k.toString(), "-pubout", "-out", pub.toString());
    chmod600(k);
    VerifierKey expected = KeyFiles.readVerifierKey(pub, NAME);
    assertThat(KeyFiles.readPrivateKey(k, NAME, null, false).verifierKey()).isEqualTo(expected);

    Path scrypt = dir.resolve("scrypt.pem");
    openssl("pkcs8", "-topk8", "-scrypt", "-in", k.toString(), "-out", scrypt.toString(), "-passout", "pass:" + PASSPHRASE);
    chmod600(scrypt);
    assertThat(KeyFiles.readPrivateKey(scrypt, NAME, PASSPHRASE.toCharArray(), false).verifierKey()).isEqualTo(expected);

    Path pbkdf2 = dir.resolve("pbkdf2.pem");
    openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", k.toString(), "-out", pbkdf2.toString(), "-passout", "pass:" + PASSPHRASE);
    chmod600(pbkdf2);
    assertThat(KeyFiles.readPrivateKey(pbkdf2, NAME, PASSPHRASE.toCharArray(), false).verifierKey()).isEqualTo(expected);
    assertThatThrownBy(() -> KeyFiles.readPrivateKey(pbkdf2, NAME, "nope".toCharArray(), false))
        .hasMessage("key file " + pbkdf2 + ": wrong passphrase or corrupt key file");

    Path ec = dir.resolve("ec.pem");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec.toString());
    chmod600(ec);
    assertThatThrownBy(() -> KeyFiles.readPrivateKey(ec, NAME, null, false))
        .isInstanceOf(KeyException.class)
        .hasMessage("key file " + ec + " does not hold an Ed25519 key (algorithm OID 1.2.840.10045.2.1)");
  }

  static boolean opensslAvailable() {
    try {
      Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("openssl %s: %s", args[0], out).isZero();
  }

  private static void chmod600(Path f) throws IOException {
    if (posix()) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    }
  }

  // ------------------------------------------------------------------ helpers

  private Path write(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    chmod600(f);
    return f;
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  static byte[] pemDer(String pem) {
    return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
  }

  /** RFC 8410 §4 SubjectPublicKeyInfo for a raw Ed25519 key. */
  static byte[] spki(byte[] publicKey) {
    return HexFormat.of().parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(publicKey));
  }
}
