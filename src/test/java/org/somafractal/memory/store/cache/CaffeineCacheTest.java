package org.somafractal.memory.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.somafractal.memory.core.Memory;
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

  @Test
  void rowsEvictedForRoomTakeTheirCoordinatePointersAlong() {
    CaffeineCache small = new CaffeineCache(Duration.ofMinutes(5), 10);
    for (int i = 0; i < 1_000; i++) {
      await(small.fill("t", List.of(memory("t", UUID.randomUUID().toString(), i + ".0", i + 1)), 0));
    }
    assertThat(small.pointerCount()).as("a pointer per cached row, not per row ever cached").isLessThanOrEqualTo(20);
    for (int i = 0; i < 1_000; i++) {
      for (Memory m : await(small.byKeys("t", List.of(i + ".0"))).memories()) {
        assertThat(await(small.byIds("t", List.of(m.id()))).memories()).containsExactly(m);
      }
    }
  }

  @Test
  void emptyCoordinatesAreReportedUntilAChangeOrAFillThere() {
    long generation = await(cache.byKey("t", "1.0")).generation();
    assertThat(await(cache.fillAbsent("t", List.of("1.0", "2.0"), generation))).isEqualTo(2);
    assertThat(await(cache.byKeys("t", List.of("1.0", "2.0", "3.0"))).absent()).containsExactlyInAnyOrder("1.0", "2.0");
    assertThat(await(cache.byKeys("u", List.of("1.0"))).absent()).as("another tenant").isEmpty();
    assertThat(await(cache.byIds("t", List.of("1.0"))).absent()).isEmpty();

    await(cache.invalidate("t", List.of(new Cache.Change("1.0", 5))));
    assertThat(await(cache.byKeys("t", List.of("1.0", "2.0"))).absent()).containsExactly("2.0");
    Memory there = memory("t", "id-2", "2.0", 6);
    await(cache.fill("t", List.of(there), generation));
    Cache.Hits hits = await(cache.byKeys("t", List.of("1.0", "2.0")));
    assertThat(hits.memories()).containsExactly(there);
    assertThat(hits.absent()).isEmpty();
  }

  @Test
  void anEmptyCoordinateIsRefusedAfterAChangeAFlushOrWithARowThere() {
    long generation = await(cache.byKey("t", "1.0")).generation();
    await(cache.invalidate("t", List.of(new Cache.Change("1.0", 5))));
    await(cache.fill("t", List.of(memory("t", "id-3", "3.0", 7)), generation));
    assertThat(await(cache.fillAbsent("t", List.of("1.0", "3.0"), generation)))
        .as("1.0 changed since the read; 3.0 holds a row").isZero();
    long flushed = await(cache.clear());
    assertThat(await(cache.fillAbsent("t", List.of("4.0"), generation))).as("read before the flush").isZero();
    assertThat(await(cache.fillAbsent("t", List.of("4.0"), flushed))).isEqualTo(1);
    await(cache.clear());
    assertThat(await(cache.byKeys("t", List.of("4.0"))).absent()).as("a flush forgets").isEmpty();
  }

  @Test
  void aRowReplacedAtItsCoordinateByAnotherIdIsNoLongerFoundById() {
    Memory before = memory("t", "id-before", "3.0", 1);
    Memory after = memory("t", "id-after", "3.0", 2);
    await(cache.fill("t", List.of(before), 0));
    await(cache.fill("t", List.of(after), 0));

    assertThat(await(cache.byIds("t", List.of("id-before", "id-after"))).memories()).containsExactly(after);
    assertThat(await(cache.byKeys("t", List.of("3.0"))).memories()).containsExactly(after);
  }
}
