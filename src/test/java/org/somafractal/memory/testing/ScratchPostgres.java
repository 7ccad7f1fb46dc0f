package org.somafractal.memory.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own, for tests that stop and restart it: a cluster made with {@code initdb} in a
 * temporary directory, listening on a free loopback port with trust authentication. The binaries are those of the
 * newest {@code /usr/lib/postgresql/<version>/bin} (or {@code SOMA_PG_BINDIR}); since {@code initdb} and
 * {@code postgres} refuse to run as root, they run as the {@code postgres} OS user (through {@code runuser}) when
 * the tests run as root, which owns the directory. The machine's own PostgreSQL is never touched.
 *
 * <p>When the binaries (or, as root, the {@code postgres} user) are missing the calling test is skipped, unless the
 * environment variable {@code CI} is set: then it fails.
 */
public final class ScratchPostgres implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asPostgresUser;

  private ScratchPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Creates the cluster and starts the server (about two seconds). */
  public static ScratchPostgres start() {
    Path bin = binaries();
    if (bin == null) {
      ScratchProcesses.missing("No PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or "
          + "SOMA_PG_BINDIR; install postgresql to run the PostgreSQL fault tests");
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root && !Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
      ScratchProcesses.missing("Running as root without runuser: initdb cannot run as the postgres user");
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("soma-pg-");
      if (root) {
        UserPrincipal postgres;
        try {
          postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        } catch (IOException e) {
          ScratchProcesses.deleteTree(dir);
          ScratchProcesses.missing("Running as root without a postgres OS user to run initdb as");
          return null;
        }
        Files.setOwner(dir, postgres);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a scratch directory", e);
    }
    ScratchPostgres pg = new ScratchPostgres(bin, dir, freePort(), root);
    try {
      pg.run("initdb", List.of("-D", pg.data().toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
          "--locale=C.UTF-8", "-N"));
      pg.restart();
      return pg;
    } catch (RuntimeException e) {
      ScratchProcesses.deleteTree(dir);
      throw e;
    }
  }

  private static Path binaries() {
    String configured = System.getenv("SOMA_PG_BINDIR");
    if (configured != null) {
      return Files.isExecutable(Path.of(configured, "initdb")) ? Path.of(configured) : null;
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb"))
              && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString()))).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static int version(String name) {
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path data() {
    return dir.resolve("data");
  }

  private String run(String tool, List<String> args) {
    List<String> command = new ArrayList<>();
    if (asPostgresUser) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(tool).toString());
    command.addAll(args);
    return ScratchProcesses.run(command, dir.resolve(tool + ".out"), 60);
  }

  /** The port it listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The URI of {@code database}, as POSTGRES_URL takes it. */
  public String url(String database) {
    return "postgresql://postgres@127.0.0.1:" + port + "/" + database;
  }

  /** Stops the server as a crash would: {@code pg_ctl stop -m immediate}, no checkpoint, connections cut. */
  public void crash() {
    run("pg_ctl", List.of("-D", data().toString(), "-m", "immediate", "-w", "stop"));
  }

  /** Starts the server (again), waiting until it accepts connections. */
  public void restart() {
    run("pg_ctl", List.of("-D", data().toString(), "-l", dir.resolve("postgres.log").toString(), "-w", "-t", "60",
        "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + dir, "start"));
  }

  /** The server's log, for failure messages. */
  public String log() {
    return ScratchProcesses.read(dir.resolve("postgres.log"));
  }

  /** Stops the server if it runs and deletes the cluster. */
  @Override
  public void close() {
    try {
      run("pg_ctl", List.of("-D", data().toString(), "-m", "immediate", "-w", "stop"));
    } catch (RuntimeException notRunning) {
      // stop fails when it is not running: nothing to stop
    } finally {
      ScratchProcesses.deleteTree(dir);
    }
  }
}
