package org.somafractal.memory.core;

/**
 * An expected failure with a kind from the {@link ErrorKind} taxonomy and a message fit for a client. These are raised
 * on hot paths for bad input, so they carry no stack trace.
 */
public final class SomaException extends RuntimeException {
  private final ErrorKind kind;

  public SomaException(ErrorKind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public ErrorKind kind() {
    return kind;
  }

  public static SomaException malformed(String message) {
    return new SomaException(ErrorKind.MALFORMED, message);
  }

  public static SomaException invalid(String message) {
    return new SomaException(ErrorKind.INVALID, message);
  }

  public static SomaException notFound(String message) {
    return new SomaException(ErrorKind.NOT_FOUND, message);
  }

  public static SomaException unavailable(String message) {
    return new SomaException(ErrorKind.UNAVAILABLE, message);
  }

  /**
   * Whether a write that failed with {@code failure} may nonetheless have committed: a backend that went away or
   * timed out may have committed before its answer was lost. A refusal of the request itself (bad input, not found,
   * a quota) committed nothing.
   */
  public static boolean outcomeUnknown(Throwable failure) {
    if (!(failure instanceof SomaException e)) {
      return true;
    }
    return e.kind == ErrorKind.UNAVAILABLE || e.kind == ErrorKind.INTERNAL;
  }
}
