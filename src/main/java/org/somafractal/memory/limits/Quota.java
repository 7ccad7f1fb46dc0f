package org.somafractal.memory.limits;

/**
 * The limits of one tenant; 0 means unlimited.
 *
 * @param maxBytes stored bytes: the UTF-8 sizes of payload, text and metadata of every memory
 */
public record Quota(long maxMemories, long maxBytes, long maxLinks) {
  /** No limit at all. */
  public static final Quota UNLIMITED = new Quota(0, 0, 0);

  public boolean unlimited() {
    return maxMemories == 0 && maxBytes == 0 && maxLinks == 0;
  }
}
