package org.somafractal.memory.app.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;

/**
 * {@code soma health}: {@code GET /health}. An unhealthy server answers 503 with the same report; it is printed in
 * full (it says which backend is down) and the exit code is 1, so scripts can gate on it.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
    description = "Each backend's status; exit code 1 when one is down.")
public final class HealthCmd extends ClientCommand {
  @Override
  int run(SomaHttp http) {
    SomaHttp.Answer answer = http.exchange("GET", "/health", null);
    if (answer.status() != 200 && answer.status() != 503) {
      throw SomaHttp.failure(answer.status(), answer.body());
    }
    JsonObject report = answer.json();
    print(report);
    return answer.status() == 200 && report.getBoolean("healthy", false) ? 0 : CliException.SERVER;
  }
}
