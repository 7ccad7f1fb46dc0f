package org.somafractal.memory.store.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869). Written out because {@code javax.crypto.KDF} is not part of the Java 21 API the
 * build targets; the construction is small and RFC 5869's test vectors check it.
 */
public final class Hkdf {
  private static final String HMAC = "HmacSHA256";
  private static final int HASH_LEN = 32;

  private Hkdf() {
  }

  /** Extract then expand: {@code length} bytes of keying material from {@code ikm}. */
  public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
    if (length <= 0 || length > 255 * HASH_LEN) {
      throw new IllegalArgumentException("HKDF output length must be 1.." + 255 * HASH_LEN);
    }
    try {
      Mac mac = Mac.getInstance(HMAC);
      // An absent salt is a string of HashLen zeros (RFC 5869, 2.2).
      mac.init(new SecretKeySpec(salt == null || salt.length == 0 ? new byte[HASH_LEN] : salt, HMAC));
      byte[] prk = mac.doFinal(ikm);
      mac.init(new SecretKeySpec(prk, HMAC));
      byte[] out = new byte[length];
      byte[] t = new byte[0];
      int filled = 0;
      for (int i = 1; filled < length; i++) {
        mac.update(t);
        mac.update(info);
        mac.update((byte) i);
        t = mac.doFinal();
        int n = Math.min(t.length, length - filled);
        System.arraycopy(t, 0, out, filled, n);
        filled += n;
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
