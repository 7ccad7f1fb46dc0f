package org.somafractal.memory.store.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.somafractal.memory.config.ConfigException;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;

/** Reads the encryption-at-rest settings into a {@link RowCipher}, failing fast on an unusable key. */
public final class EncryptionSettings {
  private static final int KEY_BYTES = 32;

  private EncryptionSettings() {
  }

  /**
   * The cipher the configuration describes. Also returned when no tenant is encrypted but a master key is set, so
   * rows sealed earlier still open after a tenant leaves SOMA_ENCRYPT_TENANTS.
   *
   * @throws ConfigException for a missing or malformed key, or a version listed twice
   */
  public static RowCipher load(SomaConfig config) {
    List<String> listed = config.get(Settings.ENCRYPT_TENANTS);
    Set<String> tenants = listed == null ? Set.of() : new LinkedHashSet<>(listed);
    int version = config.get(Settings.MASTER_KEY_VERSION);
    Map<Integer, byte[]> keys = new HashMap<>();
    String file = config.get(Settings.MASTER_KEY_FILE);
    String current = config.get(Settings.MASTER_KEY);
    String source = Settings.MASTER_KEY.name();
    if (file != null && !file.isBlank()) {
      source = Settings.MASTER_KEY_FILE.name();
      try {
        current = Files.readAllLines(Path.of(file)).stream().findFirst().orElse("");
      } catch (IOException e) {
        throw new ConfigException("Invalid configuration " + source + ": cannot read " + file + ": " + e.getMessage());
      }
    }
    if (current != null && !current.isBlank()) {
      keys.put(version, decode(source, current));
    } else if (!tenants.isEmpty()) {
      throw new ConfigException("Invalid configuration " + Settings.MASTER_KEY.name() + ": required when "
          + Settings.ENCRYPT_TENANTS.name() + " is set (32 random bytes, base64, e.g. openssl rand -base64 32)");
    }
    String previous = config.get(Settings.MASTER_KEY_PREVIOUS);
    if (previous != null && !previous.isBlank()) {
      String name = Settings.MASTER_KEY_PREVIOUS.name();
      for (String entry : previous.split(",")) {
        String e = entry.trim();
        int colon = e.indexOf(':');
        int v;
        try {
          v = Integer.parseInt(e.substring(0, Math.max(colon, 0)).trim());
        } catch (NumberFormatException ex) {
          throw new ConfigException("Invalid configuration " + name + ": each entry is version:base64-key");
        }
        if (keys.putIfAbsent(v, decode(name, e.substring(colon + 1))) != null) {
          throw new ConfigException("Invalid configuration " + name + ": key version " + v + " given twice");
        }
      }
    }
    return new RowCipher(keys, version, tenants);
  }

  private static byte[] decode(String name, String base64) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid configuration " + name + ": not base64");
    }
    if (key.length != KEY_BYTES) {
      throw new ConfigException("Invalid configuration " + name + ": the key must be " + KEY_BYTES + " bytes, not "
          + key.length);
    }
    return key;
  }
}
