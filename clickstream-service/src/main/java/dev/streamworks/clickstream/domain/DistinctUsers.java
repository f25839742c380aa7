package dev.streamworks.clickstream.domain;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.memory.WritableMemory;

/**
 * The approximate distinct count of users in a window: an Apache DataSketches HLL sketch
 * ({@code lgK} 12, 8-bit registers: a relative standard error of about 1.6 %, 4,136 bytes whatever
 * the number of users), kept as its updatable bytes so that the window's state is the sketch
 * itself. Adding a user updates a copy in place; the estimate is read in constant time (the
 * sketch keeps its HIP estimator). Sketches merge ({@link #merge}), so windows, partitions or
 * instances can be combined.
 */
public final class DistinctUsers {

    public static final int LG_K = 12;
    private static final TgtHllType TYPE = TgtHllType.HLL_8;

    /** Size of a sketch's bytes. */
    public static final int BYTES = HllSketch.getMaxUpdatableSerializationBytes(LG_K, TYPE);

    private DistinctUsers() {
    }

    /** A copy of {@code sketch} ({@code null}: an empty one) with {@code userId} added. */
    public static byte[] add(byte[] sketch, String userId) {
        byte[] bytes = sketch == null ? empty() : checked(sketch).clone();
        HllSketch.writableWrap(WritableMemory.writableWrap(bytes)).update(userId);
        return bytes;
    }

    /** The estimated number of distinct users the sketch saw, rounded; 0 for {@code null}. */
    public static long estimate(byte[] sketch) {
        return sketch == null ? 0 : Math.round(HllSketch.wrap(Memory.wrap(checked(sketch))).getEstimate());
    }

    /** One sketch of the users of both (their union), of the same size as every other. */
    public static byte[] merge(byte[] first, byte[] second) {
        byte[] bytes = new byte[BYTES];
        // a union kept in memory is laid out as an updatable HLL_8 sketch: its bytes are the merged sketch
        Union union = new Union(LG_K, WritableMemory.writableWrap(bytes));
        union.update(HllSketch.wrap(Memory.wrap(checked(first))));
        union.update(HllSketch.wrap(Memory.wrap(checked(second))));
        // brings the register statistics in the bytes up to date, so that a read-only wrap can read them
        union.getEstimate();
        return bytes;
    }

    private static byte[] empty() {
        byte[] bytes = new byte[BYTES];
        new HllSketch(LG_K, TYPE, WritableMemory.writableWrap(bytes));
        return bytes;
    }

    private static byte[] checked(byte[] sketch) {
        if (sketch.length != BYTES) {
            throw new IllegalArgumentException("a distinct-users sketch has " + BYTES + " bytes, not " + sketch.length
                    + " (state of the approximate mode written before DataSketches: reset the application's state)");
        }
        return sketch;
    }
}
