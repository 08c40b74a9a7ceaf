package dev.lbkit.healthcheck.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * PEM certificates and private keys, as HAProxy's {@code crt} file holds them (a certificate chain and its key in
 * one file, or the key apart), read with the JDK alone.
 *
 * <p>Keys: unencrypted PKCS#8 ({@code PRIVATE KEY}, what {@code openssl genpkey} and OpenSSL 3 write), PKCS#1
 * ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}, what {@code openssl ecparam -genkey} writes). The last
 * two are wrapped into PKCS#8 (RFC 5208 {@code PrivateKeyInfo}; for EC, RFC 5915 section 3 keeps the curve in
 * the key's {@code [0]} parameters, which become the algorithm's). Encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY},
 * what {@code openssl} writes when given a pass phrase) is decrypted with the password given: PBES2 with PBKDF2
 * (RFC 8018) and AES-128/192/256-CBC or DES-EDE3-CBC. The legacy OpenSSL encryption ({@code Proc-Type} headers) is
 * refused with a hint.
 */
public final class Pem {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
  /** DER of {@code AlgorithmIdentifier { rsaEncryption, NULL }}. */
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
      (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  /** DER of the OID {@code id-ecPublicKey} (1.2.840.10045.2.1). */
  private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02,
      0x01};

  private Pem() {}

  /** A private key and the certificate chain it belongs to, the leaf first. */
  public record KeyAndChain(PrivateKey key, List<X509Certificate> chain) {}

  /** As {@link #read(String, String, char[], String)} without a password: an encrypted key is refused. */
  public static KeyAndChain read(String certificates, String key, String source) {
    return read(certificates, key, null, source);
  }

