package org.somafractal.memory.app.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shape of every client command: the shared options, one HTTP client per invocation, and printing to the
 * command line's own writers (so tests, and callers embedding picocli, can capture them).
 */
abstract class ClientCommand implements Callable<Integer> {
  @Mixin
  ClientOptions options;

  @Spec
  CommandSpec spec;

  /** Runs the command against the server; returns the exit code. */
  abstract int run(SomaHttp http) throws Exception;

  @Override
  public final Integer call() throws Exception {
    if (options.timeoutSeconds < 1) {
      throw new CliException(CliException.USAGE, "--timeout must be at least 1 second");
    }
    try (SomaHttp http = new SomaHttp(options)) {
      return run(http);
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Pretty JSON, or with {@code --table} a table when the answer holds memories. */
  void print(JsonObject answer) {
    String table = options.table ? MemoryTable.render(answer) : null;
    out().println(table != null ? table : answer.encodePrettily());
    out().flush();
  }
}
