package org.somafractal.memory.config;

/** A configuration value is invalid; the message names the key and says what is wrong, in one line. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
