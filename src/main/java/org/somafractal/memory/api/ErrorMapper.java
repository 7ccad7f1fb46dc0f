package org.somafractal.memory.api;

import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.SomaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: {@code {"detail": "...", "code": "..."}} with the status of the
 * failure's {@link ErrorKind}. Expected failures keep their message; anything unexpected is logged with its stack
 * trace and answers a 500 without details, so no stack trace ever reaches a client.
 */
final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
  private static final String RETRY_AFTER_SECONDS = "1";

  private ErrorMapper() {
  }

  /** The router's failure handler. */
  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ErrorKind kind;
    String detail;
    if (failure instanceof SomaException e) {
      kind = e.kind();
      detail = e.getMessage();
    } else if (failure instanceof DecodeException) {
      kind = ErrorKind.MALFORMED;
      detail = "Malformed JSON body";
    } else if (failure instanceof HttpException e) {
      kind = ErrorKind.ofStatus(e.getStatusCode());
      detail = e.getPayload() != null ? e.getPayload() : defaultDetail(e.getStatusCode());
      if (kind == ErrorKind.INTERNAL && e.getStatusCode() != 500) {
        send(ctx, e.getStatusCode(), "http_" + e.getStatusCode(), detail);
        return;
      }
    } else if (failure == null) {
      kind = ErrorKind.ofStatus(ctx.statusCode());
      detail = defaultDetail(ctx.statusCode());
      if (kind == ErrorKind.INTERNAL && ctx.statusCode() != 500) {
        send(ctx, ctx.statusCode(), "http_" + ctx.statusCode(), detail);
        return;
      }
    } else {
      LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      kind = ErrorKind.INTERNAL;
      detail = "Internal error";
    }
    send(ctx, kind.status(), kind.name().toLowerCase(java.util.Locale.ROOT), detail);
  }

  /**
   * The HTTP server's handler of requests its decoder could not parse (before any route): too long a request line or
   * too large headers answer 414 or 431 with the usual JSON error and close the connection; anything else closes it,
   * as Vert.x does by default.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
    int status;
    String detail;
    if (cause instanceof TooLongFrameException && message.startsWith("An HTTP line is larger than")) {
      status = 414;
      detail = "Request line too long";
    } else if (cause instanceof TooLongFrameException && message.startsWith("HTTP header is larger than")) {
      status = 431;
      detail = "Request header fields too large";
    } else if (cause != null) {
      status = 400;
      detail = "Malformed HTTP request";
    } else {
      request.connection().close();
      return;
    }
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(new JsonObject().put("detail", detail).put("code", "http_" + status).encode());
  }

  static void send(RoutingContext ctx, int status, String code, String detail) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json");
    if (status == 503 || status == 429) {
      response.putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"soma\"");
    }
    response.end(new JsonObject().put("detail", detail).put("code", code).encode());
  }

  private static String defaultDetail(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 404 -> "Not Found";
      case 405 -> "Method not allowed";
      case 413 -> "Request entity too large";
      case 415 -> "Unsupported media type";
      default -> "Request failed";
    };
  }
}
