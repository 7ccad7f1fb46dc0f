package org.somafractal.memory.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code soma range}: {@code GET /memories/range}. */
@Command(name = "range", mixinStandardHelpOptions = true,
    description = "Memories whose coordinates lie in an inclusive box.")
public final class RangeCmd extends ClientCommand {
  @Option(names = "--min", required = true, description = "Lower corner, e.g. 0,0,0.")
  String min;

  @Option(names = "--max", required = true, description = "Upper corner, e.g. 5,5,5.")
  String max;

  @Option(names = "--type", description = "Only this memory type.")
  String type;

  @Option(names = "--limit", description = "Most memories returned (server default 1000).")
  Integer limit;

  @Override
  int run(SomaHttp http) {
    print(http.call("GET", Query.path("/memories/range").add("min", min).add("max", max).add("memory_type", type)
        .add("limit", limit).toString(), null));
    return 0;
  }
}
