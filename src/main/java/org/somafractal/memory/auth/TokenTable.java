package org.somafractal.memory.auth;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.somafractal.memory.config.ConfigException;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;

/**
 * The static API tokens: {@code SOMA_API_TOKEN} (or the first line of {@code SOMA_API_TOKEN_FILE}) with its tenant
 * and scopes, plus every entry of {@code SOMA_TOKENS_FILE}. Only SHA-256 digests are kept; a lookup compares the
 * presented token's digest with every entry in constant time and without stopping at a match, so neither the content
 * nor the position of a token leaks through timing. Immutable and thread-safe.
 */
public final class TokenTable {
  private record Entry(byte[] digest, Principal principal) {
  }

  private final List<Entry> entries;

  private TokenTable(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Reads the token settings and files. @throws ConfigException naming the key when something is wrong */
  public static TokenTable load(SomaConfig config) {
    List<Entry> entries = new ArrayList<>();
    String token = staticToken(config);
    if (token != null) {
      String tenant = config.get(Settings.API_TOKEN_TENANT);
      entries.add(new Entry(sha256(token), new Principal("static", tenant == null ? null : validTenant(tenant,
          Settings.API_TOKEN_TENANT.name()), scopes(config.get(Settings.API_TOKEN_SCOPES),
          Settings.API_TOKEN_SCOPES.name()))));
    }
    String file = config.get(Settings.TOKENS_FILE);
    if (file != null && !file.isBlank()) {
      entries.addAll(readFile(Path.of(file)));
    }
    return new TokenTable(entries);
  }

  /** Whether no token is configured. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The principal of {@code token}, or {@code null} when it is none of the configured tokens. */
  public Principal lookup(String token) {
    byte[] digest = sha256(token);
    Principal found = null;
    for (Entry e : entries) {
      // No early exit: every entry is compared whatever matched before.
      if (MessageDigest.isEqual(e.digest, digest) && found == null) {
        found = e.principal;
      }
    }
    return found;
  }

  /** The static token: the first line of SOMA_API_TOKEN_FILE when set, else SOMA_API_TOKEN, else none. */
  static String staticToken(SomaConfig config) {
    String file = config.get(Settings.API_TOKEN_FILE);
    if (file != null && !file.isBlank()) {
      List<String> lines = readLines(Path.of(file), Settings.API_TOKEN_FILE.name());
      String token = lines.isEmpty() ? "" : lines.get(0).trim();
      if (token.isEmpty()) {
        throw new ConfigException("Invalid configuration SOMA_API_TOKEN_FILE: " + file + " is empty");
      }
      return token;
    }
    String token = config.get(Settings.API_TOKEN);
    return token == null || token.isBlank() ? null : token.trim();
  }

  private static List<Entry> readFile(Path file) {
    String key = Settings.TOKENS_FILE.name();
    JsonArray array;
    try {
      array = new JsonArray(String.join("\n", readLines(file, key)));
    } catch (DecodeException e) {
      throw new ConfigException("Invalid configuration " + key + ": " + file + " is not a JSON array");
    }
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String where = key + " entry " + i;
      if (!(array.getValue(i) instanceof JsonObject o)) {
        throw new ConfigException("Invalid configuration " + where + ": not an object");
      }
      byte[] digest;
      if (o.getValue("token_sha256") instanceof String hex) {
        try {
          digest = HexFormat.of().parseHex(hex.trim().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
          digest = new byte[0];
        }
        if (digest.length != 32) {
          throw new ConfigException("Invalid configuration " + where + ": token_sha256 must be 64 hex digits");
        }
      } else if (o.getValue("token") instanceof String plain && !plain.isBlank()) {
        digest = sha256(plain.trim());
      } else {
        throw new ConfigException("Invalid configuration " + where + ": needs token_sha256 or token");
      }
      Object tenant = o.getValue("tenant");
      if (tenant != null && !(tenant instanceof String)) {
        throw new ConfigException("Invalid configuration " + where + ": tenant must be a string");
      }
      Object scopes = o.getValue("scopes");
      List<String> names;
      if (scopes instanceof JsonArray a) {
        names = a.stream().map(String::valueOf).toList();
      } else if (scopes instanceof String s) {
        names = List.of(s.split("[,\\s]+"));
      } else {
        throw new ConfigException("Invalid configuration " + where + ": scopes must be an array or a string");
      }
      String id = o.getValue("id") instanceof String s ? s : "token-" + i;
      out.add(new Entry(digest, new Principal(id, tenant == null ? null : validTenant((String) tenant, where),
          scopes(names.stream().filter(n -> !n.isBlank()).toList(), where))));
    }
    return out;
  }

  private static String validTenant(String tenant, String where) {
    try {
      return Tenants.valid(tenant);
    } catch (RuntimeException e) {
      throw new ConfigException("Invalid configuration " + where + ": " + e.getMessage());
    }
  }

  private static java.util.Set<Scope> scopes(List<String> names, String where) {
    try {
      return Scope.parseAll(names);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid configuration " + where + ": " + e.getMessage());
    }
  }

  private static List<String> readLines(Path file, String key) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new ConfigException("Invalid configuration " + key + ": cannot read " + file + " (" + e.getMessage() + ")");
    }
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
