package org.somafractal.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

/** The HTTP protocol and the requests the simulations send, declared once. */
public final class Requests {
  private Requests() {
  }

  /**
   * One shared keep-alive connection pool, as a service talking to its memory server has (without it every
   * open-model virtual user would pay a TCP handshake); no warm-up request, since nothing outside loopback answers.
   */
  public static HttpProtocolBuilder protocol() {
    return http.baseUrl(LoadConfig.BASE_URL).shareConnections().disableWarmUp().disableCaching()
        .acceptHeader("application/json").contentTypeHeader("application/json");
  }

  public static HttpRequestActionBuilder search(String name) {
    return http(name).post("/memories/search").header(Auth.header(), "#{auth}").body(StringBody("#{body}"))
        .check(status().is(200));
  }

  public static HttpRequestActionBuilder store() {
    return http("store").post("/memories").header(Auth.header(), "#{auth}").body(StringBody("#{body}"))
        .check(status().in(200, 201));
  }
}
