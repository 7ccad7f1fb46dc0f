package org.somafractal.memory.idempotency;

import io.vertx.core.json.JsonObject;

/**
 * One remembered key: the body hash it was first used with and, once answered, the answer. Encoded as JSON for the
 * shared store.
 *
 * @param bodyHash SHA-256 of the first request body, hex
 * @param status the answer's status, 0 while the request is in flight
 * @param body the answer's body, {@code null} while in flight
 * @param claimedAtMillis when the key was claimed, so a claim whose request died can be taken over
 */
public record Entry(String bodyHash, int status, String body, long claimedAtMillis) {

  /** A claim of a request still in flight. */
  public static Entry pending(String bodyHash, long nowMillis) {
    return new Entry(bodyHash, 0, null, nowMillis);
  }

  /** Whether the request is still in flight. */
  public boolean pending() {
    return status == 0;
  }

  /** What a request with {@code requestHash} gets for this entry. */
  public Idempotency.Claim claimFor(String requestHash) {
    if (!bodyHash.equals(requestHash)) {
      return new Idempotency.Claim.Conflict();
    }
    return pending() ? new Idempotency.Claim.InFlight() : new Idempotency.Claim.Replay(status, body);
  }

  /** JSON text of the entry. */
  public String encode() {
    return new JsonObject().put("h", bodyHash).put("s", status).put("b", body).put("t", claimedAtMillis).encode();
  }

  /** The entry of {@link #encode()}'s text. */
  public static Entry decode(String text) {
    JsonObject json = new JsonObject(text);
    return new Entry(json.getString("h"), json.getInteger("s", 0), json.getString("b"), json.getLong("t", 0L));
  }
}
