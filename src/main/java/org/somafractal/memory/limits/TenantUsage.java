package org.somafractal.memory.limits;

/**
 * What one tenant has stored, as the {@link QuotaLedger} counts it. Thread-safe: every read and change holds the
 * object's lock, so a check and the reservation that follows it are one step.
 */
final class TenantUsage {
  private long memories;
  private long bytes;
  private long links;
  private boolean linksKnown;

  TenantUsage(long memories, long bytes, long links) {
    this.memories = memories;
    this.bytes = bytes;
    this.links = links;
    this.linksKnown = true;
  }

  /**
   * Adds the deltas when the quota allows them, else changes nothing. A delta that does not grow a count is always
   * allowed, so an update in place at the limit goes through.
   *
   * @return {@code null} when reserved, else why not, for the client
   */
  synchronized String tryReserve(String tenant, Quota quota, long dMemories, long dBytes, long dLinks) {
    if (dMemories > 0 && quota.maxMemories() > 0 && memories + dMemories > quota.maxMemories()) {
      return refusal(tenant, "max_memories", quota.maxMemories(), memories, dMemories, "memories");
    }
    if (dBytes > 0 && quota.maxBytes() > 0 && bytes + dBytes > quota.maxBytes()) {
      return refusal(tenant, "max_bytes", quota.maxBytes(), bytes, dBytes, "bytes");
    }
    if (dLinks > 0 && quota.maxLinks() > 0 && links + dLinks > quota.maxLinks()) {
      return refusal(tenant, "max_links", quota.maxLinks(), links, dLinks, "links");
    }
    add(dMemories, dBytes, dLinks);
    return null;
  }

  synchronized void add(long dMemories, long dBytes, long dLinks) {
    memories = Math.max(0, memories + dMemories);
    bytes = Math.max(0, bytes + dBytes);
    links = Math.max(0, links + dLinks);
  }

  /** Memory deletes may take links with them, which the store does not report: the next link check recounts. */
  synchronized void forgetLinks() {
    linksKnown = false;
  }

  synchronized boolean linksKnown() {
    return linksKnown;
  }

  synchronized void setLinks(long count) {
    links = count;
    linksKnown = true;
  }

  synchronized long[] snapshot() {
    return new long[] {memories, bytes, links};
  }

  private static String refusal(String tenant, String name, long max, long used, long adding, String unit) {
    return "Quota " + name + " of tenant '" + tenant + "' exceeded: " + used + " of " + max + " " + unit
        + " used, this request would add " + adding + "; nothing was written";
  }
}
