package org.somafractal.memory.limits;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Handler;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import org.somafractal.memory.core.SomaException;

/**
 * Refuses hostile JSON before any handler decodes it: nesting deeper than {@code SOMA_MAX_JSON_DEPTH}, or one string
 * (value or field name) longer than {@code SOMA_MAX_STRING_CHARS}. The check streams over the bytes with Jackson's
 * token parser, so it builds no tree and costs one pass. A body that is not well-formed JSON is left to the handler,
 * which answers its usual 400. Thread-safe and stateless.
 */
public final class JsonLimits implements Handler<RoutingContext> {
  private static final JsonFactory FACTORY = new JsonFactory();

  private final int maxDepth;
  private final int maxStringChars;

  public JsonLimits(int maxDepth, int maxStringChars) {
    this.maxDepth = maxDepth;
    this.maxStringChars = maxStringChars;
  }

  /** Route handler, after the body handler: fails the request with a 400 when the body breaks a limit. */
  @Override
  public void handle(RoutingContext ctx) {
    RequestBody body = ctx.body();
    if (body != null && body.length() > 0) {
      try {
        check(body.buffer().getBytes());
      } catch (SomaException e) {
        ctx.fail(e);
        return;
      }
    }
    ctx.next();
  }

  /**
   * Checks one JSON document.
   *
   * @throws SomaException MALFORMED (400) naming the limit that was broken
   */
  public void check(byte[] json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      int depth = 0;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case START_OBJECT, START_ARRAY -> {
            if (++depth > maxDepth) {
              throw SomaException.malformed("JSON nesting is deeper than " + maxDepth + " levels (SOMA_MAX_JSON_DEPTH)");
            }
          }
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME, VALUE_STRING -> {
            if (parser.getTextLength() > maxStringChars) {
              throw SomaException.malformed("A JSON string is longer than " + maxStringChars
                  + " characters (SOMA_MAX_STRING_CHARS)");
            }
          }
          default -> {
          }
        }
      }
    } catch (IOException notJson) {
      // Malformed JSON is the handler's to report, with the same 400 as without this check.
    }
  }
}
