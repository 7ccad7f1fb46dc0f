package org.somafractal.memory.bus;

/** The event-bus address map: every address a verticle serves or publishes on is declared here, and nowhere else. */
public final class Addresses {
  /** Canonical store requests ({@code StoreRequest}), served by the storage verticle. */
  public static final String STORE = "soma.store";
  /** Vector index requests ({@code VectorRequest}), served by the vector worker verticle. */
  public static final String VECTOR = "soma.vector";
  /** Lexical index requests ({@code LexicalRequest}), served by the lexical worker verticle. */
  public static final String LEXICAL = "soma.lexical";
  /** Graph index requests ({@code GraphRequest}), served by the graph worker verticle. */
  public static final String GRAPH = "soma.graph";
  /** Embedding requests ({@code EmbedRequest}), served by the embedding worker verticle. */
  public static final String EMBED = "soma.embed";
  /** Audit-log requests ({@code AuditRequest}): entries of finished requests, queries; served by the audit verticle. */
  public static final String AUDIT = "soma.audit";
  /** Memory events to publish ({@code MemoryEvent}), sent to the eventing verticle. */
  public static final String EVENTS_OUTBOX = "soma.events.outbox";
  /** Where the eventing verticle publishes created, updated and deleted events for any local subscriber. */
  public static final String EVENTS = "soma.events.memory";

  private Addresses() {
  }
}
