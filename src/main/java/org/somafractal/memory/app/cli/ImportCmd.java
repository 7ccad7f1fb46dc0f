package org.somafractal.memory.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code soma import}: streams an NDJSON file (or stdin) up to {@code POST /memories/import}. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Import memories from NDJSON, as written by export (POST /memories/import).")
public final class ImportCmd extends ClientCommand {
  @Option(names = "--file", required = true, description = "NDJSON file to upload, or - for stdin.")
  String file;

  @Option(names = "--replace", description = "Replace the tenant's memories instead of adding to them.")
  boolean replace;

  @Option(names = "--progress", description = "Show lines/bytes on stderr even when it is not a terminal.")
  boolean progress;

  @Override
  int run(SomaHttp http) throws Exception {
    if (!file.equals("-") && !Files.isReadable(Path.of(file))) {
      throw new CliException(CliException.USAGE, "cannot read --file " + file);
    }
    Progress meter = new Progress(err(), progress, "imported");
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofInputStream(() -> meter.count(open()));
    String path = Query.path("/memories/import").add("replace", replace ? "true" : null).toString();
    try (InputStream answer = http.stream("POST", path, body, "application/x-ndjson")) {
      meter.finish();
      print(new SomaHttp.Answer(200, new String(answer.readAllBytes(), StandardCharsets.UTF_8)).json());
    }
    return 0;
  }

  private InputStream open() {
    if (file.equals("-")) {
      return System.in;
    }
    try {
      return Files.newInputStream(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new CliException(CliException.USAGE, "cannot read --file " + file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
