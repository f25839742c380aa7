package dev.streamworks.clickstream.domain;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small HyperLogLog sketch (Flajolet et al., with the linear-counting correction for small
 * cardinalities): 2^12 one-byte registers, a standard error of about 1.6 %, and a fixed size
 * whatever the number of distinct values, for the {@code approximate} distinct mode.
 */
public final class HyperLogLog {

    public static final int PRECISION = 12;
    public static final int REGISTERS = 1 << PRECISION;

    private static final double ALPHA = 0.7213 / (1 + 1.079 / REGISTERS);

    private final byte[] registers;

    public HyperLogLog() {
        this(new byte[REGISTERS]);
    }

    private HyperLogLog(byte[] registers) {
        if (registers.length != REGISTERS) {
            throw new IllegalArgumentException("a sketch has " + REGISTERS + " registers, not " + registers.length);
        }
        this.registers = registers;
    }

    public static HyperLogLog of(byte[] registers) {
        return new HyperLogLog(registers.clone());
    }

    public byte[] registers() {
        return registers.clone();
    }

    /** Adds a value; true when the sketch changed (so the estimate may have). */
    public boolean add(String value) {
        long hash = hash(value);
        int index = (int) (hash >>> (64 - PRECISION));
        long rest = hash << PRECISION;
        byte rank = (byte) (rest == 0 ? 64 - PRECISION + 1 : Long.numberOfLeadingZeros(rest) + 1);
        if (rank > registers[index]) {
            registers[index] = rank;
            return true;
        }
        return false;
    }

    public long estimate() {
        double sum = 0;
        int zeros = 0;
        for (byte register : registers) {
            sum += 1.0 / (1L << register);
            if (register == 0) {
                zeros++;
            }
        }
        double estimate = ALPHA * REGISTERS * REGISTERS / sum;
        if (estimate <= 2.5 * REGISTERS && zeros > 0) {
            estimate = REGISTERS * Math.log((double) REGISTERS / zeros);
        }
        return Math.round(estimate);
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, finished with MurmurHash3's avalanche step. */
    static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HyperLogLog sketch && Arrays.equals(registers, sketch.registers);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(registers);
    }
}
