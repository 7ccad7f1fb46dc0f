package org.somafractal.memory.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The event schema and the outbox-row-to-event mapping: what the relay publishes passes, anything else fails. */
class EventSchemaTest {
  private final EventSchema schema = EventSchema.load();
  private static final String MEMORY_ID = "0b6f1c1e-8f1e-4a57-9a39-0d1d2b7f1a11";

  static JsonObject storedUpsert(String type) {
    ByteBuffer vector = ByteBuffer.allocate(3 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .putFloat(0.5f).putFloat(-0.25f).putFloat(1f);
    return new JsonObject().put("type", type).put("tenant", "acme").put("id", MEMORY_ID).put("coord", "1.0,2.0")
        .put("memory_type", 1).put("seq", 42).put("at", 1_700_000_000_000L)
        .put("payload", new JsonObject().put("content", "green tea")).put("metadata", new JsonObject())
        .put("importance", 2.0).put("model_id", "all-minilm-l6-v2-q")
        .put("embedding", Base64.getMimeEncoder().encodeToString(vector.array()));
  }

  @Test
  void aCreatedRowBecomesAValidEventWithEveryField() {
    UUID eventId = UUID.randomUUID();
    JsonObject event = MemoryEvents.fromOutbox(eventId, storedUpsert("created").put("origin", "node-1"), true);
    assertThat(schema.problem(event)).isNull();
    assertThat(event.getString("origin")).isEqualTo("node-1");
    assertThat(event.getInteger("schema_version")).isEqualTo(1);
    assertThat(event.getString("event_id")).isEqualTo(eventId.toString());
    assertThat(event.getString("id")).isEqualTo(MEMORY_ID);
    assertThat(event.getString("namespace")).isEqualTo("acme");
    assertThat(event.getString("timestamp")).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(event.getString("memory_type")).isEqualTo("semantic");
    assertThat(event.getString("model_revision")).isEqualTo("all-minilm-l6-v2-q");
    assertThat(event.getJsonArray("embedding")).isEqualTo(new JsonArray().add(0.5f).add(-0.25f).add(1f));
    assertThat(MemoryEvents.key(event)).isEqualTo("acme/" + MEMORY_ID);
    JsonObject lean = MemoryEvents.fromOutbox(eventId, storedUpsert("created"), false);
    assertThat(lean.containsKey("embedding")).isFalse();
    assertThat(schema.problem(lean)).isNull();
  }

  @Test
  void rowsWrittenBeforeTheTypeFieldUseOp() {
    JsonObject stored = storedUpsert("updated");
    stored.remove("type");
    stored.put("op", "updated");
    assertThat(schema.problem(MemoryEvents.fromOutbox(UUID.randomUUID(), stored, true))).isNull();
  }

  @Test
  void deletesAndLinksAreValid() {
    JsonObject deleted = new JsonObject().put("type", "deleted").put("tenant", "acme").put("id", MEMORY_ID)
        .put("coord", "1.0").put("seq", 7).put("at", 1L);
    JsonObject event = MemoryEvents.fromOutbox(UUID.randomUUID(), deleted, true);
    assertThat(schema.problem(event)).isNull();
    assertThat(event.getValue("payload")).isNull();

    JsonObject linked = new JsonObject().put("type", "linked").put("tenant", "acme").put("id", MEMORY_ID)
        .put("from", "1.0").put("to", "2.0").put("link_type", "related").put("strength", 0.5)
        .put("metadata", new JsonObject()).put("created_at", 5L).put("at", 6L);
    JsonObject link = MemoryEvents.fromOutbox(UUID.randomUUID(), linked, true);
    assertThat(schema.problem(link)).isNull();
    assertThat(link.getJsonObject("payload").getString("created_at")).isEqualTo("1970-01-01T00:00:00.005Z");

    JsonObject dangling = new JsonObject().put("type", "unlinked").put("tenant", "acme").putNull("id")
        .put("from", "1.0").put("to", "2.0").put("link_type", "related").put("at", 6L);
    JsonObject unlink = MemoryEvents.fromOutbox(UUID.randomUUID(), dangling, true);
    assertThat(schema.problem(unlink)).isNull();
    assertThat(MemoryEvents.key(unlink)).isEqualTo("acme/coord:1.0");
  }

  @Test
  void eventsMissingOrBreakingAFieldAreRefusedWithTheLocation() {
    JsonObject good = MemoryEvents.fromOutbox(UUID.randomUUID(), storedUpsert("created"), true);
    assertThat(schema.problem(good.copy().put("type", "exploded"))).contains("/type");
    assertThat(schema.problem(good.copy().put("event_id", "not-a-uuid"))).contains("/event_id");
    assertThat(schema.problem(good.copy().put("timestamp", "yesterday"))).contains("/timestamp");
    assertThat(schema.problem(good.copy().put("tenant", "has space"))).contains("/tenant");
    assertThat(schema.problem(good.copy().put("surprise", true))).isNotNull();
    assertThat(schema.problem(good.copy().put("schema_version", 2))).contains("/schema_version");
    JsonObject noSeq = good.copy();
    noSeq.remove("seq");
    assertThat(schema.problem(noSeq)).isNotNull();
    assertThat(schema.problem(good.copy().put("payload", "a string"))).contains("/payload");
    JsonObject deletedWithPayload = good.copy().put("type", "deleted");
    assertThat(schema.problem(deletedWithPayload)).contains("/payload");
    JsonObject linkWithoutTarget = good.copy().put("type", "linked")
        .put("payload", new JsonObject().put("from", "1.0").put("link_type", "x"));
    assertThat(schema.problem(linkWithoutTarget)).isNotNull();
    JsonObject storedWithoutTenant = storedUpsert("created");
    storedWithoutTenant.remove("tenant");
    assertThat(schema.problem(MemoryEvents.fromOutbox(UUID.randomUUID(), storedWithoutTenant, true))).isNotNull();
  }
}
