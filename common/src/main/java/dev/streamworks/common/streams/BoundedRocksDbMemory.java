package dev.streamworks.common.streams;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * Bounds the off-heap memory of every RocksDB store of the process (Kafka's memory-management
 * guide): one block cache shared by all stores, with the memtables charged to it through a write
 * buffer manager, and index and filter blocks kept in it. Left alone, each RocksDB instance
 * (every store of every task, every segment of a window store) takes its own cache and
 * memtables, and a service with many stores grows without a bound its operator can set.
 * Sizes come from {@code streamworks.rocksdb.*}; the pool is created once per JVM, by the first
 * store opened, and never closed while stores use it.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    public static final String TOTAL_BYTES_CONFIG = "streamworks.rocksdb.total-memory-bytes";
    public static final String MEMTABLE_SHARE_CONFIG = "streamworks.rocksdb.memtable-share";

    /** Share of the cache reserved for index and filter blocks, evicted last. */
    private static final double INDEX_FILTER_SHARE = 0.1;

    private static Pool pool;

    private record Pool(Cache cache, WriteBufferManager writeBuffers, long totalBytes) {
    }

    private static synchronized Pool pool(Map<String, Object> configs) {
        if (pool == null) {
            long total = ((Number) configs.getOrDefault(TOTAL_BYTES_CONFIG, 128L * 1024 * 1024)).longValue();
            double memtableShare = ((Number) configs.getOrDefault(MEMTABLE_SHARE_CONFIG, 0.5)).doubleValue();
            Cache cache = new LRUCache(total, -1, false, INDEX_FILTER_SHARE);
            pool = new Pool(cache, new WriteBufferManager((long) (total * memtableShare), cache), total);
        }
        return pool;
    }

    /** The bound of the shared pool, or 0 before the first store opened. */
    public static synchronized long totalBytes() {
        return pool == null ? 0 : pool.totalBytes();
    }

    /** What the shared block cache holds now (memtables included), or 0 before the first store opened. */
    public static synchronized long usedBytes() {
        return pool == null ? 0 : pool.cache().getUsage();
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Pool shared = pool(configs);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(shared.writeBuffers());
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager are shared by every store: not closed here
    }
}
