package org.somafractal.memory.audit;

import java.util.Locale;

/**
 * What kind of change an audited route makes; {@code auth.RoutePolicy} gives each audited route one, so the table of
 * routes says in one place which are audited and how. Reads other than exports are not audited.
 */
public enum AuditAction {
  WRITE,
  DELETE,
  IMPORT,
  EXPORT,
  ADMIN;

  /** The name stored in the audit trail, lower case. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
