package org.somafractal.memory.app.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lines and bytes moved so far, rewritten in place on stderr with {@code \r} at most a few times a second. It only
 * draws when asked ({@code --progress}) or when stderr is a terminal, so logs and pipes never fill with it.
 */
final class Progress {
  private static final long INTERVAL_NANOS = 200_000_000L;

  private final PrintWriter err;
  private final boolean enabled;
  private final String verb;
  private long lines;
  private long bytes;
  private long lastDraw;

  Progress(PrintWriter err, boolean requested, String verb) {
    this.err = err;
    this.enabled = requested || stderrIsTerminal();
    this.verb = verb;
  }

  long lines() {
    return lines;
  }

  long bytes() {
    return bytes;
  }

  /** Wraps a stream so every byte read through it is counted (and newlines as lines). */
  InputStream count(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          advance(b == '\n' ? 1 : 0, 1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int off, int len) throws IOException {
        int n = super.read(buffer, off, len);
        int newlines = 0;
        for (int i = off; i < off + n; i++) {
          if (buffer[i] == '\n') {
            newlines++;
          }
        }
        if (n > 0) {
          advance(newlines, n);
        }
        return n;
      }
    };
  }

  private synchronized void advance(int newLines, int newBytes) {
    lines += newLines;
    bytes += newBytes;
    long now = System.nanoTime();
    if (enabled && now - lastDraw >= INTERVAL_NANOS) {
      lastDraw = now;
      draw("");
    }
  }

  /** Draws the final figures and ends the line. */
  synchronized void finish() {
    if (enabled) {
      draw(System.lineSeparator());
    }
  }

  private void draw(String end) {
    err.print("\r" + verb + " " + lines + " lines, " + human(bytes) + end);
    err.flush();
  }

  private static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double kib = bytes / 1024.0;
    return kib < 1024 ? String.format("%.1f KiB", kib) : String.format("%.1f MiB", kib / 1024);
  }

  /**
   * Whether file descriptor 2 is a terminal. {@link System#console()} answers for stdin and stdout, not stderr, and
   * stdout is often redirected precisely when exporting; on Linux {@code /proc/self/fd/2} says what stderr really is.
   */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }
}
