package org.somafractal.memory.app.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code soma link}: {@code POST /graph/link}. */
@Command(name = "link", mixinStandardHelpOptions = true, description = "Link two memories (POST /graph/link).")
public final class LinkCmd extends ClientCommand {
  @Option(names = "--from", required = true, description = "Coordinate of the source memory.")
  String from;

  @Option(names = "--to", required = true, description = "Coordinate of the target memory.")
  String to;

  @Option(names = "--type", description = "Link type, e.g. related (server default).")
  String type;

  @Option(names = "--strength", description = "Link strength (server default).")
  Double strength;

  @Option(names = "--metadata", converter = JsonConverter.class, description = "A JSON object of link metadata.")
  JsonObject metadata;

  @Override
  int run(SomaHttp http) {
    JsonObject body = new JsonObject().put("from_coord", from).put("to_coord", to);
    StoreCmd.putIfSet(body, "link_type", type);
    StoreCmd.putIfSet(body, "strength", strength);
    StoreCmd.putIfSet(body, "metadata", metadata);
    print(http.call("POST", "/graph/link", body));
    return 0;
  }
}
