package org.somafractal.memory.vector.fastcore;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryType;

/**
 * One tenant's vectors in a single contiguous {@code float[]} (row {@code slot} at {@code slot * dim}) with parallel
 * primitive arrays per slot, so that a scan walks memory linearly and evaluates filters without touching any object
 * but the slot's sorted metadata terms. When quantised it also keeps an int8 copy of each row with its scale and the
 * exact L2 norm of its quantisation error, which bounds how far an int8 score can be from the float one.
 *
 * <p>Freed slots go on a free list and are reused by inserts; the arrays double when full and are compacted into
 * smaller ones when fewer than a quarter of the slots are live. Slot numbers change on compaction.
 *
 * <p>Not thread-safe: owned by one {@link FastCore}.
 */
final class Slab {
  static final int INITIAL_CAPACITY = 1024;
  private static final MemoryType[] TYPES = MemoryType.values();

  final int dim;
  private final boolean quantized;
  /**
   * Times a row's scale, bounds the float rounding of both the int8 and the float dot products of that row: each
   * sums {@code dim} products, so each is off by at most {@code dim * 2^-24 * |q| * |x|}, and {@code |x|} is at most
   * {@code 127 * scale * sqrt(dim)}. Doubled for the few operations around the sums.
   */
  private final double roundingSlack;
  private final Map<String, Integer> slotById = new HashMap<>();

  int capacity;
  /** Slots {@code [0, highWater)} have been used; scans stop there. */
  int highWater;
  int live;
  float[] vectors;
  long[] seqs;
  long[] createdAt;
  byte[] types;
  boolean[] alive;
  String[] ids;
  String[][] terms;
  byte[] codes;
  float[] scales;
  float[] errors;
  private int[] free = new int[16];
  private int freeCount;

  Slab(int dim, boolean quantized) {
    this.dim = dim;
    this.quantized = quantized;
    this.roundingSlack = 4.0 * dim * 0x1p-24 * 127 * Math.sqrt(dim);
    allocate(INITIAL_CAPACITY);
  }

  /** The slot holding {@code id}, or -1. */
  int slotOf(String id) {
    Integer slot = slotById.get(id);
    return slot == null ? -1 : slot;
  }

  MemoryType type(int slot) {
    return TYPES[types[slot]];
  }

  /** Stores {@code memory}, whose vector has {@link #dim} components, in its slot or a new one. */
  void put(Memory memory, String[] metadataTerms) {
    int slot = slotOf(memory.id());
    if (slot < 0) {
      slot = allocateSlot();
      slotById.put(memory.id(), slot);
      alive[slot] = true;
      ids[slot] = memory.id();
      live++;
    }
    System.arraycopy(memory.vector(), 0, vectors, slot * dim, dim);
    seqs[slot] = memory.seq();
    createdAt[slot] = memory.createdAt();
    types[slot] = (byte) memory.type().ordinal();
    terms[slot] = metadataTerms;
    if (quantized) {
      quantize(slot);
    }
  }

  /** Frees the slot of {@code id} if it has one; compacts when the slab has become mostly empty. */
  void remove(String id) {
    Integer slot = slotById.remove(id);
    if (slot == null) {
      return;
    }
    alive[slot] = false;
    ids[slot] = null;
    terms[slot] = null;
    live--;
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, free.length * 2);
    }
    free[freeCount++] = slot;
    if (capacity > INITIAL_CAPACITY && live < capacity / 4) {
      compact();
    }
  }

  /** Heap bytes held by the per-slot arrays, per slot of capacity (an estimate that ignores ids and terms). */
  long bytesPerSlot() {
    long perSlot = 4L * dim + 8 + 8 + 1 + 1 + 4 + 4;
    return quantized ? perSlot + dim + 4 + 4 : perSlot;
  }

  private int allocateSlot() {
    if (freeCount > 0) {
      return free[--freeCount];
    }
    if (highWater == capacity) {
      if ((long) capacity * 2 * dim > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("tenant slab is full: " + capacity + " vectors of dimension " + dim);
      }
      resize(capacity * 2);
    }
    return highWater++;
  }

  private void quantize(int slot) {
    int off = slot * dim;
    float max = 0;
    for (int i = 0; i < dim; i++) {
      max = Math.max(max, Math.abs(vectors[off + i]));
    }
    float scale = max / 127f;
    double err = 0;
    for (int i = 0; i < dim; i++) {
      float v = vectors[off + i];
      int q = scale == 0 ? 0 : Math.round(v / scale);
      q = Math.max(-127, Math.min(127, q));
      codes[off + i] = (byte) q;
      double d = (double) v - (double) scale * q;
      err += d * d;
    }
    scales[slot] = scale;
    errors[slot] = Math.nextUp((float) (Math.sqrt(err) + scale * roundingSlack));
  }

  private void allocate(int cap) {
    capacity = cap;
    vectors = new float[cap * dim];
    seqs = new long[cap];
    createdAt = new long[cap];
    types = new byte[cap];
    alive = new boolean[cap];
    ids = new String[cap];
    terms = new String[cap][];
    if (quantized) {
      codes = new byte[cap * dim];
      scales = new float[cap];
      errors = new float[cap];
    }
  }

  private void resize(int cap) {
    capacity = cap;
    vectors = Arrays.copyOf(vectors, cap * dim);
    seqs = Arrays.copyOf(seqs, cap);
    createdAt = Arrays.copyOf(createdAt, cap);
    types = Arrays.copyOf(types, cap);
    alive = Arrays.copyOf(alive, cap);
    ids = Arrays.copyOf(ids, cap);
    terms = Arrays.copyOf(terms, cap);
    if (quantized) {
      codes = Arrays.copyOf(codes, cap * dim);
      scales = Arrays.copyOf(scales, cap);
      errors = Arrays.copyOf(errors, cap);
    }
  }

  private void compact() {
    float[] oldVectors = vectors;
    long[] oldSeqs = seqs;
    long[] oldCreated = createdAt;
    byte[] oldTypes = types;
    boolean[] oldAlive = alive;
    String[] oldIds = ids;
    String[][] oldTerms = terms;
    byte[] oldCodes = codes;
    float[] oldScales = scales;
    float[] oldErrors = errors;
    int oldHighWater = highWater;
    allocate(Math.max(INITIAL_CAPACITY, Integer.highestOneBit(Math.max(1, live)) << 1));
    int to = 0;
    for (int from = 0; from < oldHighWater; from++) {
      if (!oldAlive[from]) {
        continue;
      }
      System.arraycopy(oldVectors, from * dim, vectors, to * dim, dim);
      seqs[to] = oldSeqs[from];
      createdAt[to] = oldCreated[from];
      types[to] = oldTypes[from];
      alive[to] = true;
      ids[to] = oldIds[from];
      terms[to] = oldTerms[from];
      if (quantized) {
        System.arraycopy(oldCodes, from * dim, codes, to * dim, dim);
        scales[to] = oldScales[from];
        errors[to] = oldErrors[from];
      }
      slotById.put(ids[to], to);
      to++;
    }
    highWater = to;
    freeCount = 0;
    if (free.length > 1024) {
      free = new int[16];
    }
  }
}
