package org.somafractal.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * {@code POST /memories/search} with a text query (hybrid; the server embeds every query with its in-process model,
 * and each text is new, so its embedding cache does not help), {@code rate} per second.
 */
public class SearchTextSimulation extends Simulation {
  {
    System.out.println("SearchTextSimulation: " + LoadConfig.describe());
    setUp(scenario("search by text").feed(Feeds.textSearches()).exec(Requests.search("search text"))
        .injectOpen(rampUsersPerSec(1).to(LoadConfig.RATE).during(LoadConfig.RAMP_SECONDS),
            constantUsersPerSec(LoadConfig.RATE).during(LoadConfig.DURATION_SECONDS)))
        .protocols(Requests.protocol())
        .assertions(Checks.sentAll(LoadConfig.RATE), Checks.fewErrors());
  }
}
