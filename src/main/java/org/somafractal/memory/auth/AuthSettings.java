package org.somafractal.memory.auth;

import org.somafractal.memory.config.SomaConfig;

/**
 * Every credential and authorisation source of the server, read and validated once at start: the static tokens, the
 * JWT settings, the policy file and the OPA endpoint. With no credential configured the server is open (development
 * mode); the policy file and OPA still apply. Immutable and thread-safe; each HTTP verticle builds its own
 * {@link AuthHandler} from it.
 *
 * @param tokens the static tokens
 * @param jwt the JWT settings, or {@code null}
 * @param policy the policy file's rules ({@link AccessPolicy#ALLOW_ALL} without one)
 * @param opa where to ask OPA, or {@code null}
 */
public record AuthSettings(TokenTable tokens, JwtSettings jwt, AccessPolicy policy, OpaClient.Options opa) {
  /** @throws org.somafractal.memory.config.ConfigException naming the key when something is wrong */
  public static AuthSettings load(SomaConfig config) {
    return new AuthSettings(TokenTable.load(config), JwtSettings.load(config), AccessPolicy.load(config),
        OpaClient.load(config));
  }

  /** Whether no credential is configured, so every request is let in with every scope. */
  public boolean open() {
    return tokens.isEmpty() && jwt == null;
  }
}
