package org.somafractal.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/** {@code POST /memories} with a client vector, each at a new coordinate: durable stores, {@code rate} per second. */
public class StoreSimulation extends Simulation {
  {
    System.out.println("StoreSimulation: " + LoadConfig.describe());
    setUp(scenario("store").feed(Feeds.stores()).exec(Requests.store())
        .injectOpen(rampUsersPerSec(1).to(LoadConfig.RATE).during(LoadConfig.RAMP_SECONDS),
            constantUsersPerSec(LoadConfig.RATE).during(LoadConfig.DURATION_SECONDS)))
        .protocols(Requests.protocol())
        .assertions(Checks.sentAll(LoadConfig.RATE), Checks.fewErrors());
  }
}
