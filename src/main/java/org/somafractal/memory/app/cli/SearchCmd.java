package org.somafractal.memory.app.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code soma search}: {@code POST /memories/search}. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Search memories by meaning and words.")
public final class SearchCmd extends ClientCommand {
  @Option(names = "--query", required = true, description = "The query text.")
  String query;

  @Option(names = "--top-k", description = "How many results (server default 5).")
  Integer topK;

  @Option(names = "--offset", description = "Results to skip, for paging.")
  Integer offset;

  @Option(names = "--type", description = "Memory type(s), comma separated: episodic, semantic, summary.")
  String type;

  @Option(names = "--mode", description = "hybrid (default), vector or lexical.")
  String mode;

  @Option(names = "--filters", converter = JsonConverter.class,
      description = "Metadata equality filters, a JSON object, e.g. '{\"user.id\": \"ana\"}'.")
  JsonObject filters;

  @Override
  int run(SomaHttp http) {
    JsonObject body = new JsonObject().put("query", query);
    StoreCmd.putIfSet(body, "top_k", topK);
    StoreCmd.putIfSet(body, "offset", offset);
    StoreCmd.putIfSet(body, "memory_type", type);
    StoreCmd.putIfSet(body, "mode", mode);
    StoreCmd.putIfSet(body, "filters", filters);
    print(http.call("POST", "/memories/search", body));
    return 0;
  }
}
