package org.somafractal.memory.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code soma get}: {@code GET /memories/{coord}}. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Get the memory at a coordinate.")
public final class GetCmd extends ClientCommand {
  @Option(names = "--coord", required = true, description = "Coordinate, e.g. 1,2,3.")
  String coord;

  @Override
  int run(SomaHttp http) {
    print(http.call("GET", "/memories/" + Query.segment(coord), null));
    return 0;
  }
}
