package org.somafractal.memory.app.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A path with a query string; parameters whose value is {@code null} are left out, so defaults stay the server's. */
final class Query {
  private final StringBuilder uri;
  private boolean first = true;

  private Query(String path) {
    this.uri = new StringBuilder(path);
  }

  static Query path(String path) {
    return new Query(path);
  }

  /** A path segment, percent-encoded (a coordinate such as {@code 1,2,3} keeps its commas readable). */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%2C", ",");
  }

  Query add(String name, Object value) {
    if (value == null) {
      return this;
    }
    uri.append(first ? '?' : '&').append(name).append('=')
        .append(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8).replace("+", "%20").replace("%2C", ","));
    first = false;
    return this;
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
