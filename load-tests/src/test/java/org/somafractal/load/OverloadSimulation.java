package org.somafractal.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * Vector searches at {@code rate} per second, meant as twice what the server sustains (run.sh measures that first).
 * A 200 is an admitted request; a 429 or 503 a shed one and counts as KO, so the report's OK columns are the admitted
 * requests' latencies. It asserts that every request was sent and answered quickly (shedding must be fast), not that
 * none was refused.
 */
public class OverloadSimulation extends Simulation {
  private static final int MAX_MS = Integer.getInteger("overload.maxMs", 5_000);

  {
    System.out.println("OverloadSimulation: " + LoadConfig.describe());
    setUp(scenario("overload").feed(Feeds.vectorSearches()).exec(Requests.search("search vector"))
        .injectOpen(rampUsersPerSec(1).to(LoadConfig.RATE).during(LoadConfig.RAMP_SECONDS),
            constantUsersPerSec(LoadConfig.RATE).during(LoadConfig.DURATION_SECONDS)))
        .protocols(Requests.protocol())
        .assertions(Checks.sentAll(LoadConfig.RATE), global().responseTime().max().lt(MAX_MS),
            global().successfulRequests().percent().gt(10.0));
  }
}
