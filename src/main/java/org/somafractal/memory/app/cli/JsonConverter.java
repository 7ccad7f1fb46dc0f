package org.somafractal.memory.app.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses an option value as a JSON object; anything else is a usage error, reported in one line. */
public final class JsonConverter implements ITypeConverter<JsonObject> {
  @Override
  public JsonObject convert(String value) {
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(value);
    } catch (DecodeException e) {
      throw new TypeConversionException("not valid JSON: " + firstLine(e.getMessage()));
    }
    if (!(parsed instanceof JsonObject object)) {
      throw new TypeConversionException("expected a JSON object like '{\"content\": \"...\"}'");
    }
    return object;
  }

  /** Jackson's messages run over several lines and quote the whole source; the first clause is what helps. */
  private static String firstLine(String message) {
    if (message == null) {
      return "malformed";
    }
    String line = message.lines().findFirst().orElse(message);
    int source = line.indexOf(" at [Source");
    line = source > 0 ? line.substring(0, source) : line;
    return line.replace("Failed to decode:", "").trim();
  }
}
