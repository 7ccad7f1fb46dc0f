package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Opens {@code /docs} in a real headless Chromium and checks that Swagger UI's JavaScript fetched
 * {@code /openapi.json} and rendered the operations: the static page holds none of them, so finding them in the
 * dumped DOM proves the webjar assets load and the document parses. Named {@code *Test} so surefire runs it in
 * {@code ./mvnw verify}. Without {@code /usr/bin/chromium} it is skipped, except under CI (variable {@code CI} set),
 * where a missing browser fails it: {@code .ci/run} installs one.
 */
class SwaggerUiBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @Test
  void swaggerUiRendersTheOperations() throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      String message = CHROMIUM + " is missing: install it with apt-get install chromium (.ci/run does)";
      if (System.getenv("CI") != null) {
        fail("CI is set but " + message);
      }
      Assumptions.abort("Skipped: " + message);
    }
    // A token is configured to show that the page and the document it loads need none.
    try (TestServer server = TestServer.start(Map.of("SOMA_API_TOKEN", "browser-token"))) {
      String page = server.get("/docs", null).text();
      assertThat(page).doesNotContain("opblock");

      String dom = dumpDom("http://127.0.0.1:" + server.server.port() + "/docs");
      assertThat(dom).as("Swagger UI rendered the document's title").contains("SomaFractalMemory");
      assertThat(dom).as("rendered operation blocks")
          .contains("opblock-post", "opblock-get", "opblock-delete")
          .contains("data-path=\"/memories/search\"", "data-path=\"/memories/{coord}\"", "data-path=\"/stats\"")
          .contains(">POST<", ">GET<", ">DELETE<");
      assertThat(dom).as("no load error from Swagger UI").doesNotContain("Failed to load API definition");
    }
  }

  private static String dumpDom(String url) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("soma-chromium");
    Path stderr = profile.resolve("stderr.log");
    try {
      Process chromium = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
          "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.resolve("profile"),
          "--virtual-time-budget=10000", "--dump-dom", url))
          .redirectError(stderr.toFile())
          .start();
      chromium.getOutputStream().close();
      // Read before waiting: a full pipe would block Chromium.
      String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!chromium.waitFor(90, TimeUnit.SECONDS)) {
        chromium.destroyForcibly();
        fail("Chromium did not finish within 90 s");
      }
      assertThat(chromium.exitValue()).as("chromium exit; stderr:%n%s", Files.readString(stderr)).isZero();
      return dom;
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
