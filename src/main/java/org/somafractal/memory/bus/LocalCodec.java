package org.somafractal.memory.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes message bodies by reference between verticles of one JVM: nothing is serialised or copied. Every body sent
 * with it is an immutable record (or is never mutated after sending), which is what makes sharing safe.
 *
 * <p>It refuses the wire: a clustered deployment needs JSON codecs for the addresses that cross nodes.
 */
public final class LocalCodec implements MessageCodec<Object, Object> {
  /** The codec's registered name. */
  public static final String NAME = "soma-local";

  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    throw new UnsupportedOperationException("soma-local messages never leave the JVM: " + o.getClass().getName());
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException("soma-local messages never leave the JVM");
  }

  @Override
  public Object transform(Object o) {
    return o;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
