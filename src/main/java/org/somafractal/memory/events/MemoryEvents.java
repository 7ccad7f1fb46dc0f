package org.somafractal.memory.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.somafractal.memory.core.MemoryType;

/**
 * The wire form of a memory event (schema {@link EventSchema#RESOURCE}) built from an outbox row, and its Kafka key.
 * The outbox row holds what the PostgreSQL store wrote in the same statement as the change; this class only renames
 * and reshapes it (epoch milliseconds to ISO-8601, the memory type code to its name, the little-endian float32
 * embedding to numbers), so the store never needs to know the wire format and the schema can evolve in one place.
 * Stateless.
 */
public final class MemoryEvents {
  private MemoryEvents() {
  }

  /**
   * The event of one outbox row. A row missing a field the schema requires gives an event missing it too, which the
   * schema check then refuses: nothing is invented here.
   *
   * @param eventId the row's event id, fixed when the row was written
   * @param stored the row's {@code event} column
   * @param withEmbedding whether the event carries the memory's embedding
   */
  public static JsonObject fromOutbox(UUID eventId, JsonObject stored, boolean withEmbedding) {
    // "op" is the name rows written before schema version 3 of the database used.
    String type = stored.getString("type", stored.getString("op"));
    String tenant = stored.getString("tenant");
    JsonObject event = new JsonObject()
        .put("schema_version", EventSchema.VERSION)
        .put("event_id", eventId.toString())
        .put("id", stored.getString("id"))
        .put("tenant", tenant)
        .put("namespace", tenant)
        .put("type", type);
    if (stored.getString("origin") != null) {
      event.put("origin", stored.getString("origin"));
    }
    Long at = stored.getLong("at");
    if (at != null) {
      event.put("timestamp", Instant.ofEpochMilli(at).toString());
    }
    switch (type == null ? "" : type) {
      case "created", "updated" -> {
        copy(stored, event, "coord", "seq", "metadata", "importance");
        event.put("payload", stored.getValue("payload"));
        Integer code = stored.getInteger("memory_type");
        if (code != null) {
          event.put("memory_type", MemoryType.ofCode(code).wire());
        }
        if (stored.getString("model_id") != null) {
          event.put("model_revision", stored.getString("model_id"));
        }
        String embedding = stored.getString("embedding");
        if (embedding != null && withEmbedding) {
          event.put("embedding", floats(embedding));
        }
      }
      case "deleted" -> {
        copy(stored, event, "coord", "seq");
        event.putNull("payload");
      }
      case "linked", "unlinked" -> {
        JsonObject link = new JsonObject();
        copy(stored, link, "from", "to", "link_type", "strength", "metadata");
        Long createdAt = stored.getLong("created_at");
        if (createdAt != null) {
          link.put("created_at", Instant.ofEpochMilli(createdAt).toString());
        }
        event.put("payload", link);
      }
      default -> event.put("payload", stored.getValue("payload"));
    }
    return event;
  }

  /**
   * The Kafka key: tenant and memory id, so every event of one memory (and every link from it) lands on one
   * partition, in order. A link event without a memory at its source is keyed by its source coordinate instead.
   */
  public static String key(JsonObject event) {
    String id = event.getString("id");
    if (id == null) {
      JsonObject payload = event.getJsonObject("payload");
      id = "coord:" + (payload == null ? "" : payload.getString("from"));
    }
    return event.getString("tenant") + "/" + id;
  }

  /** The little-endian float32 vector, base64 as PostgreSQL's {@code encode} writes it (MIME line breaks). */
  private static JsonArray floats(String base64) {
    ByteBuffer bytes = ByteBuffer.wrap(Base64.getMimeDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
    JsonArray out = new JsonArray();
    while (bytes.remaining() >= Float.BYTES) {
      out.add(bytes.getFloat());
    }
    return out;
  }

  private static void copy(JsonObject from, JsonObject to, String... fields) {
    for (String field : fields) {
      if (from.containsKey(field)) {
        to.put(field, from.getValue(field));
      }
    }
  }
}
