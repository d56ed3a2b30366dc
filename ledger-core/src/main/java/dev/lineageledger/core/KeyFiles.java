package dev.lineageledger.core;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.util.ScryptConfig;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfoBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * Reads and writes key files.
 *
 * <p>Private keys are PKCS#8 PEM (RFC 5958 / RFC 7468 §10-11) holding an RFC 8410 Ed25519 key,
 * the format {@code openssl genpkey -algorithm ed25519} writes and {@code openssl pkey} reads.
 * With a passphrase the key is encrypted as PKCS#8 {@code EncryptedPrivateKeyInfo} with PBES2
 * (RFC 8018 §6.2): scrypt (RFC 7914 §7, N=2^{@value #SCRYPT_LOG_N}, r=8, p=1, 16-byte salt) and
 * AES-256-CBC. Private key files are created owner-only (POSIX {@code rw-------}) at creation
 * time, never overwritten, and refused on reading when group or others can access them.
 *
 * <p>Public key files hold a single line: the C2SP verifier key ({@link VerifierKey#toString()}).
 * {@link #readVerifierKey(Path, String)} also reads an X.509 {@code SubjectPublicKeyInfo} PEM
 * ({@code -----BEGIN PUBLIC KEY-----}, as {@code openssl pkey -pubout} writes).
 *
 * <p>No exception message contains key material or a passphrase.
 */
public final class KeyFiles {
  /**
   * log2 of the scrypt cost N. 2^15 with r=8 needs 32 MiB, just over OpenSSL 3's default scrypt
   * memory limit for decryption; 2^14 (what {@code openssl pkcs8 -scrypt} writes) keeps the files
   * readable by {@code openssl pkey}.
   */
  static final int SCRYPT_LOG_N = 14;

  private static final int SCRYPT_R = 8;
  private static final int SCRYPT_P = 1;
  private static final int SALT_BYTES = 16;

  /**
   * Upper bounds on a key file's KDF cost, so that a hostile file cannot make reading take
   * minutes or gigabytes: scrypt needs 128·N·r bytes and N·r·p work (RFC 7914 §2).
   */
  private static final int MAX_SCRYPT_LOG_N = 20;

  private static final int MAX_SCRYPT_LOG_NRP = 24;

  private static final int MAX_PBKDF2_ITERATIONS = 10_000_000;

  /** Key files are small; reading stops well before memory is at risk. */
  private static final int MAX_KEY_FILE_BYTES = 64 * 1024;

  /** id-scrypt, RFC 7914 §7. */
  private static final ASN1ObjectIdentifier ID_SCRYPT =
      new ASN1ObjectIdentifier("1.3.6.1.4.1.11591.4.11");

  /** RFC 8410 §7: the DER prefix of a v1 PKCS#8 Ed25519 key, followed by the 32-byte seed. */
  private static final byte[] PKCS8_ED25519_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };

  private static final String PRIVATE_KEY = "PRIVATE KEY";
  private static final String ENCRYPTED_PRIVATE_KEY = "ENCRYPTED PRIVATE KEY";
  private static final String PUBLIC_KEY = "PUBLIC KEY";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private KeyFiles() {}

  /** BouncyCastle as a private provider instance: scrypt is not in the JDK, and we do not
   * register providers globally on behalf of the host application. */
  private static final class Bc {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }

  // ---------------------------------------------------------------- private keys

  /**
   * Writes {@code key} to a new file, owner-only (POSIX {@code rw-------}) from the moment it
   * exists. On a file system without POSIX permissions the file gets that file system's default
   * access control; keep such keys in a directory only the owner can read.
   *
   * @param passphraseOrNull {@code null} for an unencrypted PKCS#8 file; otherwise a non-empty
   *     passphrase for PBES2 (scrypt + AES-256-CBC). Not retained or wiped by this method.
   * @throws KeyException if the file already exists ("key file already exists: PATH") or cannot
   *     be written
   */
  public static void writePrivateKey(Path file, Ed25519Signer key, char[] passphraseOrNull)
      throws KeyException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(key, "key");
    if (passphraseOrNull != null && passphraseOrNull.length == 0) {
      throw new IllegalArgumentException(
          "passphrase must not be empty; pass null for an unencrypted key file");
    }
    byte[] seed = key.seed();
    byte[] der = new byte[PKCS8_ED25519_PREFIX.length + seed.length];
    byte[] pem = null;
    try {
      System.arraycopy(PKCS8_ED25519_PREFIX, 0, der, 0, PKCS8_ED25519_PREFIX.length);
      System.arraycopy(seed, 0, der, PKCS8_ED25519_PREFIX.length, seed.length);
      if (passphraseOrNull == null) {
        pem = pem(PRIVATE_KEY, der);
      } else {
        pem = pem(ENCRYPTED_PRIVATE_KEY, encrypt(der, passphraseOrNull));
      }
      createNew(file, pem, true);
    } finally {
      Arrays.fill(seed, (byte) 0);
      Arrays.fill(der, (byte) 0);
      if (pem != null) {
        Arrays.fill(pem, (byte) 0);
      }
    }
  }

  private static byte[] encrypt(byte[] pkcs8, char[] passphrase) throws KeyException {
    try {
      OutputEncryptor encryptor =
          new JcePKCSPBEOutputEncryptorBuilder(
                  new ScryptConfig.Builder(1 << SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
                      .withSaltLength(SALT_BYTES)
                      .build(),
                  NISTObjectIdentifiers.id_aes256_CBC)
              .setProvider(Bc.PROVIDER)
              .setRandom(new SecureRandom())
              .build(passphrase);
      return new PKCS8EncryptedPrivateKeyInfoBuilder(pkcs8).build(encryptor).getEncoded();
    } catch (OperatorCreationException | IOException | RuntimeException e) {
      throw new KeyException("cannot encrypt private key: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Reads an Ed25519 private key written by {@link #writePrivateKey} or by OpenSSL (PKCS#8,
   * plain or PBES2-encrypted with scrypt or PBKDF2).
   *
   * @param name the key name for signed notes (PKCS#8 has no place for it)
   * @param passphraseOrNull required for an encrypted file; ignored for an unencrypted one
   * @param allowInsecurePermissions read the file even if group or others may access it. Off by
   *     default for a reason: such a key must be considered leaked.
   * @throws KeyException with a one-line reason: missing file, unsafe permissions, not PEM, not
   *     an Ed25519 key, encrypted without a passphrase, wrong passphrase or corrupt file
   */
  public static Ed25519Signer readPrivateKey(
      Path file, String name, char[] passphraseOrNull, boolean allowInsecurePermissions)
      throws KeyException {
    Objects.requireNonNull(file, "file");
    if (VerifierKey.nameProblem(name) != null) {
      throw new IllegalArgumentException(VerifierKey.nameProblem(name));
    }
    if (!allowInsecurePermissions) {
      checkOwnerOnly(file);
    }
    byte[] data = readSmallFile(file);
    Pem pem = null;
    byte[] pkcs8 = null;
    byte[] seed = null;
    try {
      pem = Pem.parse(data, file);
      switch (pem.label) {
        case PRIVATE_KEY:
          pkcs8 = pem.der;
          break;
        case ENCRYPTED_PRIVATE_KEY:
          if (passphraseOrNull == null) {
            throw new KeyException(
                "key file " + file + ": key is encrypted; a passphrase is required");
          }
          pkcs8 = decrypt(pem.der, passphraseOrNull, file);
          break;
        default:
          throw new KeyException(
              "key file "
                  + file
                  + " does not hold an Ed25519 key in PKCS#8 (PEM type \""
                  + pem.label
                  + "\"; expected PRIVATE KEY or ENCRYPTED PRIVATE KEY)");
      }
      seed = ed25519Seed(pkcs8, "key file " + file);
      return Ed25519Signer.fromSeed(name, seed);
    } finally {
      Arrays.fill(data, (byte) 0);
      if (pem != null) {
        Arrays.fill(pem.der, (byte) 0);
      }
      if (pkcs8 != null) {
        Arrays.fill(pkcs8, (byte) 0);
      }
      if (seed != null) {
        Arrays.fill(seed, (byte) 0);
      }
    }
  }

  private static byte[] decrypt(byte[] der, char[] passphrase, Path file) throws KeyException {
    try {
      PKCS8EncryptedPrivateKeyInfo info = new PKCS8EncryptedPrivateKeyInfo(der);
      checkKdfCost(info.getEncryptionAlgorithm(), file);
      PrivateKeyInfo pki =
          info.decryptPrivateKeyInfo(
              new JcePKCSPBEInputDecryptorProviderBuilder()
                  .setProvider(Bc.PROVIDER)
                  .build(passphrase));
      return pki.getEncoded();
    } catch (KeyException e) {
      throw e;
    } catch (PKCSException | IOException | RuntimeException e) {
      // With CBC padding a wrong passphrase and a damaged file look the same; do not guess.
      throw new KeyException("key file " + file + ": wrong passphrase or corrupt key file", e);
    }
  }

  /** Refuses KDF parameters far above anything a sane writer uses (a CPU/memory DoS). */
  private static void checkKdfCost(AlgorithmIdentifier alg, Path file) throws KeyException {
    if (!PKCSObjectIdentifiers.id_PBES2.equals(alg.getAlgorithm())) {
      return; // PBES1/PKCS#12 schemes: BouncyCastle bounds those itself or rejects them
    }
    PBES2Parameters params = PBES2Parameters.getInstance(alg.getParameters());
    ASN1ObjectIdentifier kdf = params.getKeyDerivationFunc().getAlgorithm();
    ASN1Encodable kdfParams = params.getKeyDerivationFunc().getParameters();
    if (ID_SCRYPT.equals(kdf)) {
      // ScryptParams ::= SEQUENCE { salt, costParameter, blockSize, parallelizationParameter, ..}
      ASN1Sequence seq = ASN1Sequence.getInstance(kdfParams);
      BigInteger n = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
      BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(2)).getValue();
      BigInteger p = ASN1Integer.getInstance(seq.getObjectAt(3)).getValue();
      if (n.bitLength() > MAX_SCRYPT_LOG_N + 1
          || r.bitLength() > 6
          || p.bitLength() > 6
          || n.multiply(r).multiply(p).bitLength() > MAX_SCRYPT_LOG_NRP + 1) {
        throw new KeyException("key file " + file + ": scrypt parameters are unreasonably large");
      }
    } else if (PKCSObjectIdentifiers.id_PBKDF2.equals(kdf)) {
      BigInteger iterations = PBKDF2Params.getInstance(kdfParams).getIterationCount();
      if (iterations.compareTo(BigInteger.valueOf(MAX_PBKDF2_ITERATIONS)) > 0) {
        throw new KeyException(
            "key file " + file + ": PBKDF2 iteration count is unreasonably large");
      }
    }
  }

  /** Extracts the 32-byte seed from a PKCS#8 Ed25519 key (RFC 8410 §7). */
  private static byte[] ed25519Seed(byte[] pkcs8, String where) throws KeyException {
    PrivateKeyInfo info;
    ASN1Encodable inner;
    try {
      info = PrivateKeyInfo.getInstance(pkcs8);
    } catch (RuntimeException e) {
      throw new KeyException(where + " is corrupt (not a PKCS#8 private key)", e);
    }
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    if (!EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
      throw new KeyException(
          where + " does not hold an Ed25519 key (algorithm OID " + oid + ")");
    }
    try {
      inner = info.parsePrivateKey();
    } catch (IOException | RuntimeException e) {
      throw new KeyException(where + " is corrupt (bad Ed25519 private key)", e);
    }
    if (!(inner instanceof ASN1OctetString octets) || octets.getOctets().length != 32) {
      throw new KeyException(where + " is corrupt (Ed25519 key is not 32 bytes)");
    }
    byte[] seed = octets.getOctets();
    if (info.hasPublicKey()) {
      // RFC 8410 §7 / RFC 5958 v2 files may carry the public key; it must match the seed.
      byte[] derived = new byte[VerifierKey.PUBLIC_KEY_SIZE];
      org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, derived, 0);
      if (!MessageDigest.isEqual(derived, info.getPublicKeyData().getOctets())) {
        Arrays.fill(seed, (byte) 0);
        throw new KeyException(
            where + " is corrupt (public key does not match private key)");
      }
    }
    return seed;
  }

  private static void checkOwnerOnly(Path file) throws KeyException {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: nothing we can check portably
    } catch (NoSuchFileException e) {
      throw new KeyException("key file not found: " + file, e);
    } catch (IOException e) {
      throw new KeyException("cannot read key file " + file + ": " + e.getMessage(), e);
    }
    Set<PosixFilePermission> open = EnumSet.copyOf(perms);
    open.removeAll(
        EnumSet.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE));
    if (!open.isEmpty()) {
      throw new KeyException(
          "key file "
              + file
              + " is accessible by group or others ("
              + PosixFilePermissions.toString(perms)
              + "); run chmod 600 "
              + file);
    }
  }

  // ---------------------------------------------------------------- sealed keys

  /**
   * Something that protects a private key's PKCS#8 encoding, e.g. by wrapping it with a key held
   * in a key management service. It must not keep, log or print the bytes it is given.
   *
   * @param <T> what the sealer produces (for example the wrapped bytes)
   * @param <E> the checked exception it may throw
   */
  @FunctionalInterface
  public interface PrivateKeySealer<T, E extends Exception> {
    T seal(byte[] pkcs8Der) throws E;
  }

  /**
   * Hands {@code key}'s unencrypted PKCS#8 DER (RFC 5958 v1, RFC 8410 §7: 48 bytes) to {@code
   * sealer} and zeroes that buffer when the sealer returns. This is the only way a private key
   * leaves an {@link Ed25519Signer} other than {@link #writePrivateKey}: for envelope protection by
   * a key management service (see the ledger-keyvault module).
   */
  public static <T, E extends Exception> T sealPrivateKey(
      Ed25519Signer key, PrivateKeySealer<T, E> sealer) throws E {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(sealer, "sealer");
    byte[] seed = key.seed();
    byte[] der = new byte[PKCS8_ED25519_PREFIX.length + seed.length];
    try {
      System.arraycopy(PKCS8_ED25519_PREFIX, 0, der, 0, PKCS8_ED25519_PREFIX.length);
      System.arraycopy(seed, 0, der, PKCS8_ED25519_PREFIX.length, seed.length);
      return sealer.seal(der);
    } finally {
      Arrays.fill(seed, (byte) 0);
      Arrays.fill(der, (byte) 0);
    }
  }

  /**
   * Builds a signer from an unsealed PKCS#8 Ed25519 private key (as {@link #sealPrivateKey}
   * produced it, or any RFC 8410 key). {@code pkcs8Der} is not modified; the caller wipes it.
   *
   * @param source names where the key came from in error messages (never the key itself)
   * @throws KeyException if the bytes are not an Ed25519 PKCS#8 private key
   */
  public static Ed25519Signer openPrivateKey(byte[] pkcs8Der, String name, String source)
      throws KeyException {
    Objects.requireNonNull(pkcs8Der, "pkcs8Der");
    if (VerifierKey.nameProblem(name) != null) {
      throw new IllegalArgumentException(VerifierKey.nameProblem(name));
    }
    byte[] copy = pkcs8Der.clone();
    byte[] seed = null;
    try {
      seed = ed25519Seed(copy, Objects.requireNonNull(source, "source"));
      return Ed25519Signer.fromSeed(name, seed);
    } finally {
      Arrays.fill(copy, (byte) 0);
      if (seed != null) {
        Arrays.fill(seed, (byte) 0);
      }
    }
  }

  // ---------------------------------------------------------------- public keys

  /**
   * Writes {@code key} as its one-line verifier key string to a new file.
   *
   * @throws KeyException if the file already exists or cannot be written
   */
  public static void writePublicKey(Path file, VerifierKey key) throws KeyException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(key, "key");
    createNew(file, (key + "\n").getBytes(StandardCharsets.UTF_8), false);
  }

  /**
   * Reads a verifier key file: one line holding the C2SP vkey string, optionally followed by a
   * newline.
   */
  public static VerifierKey readVerifierKey(Path file) throws KeyException {
    Objects.requireNonNull(file, "file");
    byte[] data = readSmallFile(file);
    if (startsWithPem(data)) {
      throw new KeyException(
          "key file " + file + " holds a PEM key; pass the key name to read it");
    }
    return parseVkeyFile(data, file);
  }

  /**
   * Reads a verifier key file holding either a vkey line (whose name must equal {@code name}) or
   * an Ed25519 {@code SubjectPublicKeyInfo} PEM (RFC 8410 §4), which gets {@code name}.
   */
  public static VerifierKey readVerifierKey(Path file, String name) throws KeyException {
    Objects.requireNonNull(file, "file");
    if (VerifierKey.nameProblem(name) != null) {
      throw new IllegalArgumentException(VerifierKey.nameProblem(name));
    }
    byte[] data = readSmallFile(file);
    if (!startsWithPem(data)) {
      VerifierKey k = parseVkeyFile(data, file);
      if (!k.name().equals(name)) {
        throw new KeyException(
            "key file " + file + " holds key \"" + k.name() + "\", expected \"" + name + "\"");
      }
      return k;
    }
    Pem pem = Pem.parse(data, file);
    if (!pem.label.equals(PUBLIC_KEY)) {
      throw new KeyException(
          "key file " + file + " does not hold a public key (PEM type \"" + pem.label + "\")");
    }
    SubjectPublicKeyInfo spki;
    try {
      spki = SubjectPublicKeyInfo.getInstance(pem.der);
    } catch (RuntimeException e) {
      throw new KeyException("key file " + file + " is corrupt (not a SubjectPublicKeyInfo)", e);
    }
    ASN1ObjectIdentifier oid = spki.getAlgorithm().getAlgorithm();
    if (!EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
      throw new KeyException(
          "key file " + file + " does not hold an Ed25519 key (algorithm OID " + oid + ")");
    }
    try {
      return VerifierKey.ed25519(name, spki.getPublicKeyData().getOctets());
    } catch (IllegalArgumentException e) {
      throw new KeyException("key file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a verifier key file with one or more vkey lines (as {@code ledger key rotate} writes
   * PATH.pub: the current key first, then retired ones). Blank lines are ignored; at least one
   * key is required.
   */
  public static List<VerifierKey> readVerifierKeys(Path file) throws KeyException {
    Objects.requireNonNull(file, "file");
    byte[] data = readSmallFile(file);
    if (startsWithPem(data)) {
      throw new KeyException(
          "key file " + file + " holds a PEM key; pass the key name to read it");
    }
    List<VerifierKey> out = new java.util.ArrayList<>();
    String all = new String(data, StandardCharsets.UTF_8);
    for (String line : all.split("\r?\n", -1)) {
      if (!line.isBlank()) {
        out.add(parseVkeyFile(line.getBytes(StandardCharsets.UTF_8), file));
      }
    }
    if (out.isEmpty()) {
      throw new KeyException("key file " + file + " holds no verifier key");
    }
    return out;
  }

  private static VerifierKey parseVkeyFile(byte[] data, Path file) throws KeyException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(data))
              .toString();
    } catch (CharacterCodingException e) {
      throw new KeyException("key file " + file + " is not valid UTF-8", e);
    }
    if (text.endsWith("\r\n")) {
      text = text.substring(0, text.length() - 2);
    } else if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    try {
      return VerifierKey.parse(text);
    } catch (FormatException e) {
      throw new KeyException("key file " + file + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- files and PEM

  private static byte[] readSmallFile(Path file) throws KeyException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] data = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
      if (data.length > MAX_KEY_FILE_BYTES) {
        Arrays.fill(data, (byte) 0);
        throw new KeyException("key file " + file + " is too large to be a key file");
      }
      return data;
    } catch (NoSuchFileException e) {
      throw new KeyException("key file not found: " + file, e);
    } catch (IOException e) {
      throw new KeyException("cannot read key file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates {@code file} exclusively (O_CREAT|O_EXCL) and writes {@code content}. With {@code
   * ownerOnly} on a POSIX file system the permissions are set in the create call itself, so the
   * file is never readable by others, not even briefly.
   */
  private static void createNew(Path file, byte[] content, boolean ownerOnly)
      throws KeyException {
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    FileAttribute<?>[] attrs =
        ownerOnly && posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
            : new FileAttribute<?>[0];
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    boolean created = false;
    try (FileChannel ch = FileChannel.open(file, options, attrs)) {
      created = true;
      if (ownerOnly && posix) {
        // The umask can only have removed bits; restore exactly rw------- (never widens).
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      }
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } catch (FileAlreadyExistsException e) {
      throw new KeyException("key file already exists: " + file, e);
    } catch (IOException e) {
      if (created) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new KeyException("cannot write key file " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean startsWithPem(byte[] data) {
    byte[] marker = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
    return indexOf(data, marker, 0) >= 0;
  }

  /** PEM framing (RFC 7468 §2) with 64-column base64 lines. */
  private static byte[] pem(String label, byte[] der) {
    byte[] b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encode(der);
    byte[] head = ("-----BEGIN " + label + "-----\n").getBytes(StandardCharsets.US_ASCII);
    byte[] tail = ("\n-----END " + label + "-----\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + b64.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(b64, 0, out, head.length, b64.length);
    System.arraycopy(tail, 0, out, head.length + b64.length, tail.length);
    Arrays.fill(b64, (byte) 0);
    return out;
  }

  private static int indexOf(byte[] data, byte[] needle, int from) {
    outer:
    for (int i = from; i <= data.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * One PEM block (RFC 7468 §2), parsed on bytes so that the base64 of a secret key never
   * becomes an immutable String. Text before the BEGIN line is ignored, as OpenSSL does.
   */
  private static final class Pem {
    final String label;
    final byte[] der;

    private Pem(String label, byte[] der) {
      this.label = label;
      this.der = der;
    }

    static Pem parse(byte[] data, Path file) throws KeyException {
      byte[] begin = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
      int b = indexOf(data, begin, 0);
      while (b > 0 && data[b - 1] != '\n') {
        b = indexOf(data, begin, b + 1);
      }
      if (b < 0) {
        throw new KeyException("key file " + file + " is not a PEM file (no BEGIN line)");
      }
      int eol = b;
      while (eol < data.length && data[eol] != '\n') {
        eol++;
      }
      String header = new String(data, b, eol - b, StandardCharsets.US_ASCII).strip();
      if (!header.endsWith("-----") || header.length() <= begin.length + 5) {
        throw new KeyException("key file " + file + " is not a PEM file (bad BEGIN line)");
      }
      String label = header.substring(begin.length, header.length() - 5);
      byte[] end = ("-----END " + label + "-----").getBytes(StandardCharsets.US_ASCII);
      int e = indexOf(data, end, eol);
      if (e < 0) {
        throw new KeyException("key file " + file + " is not a PEM file (no END line)");
      }
      byte[] b64 = new byte[e - eol];
      int n = 0;
      for (int i = eol; i < e; i++) {
        byte c = data[i];
        if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
          continue;
        }
        if (c == ':') {
          // RFC 1421 headers (Proc-Type: 4,ENCRYPTED) mark legacy OpenSSL encryption.
          throw new KeyException(
              "key file " + file + " uses legacy PEM encryption; convert it to PKCS#8");
        }
        b64[n++] = c;
      }
      try {
        ByteBuffer der = Base64.getDecoder().decode(ByteBuffer.wrap(b64, 0, n));
        byte[] bytes = Arrays.copyOfRange(der.array(), der.position(), der.limit());
        Arrays.fill(der.array(), (byte) 0);
        return new Pem(label, bytes);
      } catch (IllegalArgumentException ex) {
        throw new KeyException("key file " + file + " is not a PEM file (bad base64)", ex);
      } finally {
        Arrays.fill(b64, (byte) 0);
      }
    }
  }
}
