package org.somafractal.memory.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code soma path}: {@code GET /graph/path}. */
@Command(name = "path", mixinStandardHelpOptions = true,
    description = "A path of links between two memories (GET /graph/path).")
public final class PathCmd extends ClientCommand {
  @Option(names = "--from", required = true, description = "Coordinate of the first memory.")
  String from;

  @Option(names = "--to", required = true, description = "Coordinate of the last memory.")
  String to;

  @Option(names = "--max-length", description = "Most links in the path.")
  Integer maxLength;

  @Option(names = "--type", description = "Only links of this type.")
  String linkType;

  @Option(names = "--by", description = "What the path minimises (see the server's documentation).")
  String by;

  @Override
  int run(SomaHttp http) {
    print(http.call("GET", Query.path("/graph/path").add("from_coord", from).add("to_coord", to)
        .add("max_length", maxLength).add("link_type", linkType).add("by", by).toString(), null));
    return 0;
  }
}
