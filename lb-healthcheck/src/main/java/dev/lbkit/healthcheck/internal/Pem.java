package dev.lbkit.healthcheck.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and private keys, as HAProxy's {@code crt} file holds them (a certificate chain and its key in
 * one file, or the key apart), read with the JDK alone.
 *
 * <p>Keys: unencrypted PKCS#8 ({@code PRIVATE KEY}, what {@code openssl genpkey} and OpenSSL 3 write), PKCS#1
 * ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}, what {@code openssl ecparam -genkey} writes). The last
 * two are wrapped into PKCS#8 (RFC 5208 {@code PrivateKeyInfo}; for EC, RFC 5915 section 3 keeps the curve in
 * the key's {@code [0]} parameters, which become the algorithm's). Encrypted keys are refused with a hint.
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

  /**
   * Reads a certificate chain (leaf first) from {@code certificates} and its private key from {@code key} (which
   * may be the same text, as in HAProxy's {@code crt} files), and checks that the key belongs to the leaf.
   *
   * @throws IllegalArgumentException naming {@code source} and what is wrong: no certificate, no key, several keys,
   *     an encrypted or unreadable key, a key that does not match the certificate
   */
  public static KeyAndChain read(String certificates, String key, String source) {
    List<X509Certificate> chain = new ArrayList<>();
    List<PrivateKey> keys = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(certificates, source)) {
        if (b.type().equals("CERTIFICATE")) {
          chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(source + ": a CERTIFICATE block cannot be read: " + e.getMessage(), e);
    }
    for (Block b : blocks(key, source)) {
      if (b.type().endsWith("PRIVATE KEY")) {
        keys.add(privateKey(b, source));
      }
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(source + ": no PEM CERTIFICATE block");
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

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(String pem, String source) {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (m.group(2).contains("Proc-Type:")) { // RFC 1421 headers: a legacy OpenSSL encrypted key
        throw new IllegalArgumentException(source + ": encrypted private keys are not supported; decrypt it first "
            + "(openssl pkey -in KEY -out PLAIN)");
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

  private static PrivateKey privateKey(Block b, String source) {
    byte[] pkcs8;
    switch (b.type()) {
      case "PRIVATE KEY" -> pkcs8 = b.der();
      case "RSA PRIVATE KEY" -> pkcs8 = privateKeyInfo(RSA_ALGORITHM, b.der());
      case "EC PRIVATE KEY" -> pkcs8 = privateKeyInfo(sequence(EC_PUBLIC_KEY_OID, sec1Curve(b.der(), source)),
          b.der());
      case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(source
          + ": encrypted private keys are not supported; decrypt it first (openssl pkey -in KEY -out PLAIN)");
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