  /**
   * Reads a certificate chain (leaf first) from {@code certificates} and its private key from {@code key} (which
   * may be the same text, as in HAProxy's {@code crt} files), and checks that the key belongs to the leaf.
   *
   * @param password decrypts an {@code ENCRYPTED PRIVATE KEY}; null: none given
   * @throws IllegalArgumentException naming {@code source} and what is wrong: no certificate, no key, several keys,
   *     an encrypted key without or with a wrong password, an unreadable key, a key that does not match the
   *     certificate
   */
  public static KeyAndChain read(String certificates, String key, char[] password, String source) {
    List<X509Certificate> chain = certificates(certificates, source);
    List<PrivateKey> keys = new ArrayList<>();
    for (Block b : blocks(key, source)) {
      if (b.type().endsWith("PRIVATE KEY")) {
        keys.add(privateKey(b, password, source));
      }
    }
    if (keys.size() != 1) {
      throw new IllegalArgumentException(source + ": expected one PEM private key block but found " + keys.size());
    }
    PrivateKey k = keys.get(0);
    if (!belongsTo(k, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException(source + ": the private key does not belong to the certificate "
          + chain.get(0).getSubjectX500Principal().getName());
    }
    return new KeyAndChain(k, List.copyOf(chain));
  }

  /**
   * The PEM certificates of {@code pem} in their order, at least one; other blocks and text around them are
   * skipped, as OpenSSL does.
   *
   * @throws IllegalArgumentException naming {@code source}: no certificate, or one that cannot be read
   */
  public static List<X509Certificate> certificates(String pem, String source) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(pem, source)) {
        if (b.type().equals("CERTIFICATE")) {
          chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(source + ": a CERTIFICATE block cannot be read: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(source + ": no PEM CERTIFICATE block");
    }
    return List.copyOf(chain);
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(String pem, String source) {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (m.group(2).contains("Proc-Type:")) { // RFC 1421 headers: a legacy OpenSSL encrypted key
        throw new IllegalArgumentException(source + ": encrypted private keys in the legacy OpenSSL format "
            + "(Proc-Type header) are not supported; convert it with: openssl pkcs8 -topk8 -in OLD -out NEW");
      }
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2).getBytes(StandardCharsets.US_ASCII))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ": PEM block " + m.group(1) + " is not valid base64: "
            + e.getMessage(), e);
      }
    }
    return out;
  }

  private static PrivateKey privateKey(Block b, char[] password, String source) {
    byte[] pkcs8;
    switch (b.type()) {
      case "PRIVATE KEY" -> pkcs8 = b.der();
      case "RSA PRIVATE KEY" -> pkcs8 = privateKeyInfo(RSA_ALGORITHM, b.der());
      case "EC PRIVATE KEY" -> pkcs8 = privateKeyInfo(sequence(EC_PUBLIC_KEY_OID, sec1Curve(b.der(), source)),
          b.der());
      case "ENCRYPTED PRIVATE KEY" -> {
        if (password == null) {
          throw new IllegalArgumentException(source + ": encrypted private keys are not supported with no password;"
              + " give the key's password or decrypt it first (openssl pkey -in KEY -out PLAIN)");
        }
        pkcs8 = Pbes2.decrypt(b.der(), password, source);
      }
      default -> throw new IllegalArgumentException(source + ": unsupported key block " + b.type());
    }
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (InvalidKeySpecException e) {
        // not this algorithm: try the next
      } catch (GeneralSecurityException e) {
        // algorithm not available in this JDK: try the next
      }
    }
    if (b.type().equals("ENCRYPTED PRIVATE KEY")) { // CBC padding can survive a wrong password, the key cannot
      throw new IllegalArgumentException(source + ": the ENCRYPTED PRIVATE KEY cannot be decrypted (wrong password?)"
          + ": it decrypts to no key the JDK can read");
    }
    throw new IllegalArgumentException(source + ": the " + b.type() + " block is not a key the JDK can read");
  }

  /** The DER of the curve OID inside a SEC1 {@code ECPrivateKey}'s {@code [0]} parameters. */
  private static byte[] sec1Curve(byte[] der, String source) {
    try {
      Der outer = Der.at(der, 0);
      if (outer.tag() != 0x30) {
        throw new IllegalArgumentException("not a SEQUENCE");
      }
      int p = outer.valueStart();
      while (p < outer.end()) {
        Der field = Der.at(der, p);
        if (field.tag() == 0xa0) {
          Der oid = Der.at(der, field.valueStart());
          if (oid.tag() != 0x06) {
            break;
          }
          byte[] out = new byte[oid.end() - field.valueStart()];
          System.arraycopy(der, field.valueStart(), out, 0, out.length);
          return out;
        }
        p = field.end();
      }
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(source + ": the EC PRIVATE KEY block is not a SEC1 key: " + e.getMessage(),
          e);
    }
    throw new IllegalArgumentException(source + ": the EC PRIVATE KEY block names no curve (RFC 5915 parameters)");
  }

  /**
   * PKCS#8 {@code EncryptedPrivateKeyInfo} with PBES2 (RFC 8018): PBKDF2 with an HMAC-SHA PRF derives the key of an
   * AES-CBC or DES-EDE3-CBC cipher, which yields the {@code PrivateKeyInfo}.
   */
  private static final class Pbes2 {
    private static final String PBES2 = "1.2.840.113549.1.5.13";
    private static final String PBKDF2 = "1.2.840.113549.1.5.12";

    private Pbes2() {}

    static byte[] decrypt(byte[] der, char[] password, String source) {
      try {
        Reader info = Reader.of(der).sequence();
        Reader algorithm = info.sequence();
        String scheme = algorithm.oid();
        if (!scheme.equals(PBES2)) {
          throw new IllegalArgumentException(source + ": the key is encrypted with " + scheme + "; lbkit reads"
              + " PBES2 (openssl pkcs8 -topk8 -v2 aes-256-cbc)");
        }
        Reader params = algorithm.sequence();
        Reader kdf = params.sequence();
        String kdfOid = kdf.oid();
        if (!kdfOid.equals(PBKDF2)) {
          throw new IllegalArgumentException(source + ": the key's encryption key is derived with " + kdfOid
              + "; lbkit reads PBKDF2");
        }
        Reader kdfParams = kdf.sequence();
        byte[] salt = kdfParams.octets();
        int iterations = kdfParams.integer().intValueExact();
        int keyLength = -1;
        String prf = "HmacSHA1"; // the RFC 8018 default
        while (kdfParams.more()) {
          if (kdfParams.peek() == 0x02) {
            keyLength = kdfParams.integer().intValueExact();
          } else {
            String oid = kdfParams.sequence().oid();
            prf = switch (oid) {
              case "1.2.840.113549.2.7" -> "HmacSHA1";
              case "1.2.840.113549.2.8" -> "HmacSHA224";
              case "1.2.840.113549.2.9" -> "HmacSHA256";
              case "1.2.840.113549.2.10" -> "HmacSHA384";
              case "1.2.840.113549.2.11" -> "HmacSHA512";
              default -> throw new IllegalArgumentException(source + ": the key's PBKDF2 uses the unknown hash "
                  + oid);
            };
          }
        }
        Reader cipherAlgorithm = params.sequence();
        String cipherOid = cipherAlgorithm.oid();
        byte[] iv = cipherAlgorithm.octets();
        // AES-128/192/256-CBC (NIST OIDs) or DES-EDE3-CBC, and the cipher's key length in bytes
        int bytes = switch (cipherOid) {
          case "2.16.840.1.101.3.4.1.2" -> 16;
          case "2.16.840.1.101.3.4.1.22", "1.2.840.113549.3.7" -> 24;
          case "2.16.840.1.101.3.4.1.42" -> 32;
          default -> throw new IllegalArgumentException(source + ": the key is encrypted with cipher " + cipherOid
              + "; lbkit reads AES-CBC and DES-EDE3-CBC");
        };
        String keyAlgorithm = cipherOid.startsWith("2.16.840.1.101.3.4.1.") ? "AES" : "DESede";
        if (keyLength > 0) {
          bytes = keyLength;
        }
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        byte[] secret = SecretKeyFactory.getInstance("PBKDF2With" + prf).generateSecret(spec).getEncoded();
        spec.clearPassword();
        try {
          Cipher cipher = Cipher.getInstance(keyAlgorithm + "/CBC/PKCS5Padding");
          cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(secret, keyAlgorithm), new IvParameterSpec(iv));
          return cipher.doFinal(info.octets());
        } finally {
          Arrays.fill(secret, (byte) 0);
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException(source + ": the ENCRYPTED PRIVATE KEY cannot be decrypted (wrong "
            + "password?): " + e.getMessage(), e);
      } catch (IndexOutOfBoundsException | ArithmeticException | IllegalStateException e) {
        throw new IllegalArgumentException(source + ": the ENCRYPTED PRIVATE KEY block is not a valid encrypted "
            + "PKCS#8 key: " + e.getMessage(), e);
      }
    }
  }

  /** Reads the DER elements inside one constructed element, in order. */
  private static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    private Reader(byte[] b, int from, int to) {
      this.b = b;
      this.pos = from;
      this.end = to;
    }

    static Reader of(byte[] der) {
      return new Reader(der, 0, der.length);
    }

    boolean more() {
      return pos < end;
    }

    int peek() {
      return b[pos] & 0xff;
    }

    private Der next(int tag) {
      if (pos >= end || peek() != tag) {
        throw new IllegalStateException("expected DER tag " + tag + " at " + pos);
      }
      Der d;
      try {
        d = Der.at(b, pos);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
      if (d.end() > end) {
        throw new IllegalStateException("DER element at " + pos + " runs past its parent");
      }
      pos = d.end();
      return d;
    }

    Reader sequence() {
      Der d = next(0x30);
      return new Reader(b, d.valueStart(), d.end());
    }

    byte[] octets() {
      Der d = next(0x04);
      return Arrays.copyOfRange(b, d.valueStart(), d.end());
    }

    BigInteger integer() {
      Der d = next(0x02);
      return new BigInteger(Arrays.copyOfRange(b, d.valueStart(), d.end()));
    }

    /** An OBJECT IDENTIFIER in dotted form. */
    String oid() {
      Der d = next(0x06);
      StringBuilder s = new StringBuilder();
      long v = 0;
      for (int i = d.valueStart(); i < d.end(); i++) {
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
  }

  /** One DER element: its tag and where its value starts and the element ends. */
  private record Der(int tag, int valueStart, int end) {
    static Der at(byte[] b, int p) {
      int tag = b[p] & 0xff;
      int len = b[p + 1] & 0xff;
      int start = p + 2;
      if (len >= 0x80) {
        int n = len & 0x7f;
        if (n == 0 || n > 3) {
          throw new IllegalArgumentException("unsupported DER length at " + p);
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (b[start + i] & 0xff);
        }
        start += n;
      }
      if (start + len > b.length) {
        throw new IllegalArgumentException("DER element at " + p + " runs past the end");
      }
      return new Der(tag, start, start + len);
    }
  }

  /** RFC 5208 {@code PrivateKeyInfo { version 0, algorithm, privateKey OCTET STRING }}. */
  private static byte[] privateKeyInfo(byte[] algorithm, byte[] key) {
    return sequence(new byte[] {0x02, 0x01, 0x00}, algorithm, element(0x04, key));
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    return element(0x30, body.toByteArray());
  }

  private static byte[] element(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  /** Whether {@code key} signs what {@code publicKey} verifies. */
  private static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      case "DSA" -> "SHA256withDSA";
      default -> null;
    };
    if (algorithm == null || !key.getAlgorithm().equals(publicKey.getAlgorithm())
        && !(key.getAlgorithm().startsWith("Ed") && publicKey.getAlgorithm().startsWith("Ed"))) {
      return algorithm == null; // an algorithm we cannot test: let the handshake judge
    }
    try {
      byte[] probe = "lbkit key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(publicKey);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
