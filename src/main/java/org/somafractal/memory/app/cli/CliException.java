package org.somafractal.memory.app.cli;

/**
 * A failure the CLI reports as one line on stderr with its exit code: 1 when the server refused or could not be
 * reached, 2 when the command line itself is unusable.
 */
public final class CliException extends RuntimeException {
  /** Exit code of a server error (4xx/5xx) or an unreachable server. */
  public static final int SERVER = 1;
  /** Exit code of a usage error. */
  public static final int USAGE = 2;

  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  /** The process exit code for this failure. */
  public int exitCode() {
    return exitCode;
  }
}
