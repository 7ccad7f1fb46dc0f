package org.somafractal.memory.core;

/** Counts of one tenant's memories in the canonical store. */
public record TenantStats(long total, long episodic, long semantic, long summary) {
}
