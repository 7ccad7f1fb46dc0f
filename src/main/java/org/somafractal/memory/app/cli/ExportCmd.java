package org.somafractal.memory.app.cli;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code soma export}: streams {@code GET /memories/export} (NDJSON) to a file or stdout without holding it in memory.
 * A file is written beside its final name and moved into place only when the stream ended well, so a failed export
 * never leaves a truncated file that looks complete.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export the tenant's memories as NDJSON (GET /memories/export).")
public final class ExportCmd extends ClientCommand {
  @Option(names = "--out", description = "File to write (default: stdout).")
  Path out;

  @Option(names = "--embeddings", description = "Include each memory's vector.")
  boolean embeddings;

  @Option(names = "--progress", description = "Show lines/bytes on stderr even when it is not a terminal.")
  boolean progress;

  @Override
  int run(SomaHttp http) throws Exception {
    String path = Query.path("/memories/export").add("embeddings", embeddings ? "true" : null).toString();
    Progress meter = new Progress(err(), progress, "exported");
    try (InputStream in = meter.count(http.stream("GET", path, HttpRequest.BodyPublishers.noBody(),
        "application/json"))) {
      if (out == null) {
        copyToStdout(in);
      } else {
        Path partial = out.resolveSibling(out.getFileName() + ".part");
        try {
          Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
          Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(partial);
        }
      }
    }
    meter.finish();
    if (out != null) {
      print(new JsonObject().put("exported", meter.lines()).put("bytes", meter.bytes()).put("out", out.toString()));
    }
    return 0;
  }

  private void copyToStdout(InputStream in) throws java.io.IOException {
    Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
    char[] buffer = new char[16 * 1024];
    for (int n; (n = reader.read(buffer)) >= 0; ) {
      out().write(buffer, 0, n);
    }
    out().flush();
  }
}
