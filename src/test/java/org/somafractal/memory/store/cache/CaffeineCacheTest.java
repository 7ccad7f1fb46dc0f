package org.somafractal.memory.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-process adapter against the contract, plus what only it promises about its size bound. */
class CaffeineCacheTest extends CacheContract {
  @Override
  protected Cache open(Vertx vertx) {
    return new CaffeineCache(Duration.ofMinutes(5), 1_000);
  }

  @Test
  void aMarkerEvictedForWantOfRoomStartsANewGeneration() {
    Cache small = new CaffeineCache(Duration.ofMinutes(5), 1);
    long before = await(small.byKey("t", "0.0")).generation();
    for (int i = 0; i < 100; i++) {
      await(small.invalidate("t", List.of(new Cache.Change(i + ".0", 10))));
    }
    long after = await(small.byKey("t", "0.0")).generation();
    assertThat(after).as("markers beyond 4 x maxEntries were evicted").isNotEqualTo(before);
    assertThat(await(small.fill("t", List.of(memory("t", UUID.randomUUID().toString(), "0.0", 5)), before)))
        .isZero();
  }
}
