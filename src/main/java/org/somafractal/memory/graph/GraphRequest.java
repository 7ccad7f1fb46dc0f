package org.somafractal.memory.graph;

import java.util.List;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.Removal;

/** The messages of {@code Addresses.GRAPH}, one per {@link GraphIndex} method. */
public sealed interface GraphRequest {
  record Linked(Link link) implements GraphRequest {
  }

  record Unlinked(String tenant, String fromKey, String toKey, String linkType) implements GraphRequest {
  }

  record Removed(List<Removal> removals) implements GraphRequest {
  }

  record Neighbors(GraphIndex.NeighborQuery query) implements GraphRequest {
  }

  record Path(GraphIndex.PathQuery query) implements GraphRequest {
  }
}
