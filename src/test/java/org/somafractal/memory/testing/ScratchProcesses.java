package org.somafractal.memory.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * What the fault tests' own server processes share: skipping when a binary is missing (failing under {@code CI}),
 * running a command to completion with a timeout, and deleting a scratch directory.
 */
final class ScratchProcesses {
  private ScratchProcesses() {
  }

  /** Skips the calling test with {@code message}, or fails it when the environment variable CI is set. */
  static void missing(String message) {
    if (System.getenv("CI") != null) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  /** Runs {@code command} and waits for it; throws with its output when it fails or takes over {@code seconds}. */
  static String run(List<String> command, Path log, int seconds) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " took over " + seconds + " s: " + read(log));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + ": "
            + read(log));
      }
      return read(log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends {@code signal} (STOP, CONT, KILL, ...) to a process of ours. */
  static void signal(long pid, String signal) {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(pid)));
    try {
      Path log = Files.createTempFile("soma-kill-", ".log");
      run(command, log, 10);
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a scratch directory under the system temp dir; what is left is harmless
    }
  }
}
