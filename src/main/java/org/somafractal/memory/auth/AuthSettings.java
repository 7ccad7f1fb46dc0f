package org.somafractal.memory.auth;

import org.somafractal.memory.config.SomaConfig;

/**
 * Every credential source of the server, read and validated once at start: the static tokens and the JWT settings.
 * With none configured the server is open (development mode). Immutable and thread-safe; each HTTP verticle builds
 * its own {@link AuthHandler} from it.
 *
 * @param tokens the static tokens
 * @param jwt the JWT settings, or {@code null}
 */
public record AuthSettings(TokenTable tokens, JwtSettings jwt) {
  /** @throws org.somafractal.memory.config.ConfigException naming the key when something is wrong */
  public static AuthSettings load(SomaConfig config) {
    return new AuthSettings(TokenTable.load(config), JwtSettings.load(config));
  }

  /** Whether no credential is configured, so every request is let in with every scope. */
  public boolean open() {
    return tokens.isEmpty() && jwt == null;
  }
}
