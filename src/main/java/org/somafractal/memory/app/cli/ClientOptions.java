package org.somafractal.memory.app.cli;

import picocli.CommandLine.Option;

/** The options every client command shares: where the server is, who is asking, and how to print. */
public final class ClientOptions {
  @Option(names = "--url", defaultValue = "${env:SOMA_URL:-http://127.0.0.1:9595}",
      description = "Server base URL (env SOMA_URL; default ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--token", defaultValue = "${env:SOMA_API_TOKEN}",
      description = "Bearer token (env SOMA_API_TOKEN).")
  String token;

  @Option(names = "--tenant", defaultValue = "${env:SOMA_TENANT}",
      description = "Tenant, sent as X-Soma-Tenant (env SOMA_TENANT; default: the server's 'default').")
  String tenant;

  @Option(names = "--table", description = "Print memories and search results as an aligned text table, not JSON.")
  boolean table;

  @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
      description = "Seconds to wait for an answer (default ${DEFAULT-VALUE}; streaming export/import wait as long as "
          + "the stream lasts).")
  int timeoutSeconds;

  /** The base URL without a trailing slash, so paths can be appended as they are documented. */
  String baseUrl() {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
