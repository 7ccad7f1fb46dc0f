package org.somafractal.memory.vector.fastcore;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryType;

/**
 * One tenant's vectors in chunks of contiguous float rows (slot {@code s} is row {@code s & (CHUNK_ROWS - 1)} of
 * chunk {@code s >>> CHUNK_SHIFT}) with parallel primitive arrays per slot, so that a scan walks memory linearly and
 * evaluates filters without touching any object but the slot's sorted metadata terms. Chunks are never copied when
 * the slab grows (only the first one, while it is the only one, doubles from a small size), so a large tenant holds at
 * most one partly used chunk of spare rows and never two copies of its vectors at once.
 *
 * <p>When quantised it also keeps a 4-bit code of each row: component {@code x} becomes {@code u} in {@code 0..15}
 * with {@code x ≈ scale * (u - 7.5)}, packed four to a {@code short} in groups of {@code 4W} components, where the
 * width {@code W} is the kernels' {@link VectorKernels#nibbleWidth} (nibble {@code k} of short {@code j} of group
 * {@code g} is component {@code 4Wg + Wk + j}), so that a vector kernel extracts {@code W} components with one shift
 * and one mask. Each row keeps the exact L2 norm of its quantisation error and of its decoded code, which bound how
 * far a code's score can be from the float one (see {@link SlabSearch}). The scale of each row is chosen among a few
 * clipping levels to minimise that error.
 *
 * <p>Freed slots go on a free list and are reused by inserts; the slab is compacted into a smaller one when fewer
 * than a quarter of its slots are live. Slot numbers change on compaction ({@link #generation} counts them).
 *
 * <p>Not thread-safe: owned by one {@link FastCore}. Another thread may read rows it was handed (see
 * {@link AnnIndex}): rows are written before they are handed over, and chunks are never moved but by a compaction.
 */
