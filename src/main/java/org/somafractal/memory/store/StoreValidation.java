package org.somafractal.memory.store;

import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.SomaException;

/**
 * What every {@link MemoryStore} adapter checks before it writes, so that a draft the HTTP layer let through by
 * mistake fails alone as INVALID in any backend instead of as a database error.
 */
public final class StoreValidation {
  private StoreValidation() {
  }

  /** A complete memory draft: tenant, coordinate, payload, type and a finite importance. */
  public static void validate(MemoryDraft d) {
    if (d.tenant() == null || d.tenant().isEmpty()) {
      throw SomaException.invalid("A memory needs a tenant");
    }
    if (d.coordinate() == null) {
      throw SomaException.invalid("A memory needs a coordinate");
    }
    if (d.payload() == null) {
      throw SomaException.invalid("A memory needs a payload");
    }
    if (d.type() == null) {
      throw SomaException.invalid("A memory needs a memory_type");
    }
    if (!Double.isFinite(d.importance())) {
      throw SomaException.invalid("importance must be a finite number");
    }
  }

  /** A complete link: tenant, both coordinates, a type and a finite strength. */
  public static void validate(Link l) {
    if (l.tenant() == null || l.tenant().isEmpty() || l.fromKey() == null || l.toKey() == null
        || l.linkType() == null || l.linkType().isEmpty()) {
      throw SomaException.invalid("A link needs a tenant, both coordinates and a link_type");
    }
    if (!Double.isFinite(l.strength())) {
      throw SomaException.invalid("strength must be a finite number");
    }
  }
}
