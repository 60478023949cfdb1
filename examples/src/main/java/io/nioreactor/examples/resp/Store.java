package io.nioreactor.examples.resp;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys and their values, shared by every loop of the server, so that each client sees what
 * the others set whichever loop serves it. A value past its expiry is gone: removed when it is
 * next looked at (a key never looked at again keeps its memory; Redis also samples keys on a
 * timer, this example does not).
 */
final class Store {

    /** A value and when it expires, in {@link System#currentTimeMillis()} terms (0: never). */
    static final class Entry {
        final byte[] value;
        final long expiresAtMillis;

        Entry(byte[] value, long expiresAtMillis) {
            this.value = value;
            this.expiresAtMillis = expiresAtMillis;
        }

        boolean expired(long now) {
            return expiresAtMillis != 0 && now >= expiresAtMillis;
        }
    }

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

    /** {@return the live entry of {@code key}, or {@code null}} */
    Entry get(Key key) {
        Entry entry = entries.get(key);
        if (entry != null && entry.expired(System.currentTimeMillis())) {
            entries.remove(key, entry);
            return null;
        }
        return entry;
    }

    /** Sets {@code key}'s entry; an existing key keeps its map node and its key: nothing copied for them. */
    void put(Key probe, Entry entry) {
        if (entries.replace(probe, entry) == null) {
            entries.put(probe.copy(), entry); // a new key (or one removed meanwhile: the last writer wins)
        }
    }

    /** {@return whether {@code key} was there (and live)} */
    boolean remove(Key key) {
        Entry entry = entries.remove(key);
        return entry != null && !entry.expired(System.currentTimeMillis());
    }

    /**
     * Replaces {@code expected} by {@code replacement} if it is still the entry of {@code key}
     * ({@code expected} null: if the key is absent).
     *
     * @return whether it did
     */
    boolean replace(Key probe, Entry expected, Entry replacement) {
        if (expected == null) {
            return entries.putIfAbsent(probe.copy(), replacement) == null;
        }
        return entries.replace(probe, expected, replacement);
    }
}