final class Slab {
  static final int CHUNK_SHIFT = 12;
  static final int CHUNK_ROWS = 1 << CHUNK_SHIFT;
  static final int CHUNK_MASK = CHUNK_ROWS - 1;
  static final int MIN_ROWS = 16;
  /** Slabs up to this many rows are never compacted. */
  private static final int COMPACT_FLOOR = 1024;
  private static final MemoryType[] TYPES = MemoryType.values();
  /** Clipping levels tried for a row's 4-bit scale, as fractions of its largest component. */
  private static final float[] CLIPS = {1.0f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
  /** Above this share of rescored slots, a float scan is cheaper than the codes (see {@link #prefersCodes}). */
  static final float FLOAT_SCAN_SHARE = 0.25f;
  private static final int PROBE_EVERY = 16;

  final int dim;
  /** Shorts per nibble group; a group holds {@code 4 * width} components. */
  final int width;
  /** Nibble groups per row; a row's code is {@code groups * width} shorts. */
  final int groups;
  final boolean quantized;
  private final Map<String, Integer> slotById = new HashMap<>();

  /** Rows allocated in chunks. */
  int capacity;
  /** Slots {@code [0, highWater)} have been used; scans stop there. */
  int highWater;
  int live;
  /** Incremented by every compaction, which renumbers slots. */
  int generation;
  float[][] vectors = new float[0][];
  short[][] codes = new short[0][];
  long[] seqs;
  long[] createdAt;
  byte[] types;
  boolean[] alive;
  String[] ids;
  String[][] terms;
  /** Per slot: the 4-bit scale, the L2 norm of {@code x - decoded}, and the L2 norm of the decoded row. */
  float[] scales;
  float[] errors;
  float[] decodedNorms;
  /**
   * A running average of the share of live slots a 4-bit scan of this slab had to rescore, and a count of the
   * searches that skipped it. Written by concurrent searches without synchronisation: a lost update only delays
   * the choice of {@link #prefersCodes} by a search.
   */
  private float rescoredShare;
  private int floatScans;
  private int[] free = new int[16];
  private int freeCount;

  Slab(int dim, boolean quantized, int width) {
    this.dim = dim;
    this.quantized = quantized;
    this.width = width;
    this.groups = (dim + 4 * width - 1) / (4 * width);
    allocateSlots(MIN_ROWS);
    addRows(MIN_ROWS);
  }

  /**
   * Whether a search should scan the 4-bit codes rather than the floats: not while its recent 4-bit scans rescored
   * more than {@value #FLOAT_SCAN_SHARE} of the slots (the bounds prune little when the top-k reaches into rows that
   * all score alike, as in a small tenant asked for many candidates), when reading every float row in order costs
   * less than the codes plus that many rows read at random. Every {@value #PROBE_EVERY}th search scans the codes
   * anyway, to notice when that changes. Both scans give the same result.
   */
  boolean prefersCodes() {
    return quantized && (rescoredShare <= FLOAT_SCAN_SHARE || ++floatScans % PROBE_EVERY == 0);
  }

  /** Records that a 4-bit scan rescored {@code rescored} slots. */
  void noteRescored(int rescored) {
    rescoredShare += 0.125f * ((float) rescored / Math.max(1, live) - rescoredShare);
  }

  /** The slot holding {@code id}, or -1. */
  int slotOf(String id) {
    Integer slot = slotById.get(id);
    return slot == null ? -1 : slot;
  }

  MemoryType type(int slot) {
    return TYPES[types[slot]];
  }

  /** The chunk holding {@code slot}'s row; the row starts at {@link #offset}. */
  float[] chunk(int slot) {
    return vectors[slot >>> CHUNK_SHIFT];
  }

  /** Where {@code slot}'s row starts in its {@link #chunk}. */
  int offset(int slot) {
    return (slot & CHUNK_MASK) * dim;
  }

  /** Stores {@code memory}, whose vector has {@link #dim} components, in its slot or a new one; returns the slot. */
  int put(Memory memory, String[] metadataTerms) {
    int slot = slotOf(memory.id());
    if (slot < 0) {
      slot = allocateSlot();
      slotById.put(memory.id(), slot);
      alive[slot] = true;
      ids[slot] = memory.id();
      live++;
    }
    System.arraycopy(memory.vector(), 0, chunk(slot), offset(slot), dim);
    seqs[slot] = memory.seq();
    createdAt[slot] = memory.createdAt();
    types[slot] = (byte) memory.type().ordinal();
    terms[slot] = metadataTerms;
    if (quantized) {
      quantize(slot);
    }
    return slot;
  }

  /**
   * Frees the slot of {@code id} if it has one and returns it (-1 otherwise); compacts when the slab has become
   * mostly empty, unless {@code mayCompact} is false.
   */
  int remove(String id, boolean mayCompact) {
    Integer slot = slotById.remove(id);
    if (slot == null) {
      return -1;
    }
    alive[slot] = false;
    ids[slot] = null;
    terms[slot] = null;
    live--;
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, free.length * 2);
    }
    free[freeCount++] = slot;
    if (mayCompact && capacity > COMPACT_FLOOR && live < capacity / 4) {
      compact();
    }
    return slot;
  }

  /** Heap bytes of the per-row arrays (vectors, codes and per-slot fields), counting unused capacity. */
  long arrayBytes() {
    long perSlot = 8 + 8 + 1 + 1 + 4 + 4 + (quantized ? 12 : 0);
    long perRow = 4L * dim + (quantized ? 2L * groups * width : 0);
    return perSlot * seqs.length + perRow * capacity;
  }

  private int allocateSlot() {
    if (freeCount > 0) {
      return free[--freeCount];
    }
    if (highWater == capacity) {
      addRows(capacity < CHUNK_ROWS ? capacity : CHUNK_ROWS);
    }
    if (highWater == seqs.length) {
      allocateSlots(Math.max(capacity, seqs.length + (seqs.length >> 1)));
    }
    return highWater++;
  }

  /** Grows the row storage by {@code rows}: doubles the first chunk while it is the only one, else adds a chunk. */
  private void addRows(int rows) {
    int target = capacity + rows;
    if (target <= CHUNK_ROWS) {
      vectors = new float[][] {vectors.length == 0 ? new float[target * dim] : Arrays.copyOf(vectors[0], target * dim)};
      if (quantized) {
        int shorts = target * groups * width;
        codes = new short[][] {codes.length == 0 ? new short[shorts] : Arrays.copyOf(codes[0], shorts)};
      }
    } else {
      int chunks = target >>> CHUNK_SHIFT;
      vectors = Arrays.copyOf(vectors, chunks);
      vectors[chunks - 1] = new float[CHUNK_ROWS * dim];
      if (quantized) {
        codes = Arrays.copyOf(codes, chunks);
        codes[chunks - 1] = new short[CHUNK_ROWS * groups * width];
      }
    }
    capacity = target;
  }

  private void allocateSlots(int slots) {
    seqs = seqs == null ? new long[slots] : Arrays.copyOf(seqs, slots);
    createdAt = createdAt == null ? new long[slots] : Arrays.copyOf(createdAt, slots);
    types = types == null ? new byte[slots] : Arrays.copyOf(types, slots);
    alive = alive == null ? new boolean[slots] : Arrays.copyOf(alive, slots);
    ids = ids == null ? new String[slots] : Arrays.copyOf(ids, slots);
    terms = terms == null ? new String[slots][] : Arrays.copyOf(terms, slots);
    if (quantized) {
      scales = scales == null ? new float[slots] : Arrays.copyOf(scales, slots);
      errors = errors == null ? new float[slots] : Arrays.copyOf(errors, slots);
      decodedNorms = decodedNorms == null ? new float[slots] : Arrays.copyOf(decodedNorms, slots);
    }
  }

  private void quantize(int slot) {
    float[] rows = chunk(slot);
    int off = offset(slot);
    float max = 0;
    for (int i = 0; i < dim; i++) {
      max = Math.max(max, Math.abs(rows[off + i]));
    }
    // The scale is chosen by a float error and codes by a multiplication: the choice only has to be good, while the
    // error bound below, computed in double from the codes actually chosen, is what keeps the scans exact.
    // An all-zero row keeps scale 0 and inverse 0, and so every code 8.
    float bestScale = 0;
    float bestInverse = 0;
    float bestError = Float.POSITIVE_INFINITY;
    for (float clip : CLIPS) {
      float scale = max * clip / 7.5f;
      if (!(scale > 0)) {
        continue;
      }
      float inverse = 1 / scale;
      float error = 0;
      for (int i = 0; i < dim; i++) {
        float x = rows[off + i];
        float d = x - scale * (code(x, inverse) - 7.5f);
        error += d * d;
      }
      if (error < bestError) {
        bestError = error;
        bestScale = scale;
        bestInverse = inverse;
      }
    }
    short[] out = codes[slot >>> CHUNK_SHIFT];
    int codeOff = (slot & CHUNK_MASK) * groups * width;
    Arrays.fill(out, codeOff, codeOff + groups * width, (short) 0);
    double error = 0;
    double decodedNorm = 0;
    for (int i = 0; i < dim; i++) {
      float x = rows[off + i];
      int u = code(x, bestInverse);
      out[codeOff + (i / (4 * width)) * width + (i % width)] |= (short) (u << (4 * ((i % (4 * width)) / width)));
      double decoded = (double) bestScale * (u - 7.5);
      error += (x - decoded) * (x - decoded);
      decodedNorm += decoded * decoded;
    }
    scales[slot] = bestScale;
    errors[slot] = Math.nextUp((float) Math.sqrt(error));
    decodedNorms[slot] = Math.nextUp((float) Math.sqrt(decodedNorm));
  }

  /**
   * The 4-bit code of {@code x} at scale {@code 1 / inverse}: {@code floor(x / scale) + 8} clamped to [0, 15]. A
   * truncation equals the floor here, since every negative sum is clamped to 0.
   */
  private static int code(float x, float inverse) {
    return Math.max(0, Math.min(15, (int) (x * inverse + 8f)));
  }

  private void compact() {
    float[][] oldVectors = vectors;
    short[][] oldCodes = codes;
    long[] oldSeqs = seqs;
    long[] oldCreated = createdAt;
    byte[] oldTypes = types;
    boolean[] oldAlive = alive;
    String[] oldIds = ids;
    String[][] oldTerms = terms;
    float[] oldScales = scales;
    float[] oldErrors = errors;
    float[] oldNorms = decodedNorms;
    int oldHighWater = highWater;
    int rows = Math.max(MIN_ROWS, Integer.highestOneBit(Math.max(1, live)) << 1);
    vectors = new float[0][];
    codes = new short[0][];
    capacity = 0;
    seqs = null;
    createdAt = null;
    types = null;
    alive = null;
    ids = null;
    terms = null;
    scales = null;
    errors = null;
    decodedNorms = null;
    allocateSlots(rows);
    while (capacity < rows) {
      addRows(capacity == 0 ? Math.min(rows, CHUNK_ROWS) : capacity < CHUNK_ROWS ? capacity : CHUNK_ROWS);
    }
    int codeRow = groups * width;
    int to = 0;
    for (int from = 0; from < oldHighWater; from++) {
      if (!oldAlive[from]) {
        continue;
      }
      System.arraycopy(oldVectors[from >>> CHUNK_SHIFT], (from & CHUNK_MASK) * dim, chunk(to), offset(to), dim);
      seqs[to] = oldSeqs[from];
      createdAt[to] = oldCreated[from];
      types[to] = oldTypes[from];
      alive[to] = true;
      ids[to] = oldIds[from];
      terms[to] = oldTerms[from];
      if (quantized) {
        System.arraycopy(oldCodes[from >>> CHUNK_SHIFT], (from & CHUNK_MASK) * codeRow,
            codes[to >>> CHUNK_SHIFT], (to & CHUNK_MASK) * codeRow, codeRow);
        scales[to] = oldScales[from];
        errors[to] = oldErrors[from];
        decodedNorms[to] = oldNorms[from];
      }
      slotById.put(ids[to], to);
      to++;
    }
    highWater = to;
    freeCount = 0;
    generation++;
    if (free.length > 1024) {
      free = new int[16];
    }
  }
}
