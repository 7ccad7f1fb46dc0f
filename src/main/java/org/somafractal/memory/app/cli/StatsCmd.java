package org.somafractal.memory.app.cli;

import picocli.CommandLine.Command;

/** {@code soma stats}: {@code GET /stats}. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "The tenant's memory counts.")
public final class StatsCmd extends ClientCommand {
  @Override
  int run(SomaHttp http) {
    print(http.call("GET", "/stats", null));
    return 0;
  }
}
