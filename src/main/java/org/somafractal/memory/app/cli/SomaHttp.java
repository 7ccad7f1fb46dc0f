package org.somafractal.memory.app.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small blocking HTTP client for the CLI: adds the token and tenant headers, turns 4xx/5xx answers into
 * {@link CliException}s carrying the server's {@code detail}, and an unreachable server into one readable line.
 */
final class SomaHttp implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final ClientOptions options;
  private final HttpClient client;

  SomaHttp(ClientOptions options) {
    this.options = options;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** A status and the body as text. */
  record Answer(int status, String body) {
    JsonObject json() {
      try {
        return new JsonObject(body);
      } catch (DecodeException | ClassCastException e) {
        throw new CliException(CliException.SERVER, status + " answer is not a JSON object: " + excerpt(body));
      }
    }
  }

  /** Sends a request with an optional JSON body; any status is returned. */
  Answer exchange(String method, String pathAndQuery, JsonObject body) {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.encode());
    HttpRequest.Builder request = request(pathAndQuery, "application/json").method(method, publisher)
        .timeout(Duration.ofSeconds(options.timeoutSeconds));
    HttpResponse<String> response = send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(response.statusCode(), response.body());
  }

  /** Sends a request and returns its JSON answer; a 4xx/5xx answer becomes a {@link CliException}. */
  JsonObject call(String method, String pathAndQuery, JsonObject body) {
    Answer answer = exchange(method, pathAndQuery, body);
    if (answer.status() >= 400) {
      throw failure(answer.status(), answer.body());
    }
    return answer.json();
  }

  /**
   * Sends a request whose body and answer are both streams (no overall timeout: an export or import lasts as long as
   * its data); a 4xx/5xx answer becomes a {@link CliException}. The caller closes the returned stream.
   */
  InputStream stream(String method, String pathAndQuery, HttpRequest.BodyPublisher body, String contentType) {
    HttpResponse<InputStream> response = send(request(pathAndQuery, contentType).method(method, body).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() >= 400) {
      try (InputStream in = response.body()) {
        throw failure(response.statusCode(), new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw failure(response.statusCode(), "");
      }
    }
    return response.body();
  }

  private HttpRequest.Builder request(String pathAndQuery, String contentType) {
    URI uri;
    try {
      uri = URI.create(options.baseUrl() + pathAndQuery);
    } catch (IllegalArgumentException e) {
      throw new CliException(CliException.USAGE, "invalid --url " + options.url + " (" + e.getMessage() + ")");
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new CliException(CliException.USAGE, "invalid --url " + options.url + " (expected http://host:port)");
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).header("Accept", "application/json");
    builder.header("Content-Type", contentType);
    if (options.token != null && !options.token.isBlank()) {
      builder.header("Authorization", "Bearer " + options.token.trim());
    }
    if (options.tenant != null && !options.tenant.isBlank()) {
      builder.header("X-Soma-Tenant", options.tenant.trim());
    }
    return builder;
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return client.send(request, handler);
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("connect timed out after " + CONNECT_TIMEOUT.toSeconds() + " s");
    } catch (HttpTimeoutException e) {
      throw new CliException(CliException.SERVER, "no answer from " + options.baseUrl() + " within "
          + options.timeoutSeconds + " s (--timeout)");
    } catch (ConnectException e) {
      throw unreachable("connection refused");
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(CliException.SERVER, "interrupted");
    }
  }

  private CliException unreachable(String why) {
    return new CliException(CliException.SERVER, "cannot reach " + options.baseUrl() + " (" + why + ")");
  }

  /** {@code 404 Memory not found}: the status and the server's {@code detail}, else an excerpt of the body. */
  static CliException failure(int status, String body) {
    String detail = null;
    try {
      detail = new JsonObject(body).getString("detail");
    } catch (RuntimeException e) {
      // not the server's JSON error shape (a proxy page, say): the excerpt below says what came back
    }
    return new CliException(CliException.SERVER, status + " " + (detail != null ? oneLine(detail) : excerpt(body)));
  }

  private static String excerpt(String body) {
    String line = oneLine(body == null ? "" : body);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }

  @Override
  public void close() {
    client.close();
  }
}
