package org.somafractal.memory.core;

/**
 * The small error taxonomy of the server. Every failure a client can see is one of these kinds; the HTTP layer maps
 * a kind to a status code in exactly one place ({@code api.ErrorMapper}), and the event bus carries the kind as the
 * failure code so a failure keeps its meaning across verticles.
 */
public enum ErrorKind {
  /** The request could not be parsed: malformed JSON, a malformed coordinate. */
  MALFORMED(400),
  /** The request parsed but violates the schema or a bound. */
  INVALID(422),
  /** Missing or invalid credentials. */
  UNAUTHORIZED(401),
  /** Valid credentials without the right to do this. */
  FORBIDDEN(403),
  /** The addressed thing does not exist. */
  NOT_FOUND(404),
  /** The request conflicts with the current state. */
  CONFLICT(409),
  /** The request body is larger than allowed. */
  TOO_LARGE(413),
  /** Too many requests; retry later. */
  RATE_LIMITED(429),
  /** A backend is unavailable; the request may succeed if retried. */
  UNAVAILABLE(503),
  /** A defect on our side. Never used for bad input. */
  INTERNAL(500);

  private final int status;

  ErrorKind(int status) {
    this.status = status;
  }

  /** The HTTP status code of this kind; also used as the event-bus failure code. */
  public int status() {
    return status;
  }

  /** Whether a client may retry the same request and expect it to succeed later. */
  public boolean retriable() {
    return this == UNAVAILABLE || this == RATE_LIMITED;
  }

  /** The kind whose status is {@code status}, or {@link #INTERNAL} when none matches. */
  public static ErrorKind ofStatus(int status) {
    for (ErrorKind kind : values()) {
      if (kind.status == status) {
        return kind;
      }
    }
    return INTERNAL;
  }
}
