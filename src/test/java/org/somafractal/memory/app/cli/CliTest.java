package org.somafractal.memory.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.somafractal.memory.app.Main;
import org.somafractal.memory.testing.LocalServer;

/** The client commands run in-process through {@link Main#commandLine()} against a real server. */
class CliTest {
  private static LocalServer server;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    server = LocalServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** One run: exit code, stdout and stderr. */
  record Run(int code, String out, String err) {
    JsonObject json() {
      return new JsonObject(out);
    }
  }

  private static Run soma(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code soma <command> --url <server> --tenant <tenant> <rest>}. */
  private static Run on(String tenant, String command, String... rest) {
    List<String> args = new ArrayList<>(List.of(command, "--url", server.url(), "--tenant", tenant));
    args.addAll(List.of(rest));
    return soma(args.toArray(new String[0]));
  }

  private static Run ok(Run run) {
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    return run;
  }

  @Test
  void storeGetSearchRangeStatsDeleteRoundTrip() {
    String t = "cli-roundtrip";
    JsonObject stored = ok(on(t, "store", "--coord", "1,2,3",
        "--payload", "{\"content\": \"green tea in the morning\"}", "--type", "semantic", "--importance", "2",
        "--metadata", "{\"source\": \"cli\"}")).json();
    assertThat(stored.getString("coord")).isEqualTo("1.0,2.0,3.0");
    assertThat(stored.getBoolean("created")).isTrue();
    ok(on(t, "store", "--coord", "9,9,9", "--payload", "{\"content\": \"the deploy failed on a full disk\"}"));

    JsonObject memory = ok(on(t, "get", "--coord", "1,2,3")).json().getJsonObject("memory");
    assertThat(memory.getJsonObject("payload").getString("content")).isEqualTo("green tea in the morning");
    assertThat(memory.getString("memory_type")).isEqualTo("semantic");
    assertThat(memory.getDouble("importance")).isEqualTo(2.0);
    assertThat(memory.getJsonObject("metadata").getString("source")).isEqualTo("cli");

    JsonArray hits = ok(on(t, "search", "--query", "tea morning", "--top-k", "1", "--mode", "lexical",
        "--filters", "{\"source\": \"cli\"}")).json().getJsonArray("memories");
    assertThat(hits).hasSize(1);
    assertThat(hits.getJsonObject(0).getString("coord")).isEqualTo("1.0,2.0,3.0");

    JsonArray box = ok(on(t, "range", "--min", "0,0,0", "--max", "5,5,5")).json().getJsonArray("memories");
    assertThat(box).extracting(m -> ((JsonObject) m).getString("coord")).containsExactly("1.0,2.0,3.0");

    assertThat(ok(on(t, "stats")).json().getLong("total_memories")).isEqualTo(2L);

    assertThat(ok(on(t, "delete", "--coord", "1,2,3")).json().getBoolean("deleted")).isTrue();
    Run missing = on(t, "get", "--coord", "1,2,3");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.out()).isEmpty();
    assertThat(missing.err()).isEqualTo("soma: 404 Memory not found" + System.lineSeparator());
    assertThat(ok(on(t, "stats")).json().getLong("total_memories")).isEqualTo(1L);
  }

  @Test
  void healthReportsEveryBackend() {
    JsonObject health = ok(on("cli-health", "health")).json();
    assertThat(health.getBoolean("healthy")).isTrue();
    assertThat(health.getJsonArray("services")).hasSize(5);
    assertThat(health.getJsonObject("cache").getBoolean("active")).isTrue();
  }

  @Test
  void bulkStoresNdjsonAndJsonArraysInChunks() throws Exception {
    String t = "cli-bulk";
    Path ndjson = dir.resolve("memories.ndjson");
    Files.writeString(ndjson, IntStream.range(0, 7)
        .mapToObj(i -> new JsonObject().put("coord", i + ",0").put("payload", new JsonObject().put("content", "n" + i))
            .encode())
        .collect(Collectors.joining("\n", "", "\n")));
    JsonObject first = ok(on(t, "bulk", "--file", ndjson.toString(), "--chunk", "3")).json();
    assertThat(first).isEqualTo(new JsonObject().put("stored", 7).put("requests", 3));

    Path array = dir.resolve("memories.json");
    JsonArray items = new JsonArray();
    IntStream.range(0, 4).forEach(i -> items.add(new JsonObject().put("coord", i + ",1")
        .put("payload", new JsonObject().put("text", "a" + i)).put("memory_type", "summary")));
    Files.writeString(array, items.encodePrettily());
    assertThat(ok(on(t, "bulk", "--file", array.toString())).json())
        .isEqualTo(new JsonObject().put("stored", 4).put("requests", 1));

    JsonObject stats = ok(on(t, "stats")).json();
    assertThat(stats.getLong("total_memories")).isEqualTo(11L);
    assertThat(stats.getLong("summary")).isEqualTo(4L);
  }

  @Test
  void bulkReportsARefusedChunkInOneLine() throws Exception {
    Path file = dir.resolve("bad.ndjson");
    Files.writeString(file, "{\"coord\": \"1,1\", \"payload\": {\"content\": \"fine\"}}\n"
        + "{\"coord\": \"2,2\", \"payload\": {\"content\": \"bad\"}, \"memory_type\": \"nonsense\"}\n");
    Run run = on("cli-bulk-bad", "bulk", "--file", file.toString(), "--chunk", "1");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err().lines()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("soma: 422 items[0]").endsWith("(in the chunk starting at memory 1; 1 stored before it)"));
  }

  @Test
  void tablePrintsAlignedRows() {
    String t = "cli-table";
    ok(on(t, "store", "--coord", "1,1", "--payload", "{\"content\": \"alpha memory about tables\"}"));
    ok(on(t, "store", "--coord", "22,22", "--payload", "{\"content\": \"beta memory about tables\"}",
        "--importance", "3"));
    List<String> lines = ok(on(t, "range", "--min", "0,0", "--max", "30,30", "--table")).out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).matches("COORD\\s+TYPE\\s+IMPORTANCE\\s+TEXT");
    assertThat(lines.get(0).indexOf("TEXT")).isEqualTo(lines.get(1).indexOf("alpha"))
        .isEqualTo(lines.get(2).indexOf("beta"));
    assertThat(lines.get(2)).startsWith("22.0,22.0  episodic  3 ");
    assertThat(lines.get(3)).isEqualTo("2 memories");

    List<String> search = ok(on(t, "search", "--query", "beta tables", "--top-k", "1", "--mode", "lexical",
        "--table")).out().lines().toList();
    assertThat(search.get(0)).matches("COORD\\s+TYPE\\s+IMPORTANCE\\s+SCORE\\s+TEXT");
    assertThat(search.get(1)).startsWith("22.0,22.0").endsWith("beta memory about tables");
  }

  @Test
  void unreachableServerIsOneLineAndExitOne() {
    String url = "http://127.0.0.1:" + LocalServer.freePort();
    Run run = soma("stats", "--url", url);
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("soma: cannot reach " + url + " (connection refused)" + System.lineSeparator());
  }

  @Test
  void badJsonPayloadIsAUsageErrorInOneLine() {
    Run run = on("cli-usage", "store", "--coord", "1,1", "--payload", "{bad");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("soma: Invalid value for option '--payload'").contains("not valid JSON"));
    Run array = on("cli-usage", "store", "--payload", "[1, 2]");
    assertThat(array.code()).isEqualTo(2);
    assertThat(array.err().lines()).singleElement().asString().contains("expected a JSON object");
    Run timeout = on("cli-usage", "stats", "--timeout", "0");
    assertThat(timeout.code()).isEqualTo(2);
    assertThat(timeout.err()).isEqualTo("soma: --timeout must be at least 1 second" + System.lineSeparator());
  }

  @Test
  void tokenIsSentAndAMissingOneIsRefused() {
    try (LocalServer secured = LocalServer.start(Map.of("SOMA_API_TOKEN", "s3cret"))) {
      Run refused = soma("stats", "--url", secured.url());
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err()).isEqualTo("soma: 401 Missing bearer token" + System.lineSeparator());
      Run allowed = ok(soma("stats", "--url", secured.url(), "--token", "s3cret", "--tenant", "acme"));
      assertThat(allowed.json().getString("tenant")).isEqualTo("acme");
    }
  }

  @Test
  void graphCommandsAndAnExportImportRoundTrip(@TempDir Path dir) throws Exception {
    String t = "cli-graph";
    for (String c : List.of("1", "2", "3")) {
      ok(on(t, "store", "--coord", c, "--payload", "{\"content\": \"node " + c + "\"}"));
    }
    JsonObject linked = ok(on(t, "link", "--from", "1", "--to", "2", "--type", "next", "--strength", "2")).json();
    assertThat(linked.getString("link_type")).isEqualTo("next");
    ok(on(t, "link", "--from", "2", "--to", "3", "--type", "next"));
    JsonArray neighbors = ok(on(t, "neighbors", "--coord", "1", "--k-hop", "2")).json().getJsonArray("neighbors");
    assertThat(neighbors).extracting(n -> ((JsonObject) n).getInteger("hops")).containsExactly(1, 2);
    JsonObject path = ok(on(t, "path", "--from", "1", "--to", "3", "--by", "weight")).json();
    assertThat(path.getBoolean("found")).isTrue();
    assertThat(path.getJsonArray("link_types")).containsExactly("next", "next");
    assertThat(on(t, "link", "--from", "7", "--to", "1").code()).as("no memory at the source").isEqualTo(1);

    Path file = dir.resolve("export.ndjson");
    ok(on(t, "export", "--out", file.toString()));
    assertThat(Files.readAllLines(file)).hasSize(5);
    JsonObject imported = ok(on("cli-graph-copy", "import", "--file", file.toString())).json();
    assertThat(imported.getLong("imported")).isEqualTo(3L);
    assertThat(imported.getLong("links")).isEqualTo(2L);
    assertThat(ok(on("cli-graph-copy", "path", "--from", "1", "--to", "3")).json().getBoolean("found")).isTrue();
  }
}
