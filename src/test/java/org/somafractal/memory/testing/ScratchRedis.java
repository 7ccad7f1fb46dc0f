package org.somafractal.memory.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of the test's own on a free loopback port, with its append-only file in a temporary
 * directory (fsync on every write), so that a restart after a {@link #kill} finds the keys it had, as a production
 * Redis with persistence does. The machine's own Redis is never touched. When {@code redis-server} is not on the
 * PATH the calling test is skipped, unless the environment variable {@code CI} is set: then it fails.
 */
public final class ScratchRedis implements AutoCloseable {
  private final Path binary;
  private final Path dir;
  private final int port;
  private Process process;

  private ScratchRedis(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
  }

  /** Starts the server and waits until it answers PING. */
  public static ScratchRedis start() {
    Path binary = onPath("redis-server");
    if (binary == null) {
      ScratchProcesses.missing("redis-server is not on the PATH; install redis-server to run the Redis fault tests");
    }
    try {
      ScratchRedis redis = new ScratchRedis(binary, Files.createTempDirectory("soma-redis-"),
          ScratchPostgres.freePort());
      redis.restart();
      return redis;
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a scratch directory", e);
    }
  }

  private static Path onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** The URL, as REDIS_URL takes it. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again) on the same port and directory, waiting until it answers. */
  public synchronized void restart() {
    try {
      process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port), "--bind",
          "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always",
          "--protected-mode", "no", "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()))
          .redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server", e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!answers()) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("redis-server did not start: " + ScratchProcesses.read(dir.resolve("redis.log")));
      }
      sleep(20);
    }
  }

  /** Kills the server at once (SIGKILL), as a crash would; what it had written to its append-only file stays. */
  public synchronized void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as with a Redis that is very slow. */
  public synchronized void pause() {
    ScratchProcesses.signal(process.pid(), "STOP");
  }

  /** Lets a paused server go on (SIGCONT). */
  public synchronized void resume() {
    ScratchProcesses.signal(process.pid(), "CONT");
  }

  /** Whether it answers PING within a second. */
  public boolean answers() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      return n == 7 && new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      resume();
      kill();
    }
    ScratchProcesses.deleteTree(dir);
  }
}
