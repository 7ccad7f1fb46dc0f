package org.somafractal.load;

import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.Assertion;

/**
 * The assertions every open-model simulation makes. Gatling can silently send nothing (a feeder or EL error is logged,
 * not failed), so each checks the number of requests made as well as the error rate.
 */
public final class Checks {
  private static final double MAX_ERROR_PERCENT = Double.parseDouble(System.getProperty("maxErrorPercent", "1.0"));

  private Checks() {
  }

  /** At least 95 % of the requests the injection profile offers at {@code rate} per second were made. */
  public static Assertion sentAll(double rate) {
    return global().allRequests().count().gte((long) (LoadConfig.offeredRequests(rate) * 0.95));
  }

  public static Assertion fewErrors() {
    return global().failedRequests().percent().lt(MAX_ERROR_PERCENT);
  }
}
