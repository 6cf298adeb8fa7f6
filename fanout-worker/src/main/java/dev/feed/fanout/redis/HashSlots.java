package dev.feed.fanout.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Redis Cluster hash slots (CRC16/XMODEM of the key's hash tag, mod 16384) and grouping keys by them. */
public final class HashSlots {
    public static final int SLOTS = 16384;

    private HashSlots() {
    }

    /**
     * Splits keys into groups of at most {@code perGroup} that one multi-key command may take:
     * same slot in cluster mode, any keys on a standalone server.
     */
    public static List<List<String>> group(List<String> keys, int perGroup, boolean cluster) {
        int size = Math.max(1, perGroup);
        if (!cluster) {
            return chunks(keys, size);
        }
        Map<Integer, List<String>> bySlot = new LinkedHashMap<>();
        for (String key : keys) {
            bySlot.computeIfAbsent(slot(key), s -> new ArrayList<>()).add(key);
        }
        List<List<String>> groups = new ArrayList<>(bySlot.size());
        for (List<String> sameSlot : bySlot.values()) {
            groups.addAll(chunks(sameSlot, size));
        }
        return groups;
    }

    public static int slot(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                key = key.substring(open + 1, close);
            }
        }
        return crc16(key.getBytes(StandardCharsets.UTF_8)) % SLOTS;
    }

    private static List<List<String>> chunks(List<String> keys, int size) {
        List<List<String>> out = new ArrayList<>((keys.size() + size - 1) / size);
        for (int from = 0; from < keys.size(); from += size) {
            out.add(keys.subList(from, Math.min(keys.size(), from + size)));
        }
        return out;
    }

    /** CRC16-CCITT (XMODEM), polynomial 0x1021, initial 0: the one Redis Cluster uses. */
    static int crc16(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc ^= (b & 0xff) << 8;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
                crc &= 0xffff;
            }
        }
        return crc;
    }
}
