package dev.lbkit.director;

import dev.lbkit.config.SslConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client certificate of keepalived's {@code SSL} block ({@link SslConfig}) as a {@link KeyStore} for
 * {@link dev.lbkit.healthcheck.TlsSettings.Builder#clientCertificate}: the PEM certificate chain of
 * {@code certificate} and the PEM private key of {@code key}. Keys may be PKCS#8 ({@code PRIVATE KEY}), PKCS#8
 * encrypted with PBES2/PBKDF2 and AES-CBC or DES-EDE3-CBC ({@code ENCRYPTED PRIVATE KEY}, what {@code openssl}
 * writes when given a pass phrase; decrypted with {@code password}), or an unencrypted PKCS#1 RSA key
 * ({@code RSA PRIVATE KEY}). The {@code ca} file must hold PEM certificates, though nothing is verified with it.
 * keepalived refuses to start its checkers when these files cannot be used; lbkit refuses the configuration with an
 * {@link IllegalArgumentException} naming the file and the problem.
 */
final class ClientCertificate {
  /** The password of the in-memory key store's entry (it never leaves the process). */
  static final char[] STORE_PASSWORD = "lbkit-client".toCharArray();

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*(?:[A-Za-z-]+:[^\\n]*\\n)*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  private ClientCertificate() {}

  /**
   * The key store holding the block's certificate chain and key under the alias "client", or empty when the block
   * names no certificate or no key (keepalived then presents none).
   *
   * @throws IllegalArgumentException if a file cannot be read or parsed, or the key is encrypted and no or a wrong
   *     password is given
   */
  static Optional<KeyStore> load(SslConfig ssl) {
    // keepalived loads the ca file too (and stops its checkers if it cannot), though it never verifies with it
    ssl.ca().ifPresent(ca -> certificates("ca", ca));
    if (!ssl.presentsCertificate()) {
      return Optional.empty();
    }
    Path certFile = ssl.certificate().orElseThrow();
    Path keyFile = ssl.key().orElseThrow();
    List<Certificate> chain = certificates("certificate", certFile);
    PrivateKey key = privateKey(keyFile, ssl.password());
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("client", key, STORE_PASSWORD, chain.toArray(new Certificate[0]));
      return Optional.of(ks);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("SSL key " + keyFile + " does not fit certificate " + certFile + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The PEM certificates of {@code file} in their order, at least one; other PEM blocks (a key kept in the same file)
   * and text around them are skipped, as OpenSSL does. {@code what} names the keyword in errors.
   */
  private static List<Certificate> certificates(String what, Path file) {
    List<Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      Matcher m = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          out.add(factory.generateCertificate(new ByteArrayInputStream(Base64.getMimeDecoder().decode(m.group(2)))));
        }
      }
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("SSL " + what + " " + file + " cannot be read: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("SSL " + what + " " + file + " holds no PEM certificate");
    }
    return out;
  }

  /** The first private key in a PEM file. */
  static PrivateKey privateKey(Path file, Optional<String> password) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("SSL key " + file + " cannot be read: " + e.getMessage(), e);
    }
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      if (!type.endsWith("PRIVATE KEY")) {
        continue;
      }
      if (m.group(0).contains("Proc-Type: 4,ENCRYPTED")) {
        throw new IllegalArgumentException("SSL key " + file + " uses the legacy PEM encryption, which lbkit cannot"
            + " read; convert it with: openssl pkcs8 -topk8 -in OLD -out NEW");
      }
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      byte[] pkcs8 = switch (type) {
        case "PRIVATE KEY" -> der;
        case "ENCRYPTED PRIVATE KEY" -> decrypt(file, der, password.orElseThrow(() -> new IllegalArgumentException(
            "SSL key " + file + " is encrypted but the SSL block has no password")));
        case "RSA PRIVATE KEY" -> rsaPkcs8(der);
        default -> throw new IllegalArgumentException("SSL key " + file + " is a " + type + ", which lbkit cannot"
            + " read; convert it to PKCS#8 with: openssl pkcs8 -topk8 -in OLD -out NEW");
      };
      for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
          // not this algorithm
        }
      }
      throw new IllegalArgumentException("SSL key " + file + " is not an RSA, EC or EdDSA private key");
    }
    throw new IllegalArgumentException("SSL key " + file + " holds no PEM private key");
  }

  /** PKCS#8 PrivateKeyInfo wrapping a PKCS#1 RSAPrivateKey. */
  private static byte[] rsaPkcs8(byte[] pkcs1) {
    byte[] rsaAlgorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
        0x01, 0x01, 0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = Der.tlv(0x04, pkcs1);
    byte[] body = new byte[version.length + rsaAlgorithm.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(rsaAlgorithm, 0, body, version.length, rsaAlgorithm.length);
    System.arraycopy(octets, 0, body, version.length + rsaAlgorithm.length, octets.length);
    return Der.tlv(0x30, body);
  }

  private static final String PBES2 = "1.2.840.113549.1.5.13";
  private static final String PBKDF2 = "1.2.840.113549.1.5.12";

  /** Decrypts a PKCS#8 EncryptedPrivateKeyInfo (PBES2 with PBKDF2; RFC 8018) to the PKCS#8 PrivateKeyInfo. */
  private static byte[] decrypt(Path file, byte[] der, String password) {
    try {
      Der info = new Der(der).sequence();
      Der algorithm = info.sequence();
      String scheme = algorithm.oid();
      if (!scheme.equals(PBES2)) {
        throw new IllegalArgumentException("SSL key " + file + " is encrypted with " + scheme + "; lbkit reads"
            + " PBES2 (openssl pkcs8 -topk8 -v2 aes-256-cbc)");
      }
      Der params = algorithm.sequence();
      Der kdf = params.sequence();
      String kdfOid = kdf.oid();
      if (!kdfOid.equals(PBKDF2)) {
        throw new IllegalArgumentException("SSL key " + file + " derives its key with " + kdfOid + "; lbkit reads"
            + " PBKDF2");
      }
      Der kdfParams = kdf.sequence();
      byte[] salt = kdfParams.octets();
      int iterations = kdfParams.integer().intValueExact();
      int keyLength = -1;
      String prf = "HmacSHA1";
      while (kdfParams.more()) {
        if (kdfParams.peek() == 0x02) {
          keyLength = kdfParams.integer().intValueExact();
        } else {
          prf = switch (kdfParams.sequence().oid()) {
            case "1.2.840.113549.2.7" -> "HmacSHA1";
            case "1.2.840.113549.2.8" -> "HmacSHA224";
            case "1.2.840.113549.2.9" -> "HmacSHA256";
            case "1.2.840.113549.2.10" -> "HmacSHA384";
            case "1.2.840.113549.2.11" -> "HmacSHA512";
            default -> throw new IllegalArgumentException("SSL key " + file + " uses an unknown PBKDF2 hash");
          };
        }
      }
      Der cipherAlgorithm = params.sequence();
      String cipherOid = cipherAlgorithm.oid();
      byte[] iv = cipherAlgorithm.octets();
      // AES-128/192/256-CBC (NIST OIDs) or DES-EDE3-CBC: the cipher and its key length in bytes
      boolean aes = cipherOid.startsWith("2.16.840.1.101.3.4.1.");
      int bytes = switch (cipherOid) {
        case "2.16.840.1.101.3.4.1.2" -> 16;
        case "2.16.840.1.101.3.4.1.22" -> 24;
        case "2.16.840.1.101.3.4.1.42" -> 32;
        case "1.2.840.113549.3.7" -> 24;
        default -> throw new IllegalArgumentException("SSL key " + file + " is encrypted with cipher " + cipherOid
            + "; lbkit reads AES-CBC and DES-EDE3-CBC");
      };
      String keyAlgorithm = aes ? "AES" : "DESede";
      String transformation = keyAlgorithm + "/CBC/PKCS5Padding";
      if (keyLength > 0) {
        bytes = keyLength;
      }
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8);
      byte[] secret = SecretKeyFactory.getInstance("PBKDF2With" + prf).generateSecret(spec).getEncoded();
      spec.clearPassword();
      Cipher cipher = Cipher.getInstance(transformation);
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(secret, keyAlgorithm), new IvParameterSpec(iv));
      byte[] plain = cipher.doFinal(info.octets());
      Arrays.fill(secret, (byte) 0);
      return plain;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("SSL key " + file + " cannot be decrypted (wrong password?): "
          + e.getMessage(), e);
    } catch (IndexOutOfBoundsException | ArithmeticException e) {
      throw new IllegalArgumentException("SSL key " + file + " is not a valid encrypted PKCS#8 key", e);
    }
  }

  /** A minimal DER reader over one constructed value's contents: enough for PKCS#8 and PBES2 parameters. */
  private static final class Der {
    private final byte[] b;
    private int pos;
    private final int end;

    Der(byte[] b) {
      this(b, 0, b.length);
    }

    private Der(byte[] b, int from, int to) {
      this.b = b;
      this.pos = from;
      this.end = to;
    }

    boolean more() {
      return pos < end;
    }

    int peek() {
      return b[pos] & 0xff;
    }

    /** The next value's contents as [start, end), checking its tag. */
    private int[] next(int tag) {
      if (pos >= end || (b[pos] & 0xff) != tag) {
        throw new IndexOutOfBoundsException("expected DER tag " + tag);
      }
      pos++;
      int len = b[pos++] & 0xff;
      if (len >= 0x80) {
        int n = len & 0x7f;
        if (n == 0 || n > 3) {
          throw new IndexOutOfBoundsException("bad DER length");
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (b[pos++] & 0xff);
        }
      }
      if (len > end - pos) {
        throw new IndexOutOfBoundsException("DER value past its end");
      }
      int[] r = {pos, pos + len};
      pos += len;
      return r;
    }

    Der sequence() {
      int[] r = next(0x30);
      return new Der(b, r[0], r[1]);
    }

    byte[] octets() {
      int[] r = next(0x04);
      return Arrays.copyOfRange(b, r[0], r[1]);
    }

    BigInteger integer() {
      int[] r = next(0x02);
      return new BigInteger(Arrays.copyOfRange(b, r[0], r[1]));
    }

    String oid() {
      int[] r = next(0x06);
      StringBuilder s = new StringBuilder();
      long v = 0;
      for (int i = r[0]; i < r[1]; i++) {
        v = (v << 7) | (b[i] & 0x7f);
        if ((b[i] & 0x80) == 0) {
          if (s.length() == 0) {
            int first = (int) Math.min(2, v / 40);
            s.append(first).append('.').append(v - 40L * first);
          } else {
            s.append('.').append(v);
          }
          v = 0;
        }
      }
      return s.toString();
    }

    static byte[] tlv(int tag, byte[] contents) {
      int n = contents.length;
      byte[] len = n < 0x80 ? new byte[] {(byte) n}
          : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
          : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
          : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
      byte[] out = new byte[1 + len.length + n];
      out[0] = (byte) tag;
      System.arraycopy(len, 0, out, 1, len.length);
      System.arraycopy(contents, 0, out, 1 + len.length, n);
      return out;
    }

    @Override
    public String toString() {
      return "DER value";
    }
  }
}
