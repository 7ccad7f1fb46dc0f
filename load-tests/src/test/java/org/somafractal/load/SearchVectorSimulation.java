package org.somafractal.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/** {@code POST /memories/search} with a client vector (mode vector, top 10), {@code rate} per second, open model. */
public class SearchVectorSimulation extends Simulation {
  {
    System.out.println("SearchVectorSimulation: " + LoadConfig.describe());
    setUp(scenario("search by vector").feed(Feeds.vectorSearches()).exec(Requests.search("search vector"))
        .injectOpen(rampUsersPerSec(1).to(LoadConfig.RATE).during(LoadConfig.RAMP_SECONDS),
            constantUsersPerSec(LoadConfig.RATE).during(LoadConfig.DURATION_SECONDS)))
        .protocols(Requests.protocol())
        .assertions(Checks.sentAll(LoadConfig.RATE), Checks.fewErrors());
  }
}
