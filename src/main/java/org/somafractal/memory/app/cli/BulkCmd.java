package org.somafractal.memory.app.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code soma bulk}: stores the memories of a file with {@code POST /memories/bulk}, a chunk at a time. The file is
 * a JSON array of store bodies or NDJSON (one per line); it is read as a token stream, so only one chunk is ever in
 * memory. Each chunk is one transaction on the server: a failure says how many memories earlier chunks stored.
 */
@Command(name = "bulk", mixinStandardHelpOptions = true,
    description = "Store many memories from a JSON array or NDJSON file (POST /memories/bulk, in chunks).")
public final class BulkCmd extends ClientCommand {
  private static final JsonFactory JSON = new JsonFactory();

  @Option(names = "--file", required = true,
      description = "JSON array or NDJSON of store bodies ({\"coord\", \"payload\", ...}), or - for stdin.")
  String file;

  @Option(names = "--chunk", defaultValue = "500",
      description = "Memories per request (default ${DEFAULT-VALUE}; at most the server's SOMA_MAX_BATCH).")
  int chunk;

  @Override
  int run(SomaHttp http) throws IOException {
    if (chunk < 1) {
      throw new CliException(CliException.USAGE, "--chunk must be at least 1");
    }
    long stored = 0;
    int requests = 0;
    try (InputStream in = open(); JsonParser parser = JSON.createParser(in)) {
      JsonToken first = parser.nextToken();
      boolean array = first == JsonToken.START_ARRAY;
      JsonToken token = array ? parser.nextToken() : first;
      JsonArray items = new JsonArray();
      long item = 0;
      while (token != null && token != JsonToken.END_ARRAY) {
        if (token != JsonToken.START_OBJECT) {
          throw new CliException(CliException.USAGE, "--file item " + item + " is not a JSON object");
        }
        items.add(readObject(parser));
        item++;
        if (items.size() == chunk) {
          stored += send(http, items, stored);
          requests++;
          items = new JsonArray();
        }
        token = parser.nextToken();
      }
      if (!items.isEmpty()) {
        stored += send(http, items, stored);
        requests++;
      }
    } catch (JsonProcessingException e) {
      throw new CliException(CliException.USAGE, "--file is not a JSON array or NDJSON: "
          + e.getOriginalMessage().lines().findFirst().orElse("") + " (line " + e.getLocation().getLineNr()
          + ") after " + stored + " memories stored");
    }
    print(new JsonObject().put("stored", stored).put("requests", requests));
    return 0;
  }

  private static long send(SomaHttp http, JsonArray items, long storedBefore) {
    try {
      return http.call("POST", "/memories/bulk", new JsonObject().put("items", items)).getLong("stored", 0L);
    } catch (CliException e) {
      throw new CliException(e.exitCode(), e.getMessage() + " (in the chunk starting at memory " + storedBefore
          + "; " + storedBefore + " stored before it)");
    }
  }

  /** Copies the object the parser stands on, token by token, into a Vert.x JSON object. */
  private static JsonObject readObject(JsonParser parser) throws IOException {
    StringWriter text = new StringWriter();
    try (JsonGenerator generator = JSON.createGenerator(text)) {
      generator.copyCurrentStructure(parser);
    }
    return new JsonObject(text.toString());
  }

  private InputStream open() throws IOException {
    if (file.equals("-")) {
      return System.in;
    }
    try {
      return Files.newInputStream(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new CliException(CliException.USAGE, "cannot read --file " + file);
    }
  }
}
