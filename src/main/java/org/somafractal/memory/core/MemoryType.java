package org.somafractal.memory.core;

import java.util.Locale;

/** The level of a memory in the fractal hierarchy: raw experience, abstracted knowledge, or a higher-level pattern. */
public enum MemoryType {
  EPISODIC(0),
  SEMANTIC(1),
  SUMMARY(2);

  private final int code;

  MemoryType(int code) {
    this.code = code;
  }

  /** The stable number stored on disk; never reuse or renumber one, whatever the declaration order. */
  public int code() {
    return code;
  }

  /** The wire name, lower case. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type stored as {@code code}. */
  public static MemoryType ofCode(int code) {
    for (MemoryType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown memory type code " + code);
  }

  /**
   * Parses a wire name strictly.
   *
   * @throws SomaException of kind INVALID for anything but {@code episodic}, {@code semantic} or {@code summary}
   */
  public static MemoryType parse(String value) {
    if (value != null) {
      switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "episodic":
          return EPISODIC;
        case "semantic":
          return SEMANTIC;
        case "summary":
          return SUMMARY;
        default:
          break;
      }
    }
    throw SomaException.invalid("memory_type must be one of episodic, semantic, summary; got " + quote(value));
  }

  private static String quote(String value) {
    if (value == null) {
      return "null";
    }
    String cut = value.length() > 40 ? value.substring(0, 40) + "…" : value;
    return "'" + cut + "'";
  }
}
