package org.somafractal.load;

import java.util.Iterator;
import java.util.Map;

/**
 * Prints the first {@code n} (default 256) bodies of the vector-search feed, one per line, for {@code wrk/search.lua}:
 * a closed-loop client in C costs the two cores far less than Gatling's open model, so it shows the server's own
 * ceiling. Same system properties as the simulations ({@code -Dshape}, {@code -Dseed}, ...).
 */
public final class WrkBodies {
  private WrkBodies() {
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    Iterator<Map<String, Object>> feed = Feeds.vectorSearches();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append(feed.next().get("body")).append('\n');
    }
    System.out.print(out);
  }
}
