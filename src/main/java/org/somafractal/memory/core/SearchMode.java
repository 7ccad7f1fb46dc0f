package org.somafractal.memory.core;

import java.util.Locale;

/** Which indexes a search consults. */
public enum SearchMode {
  HYBRID,
  VECTOR,
  LEXICAL;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name. */
  public static SearchMode parse(String value) {
    if (value != null) {
      for (SearchMode mode : values()) {
        if (mode.wire().equals(value.trim().toLowerCase(Locale.ROOT))) {
          return mode;
        }
      }
    }
    throw SomaException.invalid("mode must be one of hybrid, vector, lexical; got '" + value + "'");
  }
}
