package org.somafractal.memory.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}), so a call sends its arguments and not the script; Redis answers
 * {@code NOSCRIPT} the first time, or after a restart, and {@link RedisConnection#eval} then sends it whole once.
 * Scripts take no {@code KEYS}: every argument is in {@code ARGV}.
 */
public final class RedisScript {
  private final String source;
  private final String sha1;

  public RedisScript(String source) {
    this.source = source;
    try {
      this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every Java platform", e);
    }
  }

  Request bySha(List<?> args) {
    return withArgs(Request.cmd(Command.EVALSHA).arg(sha1).arg(0), args);
  }

  Request whole(List<?> args) {
    return withArgs(Request.cmd(Command.EVAL).arg(source).arg(0), args);
  }

  /** Whether {@code failure} is Redis saying it does not know the script yet. */
  static boolean unknown(Throwable failure) {
    return String.valueOf(failure.getMessage()).startsWith("NOSCRIPT");
  }

  private static Request withArgs(Request request, List<?> args) {
    for (Object a : args) {
      if (a instanceof byte[] bytes) {
        request.arg(bytes);
      } else {
        request.arg(String.valueOf(a));
      }
    }
    return request;
  }
}
