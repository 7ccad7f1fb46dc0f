package org.somafractal.memory.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code soma neighbors}: {@code GET /graph/neighbors}. */
@Command(name = "neighbors", mixinStandardHelpOptions = true,
    description = "Memories linked to a memory (GET /graph/neighbors).")
public final class NeighborsCmd extends ClientCommand {
  @Option(names = "--coord", required = true, description = "Coordinate of the memory.")
  String coord;

  @Option(names = "--k-hop", description = "Hops to follow (server default 1).")
  Integer kHop;

  @Option(names = "--type", description = "Only links of this type.")
  String linkType;

  @Option(names = "--direction", description = "out, in or both.")
  String direction;

  @Option(names = "--limit", description = "Most neighbours returned.")
  Integer limit;

  @Option(names = "--offset", description = "Neighbours to skip, for paging.")
  Integer offset;

  @Override
  int run(SomaHttp http) {
    print(http.call("GET", Query.path("/graph/neighbors").add("coord", coord).add("k_hop", kHop)
        .add("link_type", linkType).add("direction", direction).add("limit", limit).add("offset", offset).toString(),
        null));
    return 0;
  }
}
