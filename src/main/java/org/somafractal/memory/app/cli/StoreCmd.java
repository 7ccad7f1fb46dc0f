package org.somafractal.memory.app.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code soma store}: {@code POST /memories}. */
@Command(name = "store", mixinStandardHelpOptions = true, description = "Store one memory (POST /memories).")
public final class StoreCmd extends ClientCommand {
  @Option(names = "--coord", description = "Coordinate, e.g. 1,2,3 (default: the server chooses one).")
  String coord;

  @Option(names = "--payload", required = true, converter = JsonConverter.class,
      description = "The memory, a JSON object, e.g. '{\"content\": \"...\"}'.")
  JsonObject payload;

  @Option(names = "--type", description = "episodic (server default), semantic or summary.")
  String type;

  @Option(names = "--importance", description = "A number (server default 1).")
  Double importance;

  @Option(names = "--metadata", converter = JsonConverter.class, description = "A JSON object of metadata.")
  JsonObject metadata;

  @Override
  int run(SomaHttp http) {
    JsonObject body = new JsonObject().put("payload", payload);
    putIfSet(body, "coord", coord);
    putIfSet(body, "memory_type", type);
    putIfSet(body, "importance", importance);
    putIfSet(body, "metadata", metadata);
    print(http.call("POST", "/memories", body));
    return 0;
  }

  static void putIfSet(JsonObject body, String field, Object value) {
    if (value != null) {
      body.put(field, value);
    }
  }
}
