package org.somafractal.memory.store.crypto;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.SomaException;

/**
 * Seals and opens the payload, text and metadata of memory rows with AES-256-GCM, under a key per tenant and key
 * version derived from a master key with HKDF-SHA256 (info {@code soma:tenant:<tenant>:v<version>}).
 *
 * <p>A sealed value is self-describing: {@code soma:enc:v<version>:<base64(nonce || ciphertext || tag)>} as the text,
 * and an object holding only that string under {@link #FIELD} as payload or metadata. The key version travels with
 * every value, so rows written under an older master key stay readable while {@code SOMA_MASTER_KEY_PREVIOUS} lists
 * it, and rows of a tenant later removed from the list still open. The associated data binds each value to its
 * tenant, coordinate and field, so a ciphertext copied into another row or column fails to open instead of being
 * served there.
 *
 * <p>Thread-safe: derived keys are cached per (tenant, version); each operation takes its own {@link Cipher}.
 */
public final class RowCipher {
  /** The only field of a sealed payload or metadata object. */
  public static final String FIELD = "$soma_enc";
  static final String PREFIX = "soma:enc:v";
  private static final byte[] SALT = "SomaFractalMemory/encryption-at-rest/v1".getBytes(StandardCharsets.UTF_8);
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final Map<Integer, byte[]> masterKeys;
  private final int currentVersion;
  private final Set<String> tenants;
  private final boolean allTenants;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, SecretKey> derived = new ConcurrentHashMap<>();

  /**
   * @param masterKeys 32-byte master keys by version; may be empty when nothing is encrypted
   * @param currentVersion the version new values are sealed under; must be a key of {@code masterKeys} when any
   *     tenant is encrypted
   * @param tenants the tenants whose new values are sealed; {@code "*"} seals every tenant
   */
  public RowCipher(Map<Integer, byte[]> masterKeys, int currentVersion, Set<String> tenants) {
    this.masterKeys = Map.copyOf(masterKeys);
    this.currentVersion = currentVersion;
    this.allTenants = tenants.contains("*");
    this.tenants = Set.copyOf(tenants);
    if ((allTenants || !tenants.isEmpty()) && !masterKeys.containsKey(currentVersion)) {
      throw new IllegalArgumentException("no master key of version " + currentVersion);
    }
  }

  /** Whether new values of {@code tenant} are sealed. */
  public boolean encrypts(String tenant) {
    return allTenants || tenants.contains(tenant);
  }

  /**
   * The draft as it is stored: sealed when its tenant is encrypted, else unchanged.
   *
   * @throws SomaException INVALID for a plaintext draft that would read back as sealed (a payload or metadata whose
   *     only field is {@link #FIELD}, or a text starting with the sealed prefix): stored as is, it would fail every
   *     later read of the row and the index rebuild at start.
   */
  public MemoryDraft seal(MemoryDraft d) {
    if (!encrypts(d.tenant()) || d.coordinate() == null || d.payload() == null) {
      if (sealedValue(d.payload()) != null || sealedValue(d.metadata()) != null
          || d.text() != null && d.text().startsWith(PREFIX)) {
        throw SomaException.invalid("A payload or metadata object whose only field is " + FIELD
            + ", or a text starting with " + PREFIX + ", is reserved for values encrypted at rest");
      }
      return d;
    }
    String key = d.coordinate().key();
    JsonObject metadata = d.metadata() == null ? new JsonObject() : d.metadata();
    String text = d.text() == null ? "" : d.text();
    return new MemoryDraft(d.tenant(), d.coordinate(),
        sealed(seal(d.tenant(), key, "payload", d.payload().encode())), d.type(), d.importance(),
        sealed(seal(d.tenant(), key, "metadata", metadata.encode())), seal(d.tenant(), key, "text", text),
        d.vector(), d.modelId());
  }

  /**
   * The memory with its sealed values opened; a memory with none is returned as is.
   *
   * @throws SomaException UNAVAILABLE when a value does not open: a wrong master key, a key version no longer
   *     configured, or a tampered row. Never returns undecrypted or garbled content.
   */
  public Memory open(Memory m) {
    String payload = sealedValue(m.payload());
    String metadata = sealedValue(m.metadata());
    boolean text = m.text() != null && m.text().startsWith(PREFIX);
    if (payload == null && metadata == null && !text) {
      return m;
    }
    String key = m.key();
    return new Memory(m.id(), m.tenant(), m.coordinate(),
        payload == null ? m.payload() : new JsonObject(open(m.tenant(), key, "payload", payload)), m.type(),
        m.importance(), metadata == null ? m.metadata() : new JsonObject(open(m.tenant(), key, "metadata", metadata)),
        text ? open(m.tenant(), key, "text", m.text()) : m.text(), m.vector(), m.modelId(), m.createdAt(),
        m.updatedAt(), m.lastAccessedAt(), m.accessCount(), m.seq());
  }

  private static JsonObject sealed(String value) {
    return new JsonObject().put(FIELD, value);
  }

  private static String sealedValue(JsonObject o) {
    if (o == null || o.size() != 1 || !(o.getValue(FIELD) instanceof String s) || !s.startsWith(PREFIX)) {
      return null;
    }
    return s;
  }

  String seal(String tenant, String coordKey, String field, String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key(tenant, currentVersion), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(tenant, coordKey, field));
      byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(nonce.length + ct.length).put(nonce).put(ct).array();
      return PREFIX + currentVersion + ":" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  String open(String tenant, String coordKey, String field, String sealed) {
    int colon = sealed.indexOf(':', PREFIX.length());
    int version;
    byte[] raw;
    try {
      version = Integer.parseInt(sealed.substring(PREFIX.length(), colon));
      raw = Base64.getDecoder().decode(sealed.substring(colon + 1));
    } catch (RuntimeException e) {
      throw unreadable(tenant, coordKey, "a malformed sealed " + field);
    }
    if (!masterKeys.containsKey(version)) {
      throw unreadable(tenant, coordKey, "it was sealed under master key version " + version + ", which is neither "
          + "SOMA_MASTER_KEY_VERSION nor listed in SOMA_MASTER_KEY_PREVIOUS");
    }
    if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
      throw unreadable(tenant, coordKey, "a truncated sealed " + field);
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key(tenant, version), new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
      c.updateAAD(aad(tenant, coordKey, field));
      return new String(c.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw unreadable(tenant, coordKey, "its " + field + " fails authentication under master key version "
          + version + " (wrong SOMA_MASTER_KEY, or the row was altered)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  private static SomaException unreadable(String tenant, String coordKey, String why) {
    return SomaException.unavailable("Cannot decrypt the memory of tenant " + tenant + " at " + coordKey + ": "
        + why);
  }

  private SecretKey key(String tenant, int version) {
    return derived.computeIfAbsent(tenant + "\u0000" + version, k -> new SecretKeySpec(Hkdf.derive(SALT,
        masterKeys.get(version), ("soma:tenant:" + tenant + ":v" + version).getBytes(StandardCharsets.UTF_8), 32),
        "AES"));
  }

  private static byte[] aad(String tenant, String coordKey, String field) {
    return (tenant + "\u0000" + coordKey + "\u0000" + field).getBytes(StandardCharsets.UTF_8);
  }
}
