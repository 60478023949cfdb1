package io.nioreactor.examples.resp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys and their values, shared by every loop of the server, so that each client sees what
 * the others set whichever loop serves it. A value past its expiry is gone: removed when it is
 * next looked at (a key never looked at again keeps its memory; Redis also samples keys on a
 * timer, this example does not).
 *
 * <p>Each key's entry sits in a {@link Slot} of its own, changed by compare-and-set: setting or
 * incrementing a key that exists is a lock-free lookup and one CAS, where the map's own
 * {@code replace} takes the lock of the key's bin (measured: a sixth of a pipelined SET's time).
 * A removed key's slot is first marked {@link #GONE}, then taken out of the map, so that a writer
 * holding the slot cannot set a value nobody will find: it sees the mark and starts again.
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

        boolean expired() {
            return expiresAtMillis != 0 && System.currentTimeMillis() >= expiresAtMillis;
        }
    }

    /** A key's place in the map; its entry changes in place. */
    private static final class Slot {
        volatile Entry entry;

        Slot(Entry entry) {
            this.entry = entry;
        }
    }

    /** The entry of a slot being taken out of the map: no longer the key's. */
    private static final Entry GONE = new Entry(new byte[0], 0);
    private static final VarHandle ENTRY;

    static {
        try {
            ENTRY = MethodHandles.lookup().findVarHandle(Slot.class, "entry", Entry.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentHashMap<Key, Slot> slots = new ConcurrentHashMap<>();

    /** {@return the live entry of {@code key}, or {@code null}} */
    Entry get(Key key) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return null;
        }
        Entry entry = slot.entry;
        if (entry == GONE) {
            return null;
        }
        if (entry.expired()) {
            takeOut(key, slot, entry);
            return null;
        }
        return entry;
    }

    /** Sets {@code key}'s entry; an existing key keeps its slot and its key: nothing copied for them. */
    void put(Key probe, Entry entry) {
        while (true) {
            Slot slot = slots.get(probe);
            if (slot == null) {
                if (slots.putIfAbsent(probe.copy(), new Slot(entry)) == null) {
                    return;
                }
                continue; // another loop's client added it meanwhile: set it there
            }
            Entry old = slot.entry;
            if (old == GONE) {
                slots.remove(probe, slot); // being removed: finish that, then add it anew
            } else if (ENTRY.compareAndSet(slot, old, entry)) {
                return;
            }
        }
    }

    /** {@return whether {@code key} was there (and live)} */
    boolean remove(Key key) {
        return take(key) != null;
    }

    /** Removes {@code key}. @return its live entry, or {@code null} if it was absent or expired */
    Entry take(Key key) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return null;
        }
        while (true) {
            Entry old = slot.entry;
            if (old == GONE) {
                return null;
            }
            if (takeOut(key, slot, old)) {
                return old.expired() ? null : old;
            }
        }
    }

    /**
     * Replaces {@code expected} by {@code replacement} if it is still the entry of {@code key}
     * ({@code expected} null: if the key is absent).
     *
     * @return whether it did
     */
    boolean replace(Key probe, Entry expected, Entry replacement) {
        Slot slot = slots.get(probe);
        if (expected != null) {
            return slot != null && ENTRY.compareAndSet(slot, expected, replacement);
        }
        if (slot != null) {
            if (slot.entry != GONE) {
                return false; // it is there after all
            }
            slots.remove(probe, slot);
        }
        return slots.putIfAbsent(probe.copy(), new Slot(replacement)) == null;
    }

    /** Marks the slot gone if its entry is still {@code entry}, then takes it out of the map. */
    private boolean takeOut(Key key, Slot slot, Entry entry) {
        if (!ENTRY.compareAndSet(slot, entry, GONE)) {
            return false;
        }
        slots.remove(key, slot);
        return true;
    }
}
