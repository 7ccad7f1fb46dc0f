package org.somafractal.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/** The usual agent mix: 80 % vector searches, 20 % stores, {@code rate} requests per second in all. */
public class MixedSimulation extends Simulation {
  {
    System.out.println("MixedSimulation: " + LoadConfig.describe());
    setUp(scenario("mixed 80/20").exec(randomSwitch().on(
            percent(80.0).then(feed(Feeds.vectorSearches()).exec(Requests.search("search vector"))),
            percent(20.0).then(feed(Feeds.stores()).exec(Requests.store()))))
        .injectOpen(rampUsersPerSec(1).to(LoadConfig.RATE).during(LoadConfig.RAMP_SECONDS),
            constantUsersPerSec(LoadConfig.RATE).during(LoadConfig.DURATION_SECONDS)))
        .protocols(Requests.protocol())
        .assertions(Checks.sentAll(LoadConfig.RATE), Checks.fewErrors());
  }
}
