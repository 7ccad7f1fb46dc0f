package org.somafractal.memory.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.function.Function;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.SomaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed request/reply over the event bus with {@link LocalCodec}: the one place where a service call becomes a
 * message and a failure keeps its {@link ErrorKind} across the hop (the kind's status travels as the failure code).
 */
public final class Bus {
  private static final Logger LOG = LoggerFactory.getLogger(Bus.class);

  private Bus() {
  }

  /** Registers the local codec once per Vert.x instance. */
  public static void registerCodec(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new LocalCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // a second deployment in the same Vert.x instance: the codec is there already
    }
  }

  /** Sends {@code body} to {@code address} and maps the reply body, or the failure, back to the caller. */
  @SuppressWarnings("unchecked")
  public static <T> Future<T> request(Vertx vertx, String address, Object body, long timeoutMs) {
    DeliveryOptions options = new DeliveryOptions().setCodecName(LocalCodec.NAME).setSendTimeout(timeoutMs);
    return vertx.eventBus().request(address, body, options)
        .map(message -> (T) message.body())
        .recover(Bus::translate);
  }

  /**
   * Serves {@code address}: each request body goes to {@code handler}; its result is the reply. A
   * {@link SomaException} replies with its kind; anything else is logged and replies as an internal error without
   * details.
   */
  public static MessageConsumer<Object> serve(Vertx vertx, String address, Function<Object, Future<?>> handler) {
    DeliveryOptions replyOptions = new DeliveryOptions().setCodecName(LocalCodec.NAME);
    return vertx.eventBus().consumer(address, (Message<Object> message) -> {
      Future<?> result;
      try {
        result = handler.apply(message.body());
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          message.reply(ar.result(), replyOptions);
        } else {
          fail(address, message, ar.cause());
        }
      });
    });
  }

  private static void fail(String address, Message<Object> message, Throwable cause) {
    if (cause instanceof SomaException e) {
      message.fail(e.kind().status(), e.getMessage());
    } else {
      LOG.error("Request to {} failed", address, cause);
      message.fail(ErrorKind.INTERNAL.status(), "internal error at " + address);
    }
  }

  private static <T> Future<T> translate(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return Future.failedFuture(new SomaException(ErrorKind.ofStatus(reply.failureCode()), reply.getMessage()));
      }
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return Future.failedFuture(SomaException.unavailable("a backend did not answer in time"));
      }
      return Future.failedFuture(SomaException.unavailable("a backend is not running"));
    }
    return Future.failedFuture(failure);
  }
}
