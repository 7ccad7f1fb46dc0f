package org.somafractal.memory.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.config.ConfigException;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.SomaException;

/**
 * Asks an external Open Policy Agent whether a request may proceed, over OPA's data API: {@code POST} of
 * {@code {"input": …}} ({@link PolicyInput#toJson()}) to the configured decision URL, whose answer is
 * {@code {"result": true|false}} (a rule URL) or {@code {"result": {"allow": true|false, …}}} (a package URL). An
 * answer without {@code result} (the decision is undefined, e.g. no policy loaded) denies. A timeout, a connection
 * failure, a non-200 status or an answer of another shape fails closed with 503, or, with {@code SOMA_OPA_FAIL_OPEN},
 * allows the request and logs a warning. Confined to one event loop (one instance per HTTP verticle).
 */
final class OpaClient {
  private static final Logger LOG = LoggerFactory.getLogger(OpaClient.class);

  /** Where and how to ask. */
  record Options(String url, int timeoutMs, boolean failOpen) {
  }

  private final WebClient client;
  private final Options settings;

  OpaClient(Vertx vertx, Options settings) {
    this.client = WebClient.create(vertx);
    this.settings = settings;
  }

  /**
   * The OPA settings, or {@code null} when {@code SOMA_OPA_URL} is unset.
   *
   * @throws ConfigException naming the key when the URL is not an absolute http(s) URL
   */
  static Options load(SomaConfig config) {
    String url = config.get(Settings.OPA_URL);
    if (url == null || url.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(url.trim());
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
          || uri.getHost() == null) {
        throw new URISyntaxException(url, "not an absolute http or https URL");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException("Invalid configuration " + Settings.OPA_URL.name() + ": '" + url
          + "' is not an absolute http(s) URL such as http://127.0.0.1:8181/v1/data/soma/allow");
    }
    return new Options(url.trim(), config.get(Settings.OPA_TIMEOUT_MS), config.get(Settings.OPA_FAIL_OPEN));
  }

  /**
   * The decision on {@code input}.
   *
   * @return {@code null} when OPA allows the request, else the {@code detail} of its 403; a failed future (503)
   *     when OPA could not decide and the client fails closed
   */
  Future<String> denial(PolicyInput input) {
    return client.postAbs(settings.url()).timeout(settings.timeoutMs())
        .sendJsonObject(new JsonObject().put("input", input.toJson()))
        .timeout(settings.timeoutMs(), TimeUnit.MILLISECONDS)
        .map(response -> {
          if (response.statusCode() != 200) {
            throw new IllegalStateException("status " + response.statusCode());
          }
          return decide(response.bodyAsJsonObject());
        })
        .recover(e -> {
          String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
          if (settings.failOpen()) {
            LOG.warn("OPA at {} could not decide on {} ({}); allowed because SOMA_OPA_FAIL_OPEN is set",
                settings.url(), input.route(), why);
            return Future.succeededFuture(null);
          }
          LOG.warn("OPA at {} could not decide on {} ({}); refused (fail closed)", settings.url(), input.route(), why);
          return Future.failedFuture(SomaException.unavailable("The authorization service (OPA) did not decide; "
              + "retry later"));
        });
  }

  /** Reads OPA's answer; throws on an answer that is neither a boolean nor an object with a boolean allow. */
  private static String decide(JsonObject answer) {
    if (answer == null) {
      throw new IllegalStateException("empty answer");
    }
    if (!answer.containsKey("result")) {
      return "Forbidden by OPA policy (the decision is undefined)";
    }
    Object result = answer.getValue("result");
    if (result instanceof JsonObject o && o.getValue("allow") instanceof Boolean allow) {
      result = allow;
    }
    if (result instanceof Boolean allowed) {
      return allowed ? null : "Forbidden by OPA policy";
    }
    throw new IllegalStateException("result is neither a boolean nor an object with a boolean allow");
  }
}
