package org.somafractal.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Simulation;
import java.util.Iterator;
import java.util.Map;

/**
 * Fills the server with the data shape ({@code shape=tenants|big}) through {@code POST /memories/bulk}, a few bulk
 * requests in flight; every memory carries a client vector. Fails unless every chunk was stored.
 */
public class PreloadSimulation extends Simulation {
  private static final Iterator<Map<String, Object>> CHUNKS = Feeds.preload();

  /** The next chunk, or null when all are taken: the check and the take are one step, users share the iterator. */
  private static Map<String, Object> take() {
    synchronized (CHUNKS) {
      return CHUNKS.hasNext() ? CHUNKS.next() : null;
    }
  }

  {
    System.out.println("PreloadSimulation: " + LoadConfig.describe() + " bulk=" + LoadConfig.BULK);
    setUp(scenario("preload").exec(PreloadSimulation::next)
        .asLongAs(session -> session.getBoolean("more")).on(
            io.gatling.javaapi.core.CoreDsl.exec(http("bulk store").post("/memories/bulk")
                .header(Auth.header(), "#{auth}").body(StringBody("#{body}")).check(status().is(200)))
            .exec(PreloadSimulation::next))
        .injectOpen(atOnceUsers(LoadConfig.PRELOAD_CONCURRENCY)))
        .protocols(Requests.protocol())
        .assertions(global().allRequests().count().is(Feeds.preloadRequests()),
            global().failedRequests().count().is(0L));
  }

  private static io.gatling.javaapi.core.Session next(io.gatling.javaapi.core.Session session) {
    Map<String, Object> chunk = take();
    return chunk == null ? session.set("more", false) : session.setAll(chunk).set("more", true);
  }
}
