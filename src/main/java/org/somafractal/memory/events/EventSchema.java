package org.somafractal.memory.events;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The versioned JSON schema of the events on {@code memory.events} ({@value #RESOURCE}), compiled once, and the one
 * check every producer and consumer runs: the relay before it publishes, {@code soma consumer} before it records.
 * Not thread-safe: give each verticle its own instance.
 */
public final class EventSchema {
  /** The classpath resource of the current schema version. */
  public static final String RESOURCE = "/schemas/memory-event-v1.json";
  /** The {@code schema_version} the current schema requires. */
  public static final int VERSION = 1;

  private final Validator validator;

  private EventSchema(Validator validator) {
    this.validator = validator;
  }

  /** Loads and compiles the schema from the classpath. */
  public static EventSchema load() {
    try (InputStream in = EventSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + RESOURCE);
      }
      JsonObject schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return new EventSchema(Validator.create(JsonSchema.of(schema), new JsonSchemaOptions()
          .setDraft(Draft.DRAFT202012).setBaseUri("https://somafractal.org/schemas/")
          .setOutputFormat(OutputFormat.Basic)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Why {@code event} does not match the schema, as one line naming each failing location, or {@code null} when it
   * matches.
   */
  public String problem(JsonObject event) {
    OutputUnit result = validator.validate(event);
    if (Boolean.TRUE.equals(result.getValid())) {
      return null;
    }
    List<String> problems = new ArrayList<>();
    if (result.getErrors() != null) {
      for (OutputUnit error : result.getErrors()) {
        String where = error.getInstanceLocation() == null || error.getInstanceLocation().isEmpty() ? "/"
            : error.getInstanceLocation();
        problems.add(where + ": " + error.getError());
      }
    }
    if (problems.isEmpty()) {
      problems.add(String.valueOf(result.getError()));
    }
    return String.join("; ", problems);
  }
}
