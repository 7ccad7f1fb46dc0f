package org.somafractal.memory.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.idempotency.Idempotency.Claim;

class InProcessIdempotencyTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final InProcessIdempotency keys = new InProcessIdempotency(100, Duration.ofHours(1), Duration.ofSeconds(60),
      now::get);

  private Claim begin(String key, String hash) {
    return keys.begin(key, hash).result();
  }

  @Test
  void theFirstRequestStartsAndItsAnswerIsReplayedToRetries() {
    assertThat(begin("k", "h1")).isInstanceOf(Claim.Started.class);
    keys.complete("k", "h1", 200, "{\"id\":1}");
    assertThat(begin("k", "h1")).isEqualTo(new Claim.Replay(200, "{\"id\":1}"));
    assertThat(begin("k", "h1")).as("every retry, not just the first").isEqualTo(new Claim.Replay(200, "{\"id\":1}"));
  }

  @Test
  void anotherBodyWithTheSameKeyIsAConflictBothInFlightAndAnswered() {
    assertThat(begin("k", "h1")).isInstanceOf(Claim.Started.class);
    assertThat(begin("k", "h2")).isInstanceOf(Claim.Conflict.class);
    keys.complete("k", "h1", 200, "{}");
    assertThat(begin("k", "h2")).isInstanceOf(Claim.Conflict.class);
  }

  @Test
  void aRetryWhileTheFirstRequestRunsIsInFlightUntilTheClaimIsAbandoned() {
    assertThat(begin("k", "h1")).isInstanceOf(Claim.Started.class);
    now.addAndGet(59_999);
    assertThat(begin("k", "h1")).isInstanceOf(Claim.InFlight.class);
    now.addAndGet(1);
    assertThat(begin("k", "h1")).as("the first request died: take its claim over").isInstanceOf(Claim.Started.class);
    assertThat(begin("k", "h1")).isInstanceOf(Claim.InFlight.class);
  }

  @Test
  void aReleasedKeyIsFreeAgainAndKeysAreIndependent() {
    assertThat(begin("k", "h1")).isInstanceOf(Claim.Started.class);
    assertThat(begin("other", "h1")).isInstanceOf(Claim.Started.class);
    keys.release("k");
    assertThat(begin("k", "h2")).isInstanceOf(Claim.Started.class);
  }

  @Test
  void entriesSurviveTheirJsonEncoding() {
    Entry done = new Entry("h", 200, "{\"a\":\"b\"}", 42);
    assertThat(Entry.decode(done.encode())).isEqualTo(done);
    assertThat(Entry.decode(Entry.pending("h", 7).encode()).pending()).isTrue();
  }
}
