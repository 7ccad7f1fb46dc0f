package org.somafractal.memory.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.somafractal.memory.app.cli.BulkCmd;
import org.somafractal.memory.app.cli.CliException;
import org.somafractal.memory.app.cli.DeleteCmd;
import org.somafractal.memory.app.cli.ExportCmd;
import org.somafractal.memory.app.cli.GetCmd;
import org.somafractal.memory.app.cli.HealthCmd;
import org.somafractal.memory.app.cli.ImportCmd;
import org.somafractal.memory.app.cli.LinkCmd;
import org.somafractal.memory.app.cli.NeighborsCmd;
import org.somafractal.memory.app.cli.PathCmd;
import org.somafractal.memory.app.cli.RangeCmd;
import org.somafractal.memory.app.cli.SearchCmd;
import org.somafractal.memory.app.cli.StatsCmd;
import org.somafractal.memory.app.cli.StoreCmd;
import org.somafractal.memory.config.ConfigException;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.consumer.SomaConsumer;
import org.somafractal.memory.metrics.Metrics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The {@code soma} command: {@code serve} runs the server (the default), {@code bench} runs the built-in benchmarks,
 * and the client commands ({@code store}, {@code search}, ...) talk to a running server over HTTP.
 */
@Command(name = "soma", mixinStandardHelpOptions = true, version = "soma 0.1.0",
    description = "SomaFractalMemory: a long-term memory server for AI agents.",
    subcommands = {Main.Serve.class, Main.Consumer.class, Main.Bench.class, Main.Config.class, StoreCmd.class, GetCmd.class,
        DeleteCmd.class, SearchCmd.class, RangeCmd.class, StatsCmd.class, HealthCmd.class, BulkCmd.class,
        LinkCmd.class, NeighborsCmd.class, PathCmd.class, ExportCmd.class, ImportCmd.class})
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    String[] effective = args.length == 0 ? new String[] {"serve"} : args;
    int code = commandLine().execute(effective);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * The command line with its error policy: every failure is one line on stderr, {@code soma: <what>}, with exit
   * code 2 for usage errors and 1 for a server that refused or could not be reached. Scripts parse stdout; people
   * read the one line.
   */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Main());
    cmd.setParameterExceptionHandler((e, args) -> {
      e.getCommandLine().getErr().println("soma: " + oneLine(e.getMessage()) + " (see soma "
          + e.getCommandLine().getCommandName() + " --help)");
      e.getCommandLine().getErr().flush();
      return CliException.USAGE;
    });
    cmd.setExecutionExceptionHandler((e, command, parseResult) -> {
      int code = e instanceof CliException c ? c.exitCode() : CliException.SERVER;
      String message = e instanceof CliException ? e.getMessage()
          : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      command.getErr().println("soma: " + oneLine(message));
      command.getErr().flush();
      return code;
    });
    return cmd;
  }

  private static String oneLine(String message) {
    return String.valueOf(message).replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  /** Runs the server until the process is stopped; configuration comes from conf/, the environment and -D. */
  @Command(name = "serve", description = "Run the memory server (configuration: conf/soma.properties and env).")
  static final class Serve implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      return runUntilStopped(SomaServer::start, SomaServer::stop);
    }
  }

  /**
   * Runs the event consumer until the process is stopped: reads memory.events into the event_log table, with its own
   * metrics port. Configuration as for serve.
   */
  @Command(name = "consumer", description = "Consume memory.events into PostgreSQL's event_log (needs "
      + "KAFKA_BOOTSTRAP_SERVERS and POSTGRES_URL; metrics on SOMA_CONSUMER_METRICS_PORT).")
  static final class Consumer implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      return runUntilStopped(SomaConsumer::start, SomaConsumer::stop);
    }
  }

  /**
   * Starts a deployment on a Vert.x instance with metrics and blocks until the process is stopped (the shutdown hook
   * stops the deployment, then Vert.x); a start-up failure prints one line and answers exit code 2.
   */
  private static <T> int runUntilStopped(BiFunction<Vertx, SomaConfig, Future<T>> start,
      Function<T, Future<Void>> stop) throws InterruptedException {
    Vertx vertx = Metrics.vertx(new VertxOptions());
    CountDownLatch stopped = new CountDownLatch(1);
    List<T> running = new java.util.concurrent.CopyOnWriteArrayList<>();
    int[] exit = {0};
    SomaConfig.load(vertx).compose(config -> start.apply(vertx, config)).onComplete(ar -> {
      if (ar.succeeded()) {
        running.add(ar.result());
        return;
      }
      Throwable cause = ar.cause();
      System.err.println(cause instanceof ConfigException ? cause.getMessage() : "Start-up failed: " + cause);
      exit[0] = 2;
      vertx.close().onComplete(v -> stopped.countDown());
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (T deployment : running) {
        stop.apply(deployment).eventually(vertx::close).toCompletionStage().toCompletableFuture().join();
      }
    }, "soma-shutdown"));
    stopped.await();
    return exit[0];
  }

  /** Prints every configuration key as a Markdown table: the README's table is this output. */
  @Command(name = "config", description = "Print every configuration key with its type, default and meaning.")
  static final class Config implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.print(org.somafractal.memory.config.Settings.markdownTable());
      return 0;
    }
  }

  /** Benchmarks that print their figures; see docs/benchmarks.md. */
  @Command(name = "bench", description = "Run a benchmark: fastcore | embed | store | locomo | security | events | "
      + "cache (see docs/benchmarks.md).")
  static final class Bench implements Callable<Integer> {
    @Parameters(index = "0", description = "fastcore | embed | store | locomo | security | events | cache")
    String which;

    @CommandLine.Unmatched
    List<String> rest = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
      String[] args = rest.toArray(new String[0]);
      switch (which) {
        case "fastcore" -> org.somafractal.memory.vector.fastcore.FastCoreBench.main(args);
        case "embed" -> org.somafractal.memory.embed.EmbedBench.main(args);
        case "store" -> StoreBench.main(args);
        case "locomo" -> LocomoBench.main(args);
        case "events" -> EventsBench.main(args);
        case "security" -> SecurityBench.main(args);
        case "cache" -> org.somafractal.memory.store.cache.CacheBench.main(args);
        default -> {
          System.err.println("unknown benchmark '" + which + "': use fastcore, embed, store, locomo, security, events "
              + "or cache");
          return 2;
        }
      }
      return 0;
    }
  }
}
