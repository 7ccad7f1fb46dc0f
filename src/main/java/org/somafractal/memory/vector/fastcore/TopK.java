package org.somafractal.memory.vector.fastcore;

/**
 * A bounded min-heap of the best {@code k} (score, slot) pairs, each packed into one long as
 * {@code sortableBits(score) << 32 | (MAX_INT - slot)} in the manner of Lucene's {@code NeighborQueue}: comparing the
 * longs orders by score and, on equal scores, prefers the lower slot, so ties are deterministic. The buffer is reused
 * across searches; only growing {@code k} allocates.
 *
 * <p>Not thread-safe.
 */
final class TopK {
  private long[] heap = new long[16];
  private int size;
  private int k;

  /** Empties the heap and sets its bound. */
  void reset(int k) {
    if (heap.length < k) {
      heap = new long[Math.max(k, heap.length * 2)];
    }
    this.k = k;
    size = 0;
  }

  int boundK() {
    return k;
  }

  int size() {
    return size;
  }

  boolean full() {
    return size == k;
  }

  /** The worst score held; only meaningful when {@link #full()}. */
  float floor() {
    return decodeScore(heap[0]);
  }

  /** Whether {@code (score, slot)} would enter: the heap is not full, or it beats the worst entry. */
  boolean accepts(float score, int slot) {
    return size < k || encode(score, slot) > heap[0];
  }

  /** Adds {@code (score, slot)} if it {@link #accepts}; returns whether it did. */
  boolean offer(float score, int slot) {
    long code = encode(score, slot);
    if (size < k) {
      heap[size] = code;
      up(size++);
      return true;
    }
    if (code <= heap[0]) {
      return false;
    }
    heap[0] = code;
    down(0);
    return true;
  }

  /**
   * Empties the heap into {@code slots} and {@code scores}, best first; returns the count.
   */
  int drain(int[] slots, float[] scores) {
    int n = size;
    for (int i = n - 1; i >= 0; i--) {
      long top = heap[0];
      slots[i] = decodeSlot(top);
      scores[i] = decodeScore(top);
      heap[0] = heap[--size];
      down(0);
    }
    return n;
  }

  static long encode(float score, int slot) {
    int bits = Float.floatToIntBits(score);
    bits ^= (bits >> 31) & 0x7fffffff;
    return ((long) bits << 32) | (Integer.MAX_VALUE - slot);
  }

  static float decodeScore(long code) {
    int bits = (int) (code >>> 32);
    bits ^= (bits >> 31) & 0x7fffffff;
    return Float.intBitsToFloat(bits);
  }

  static int decodeSlot(long code) {
    return Integer.MAX_VALUE - (int) code;
  }

  private void up(int i) {
    long v = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= v) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = v;
  }

  private void down(int i) {
    if (size == 0) {
      return;
    }
    long v = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && heap[right] < heap[child]) {
        child = right;
      }
      if (v <= heap[child]) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = v;
  }
}
