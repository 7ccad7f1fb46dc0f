package org.somafractal.memory.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code soma delete}: {@code DELETE /memories/{coord}}; deleting nothing is not an error, as on the server. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete the memory at a coordinate.")
public final class DeleteCmd extends ClientCommand {
  @Option(names = "--coord", required = true, description = "Coordinate, e.g. 1,2,3.")
  String coord;

  @Override
  int run(SomaHttp http) {
    print(http.call("DELETE", "/memories/" + Query.segment(coord), null));
    return 0;
  }
}
