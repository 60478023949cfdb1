package io.nioreactor.examples.resp;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys and their values, shared by every loop of the server, so that each client sees what
 * the others set whichever loop serves it.
 *
 * <p>Each key's value sits in a {@link Slot} of its own, read and changed under the slot's
 * monitor (uncontended with one loop: two compare-and-sets). A value of up to
 * {@value #IN_PLACE_MAX} bytes is overwritten in place when the new one fits, so setting or
 * incrementing a key that exists allocates nothing; a larger array is never changed once stored,
 * so a reply may send it without a copy ({@link ValueReader}). A removed key's slot is first
 * marked gone, then taken out of the map, so that a writer holding the slot cannot set a value
 * nobody will find: it sees the mark and starts again.
 *
 * <p>A value past its expiry is gone: removed when it is next looked at, or by
 * {@link #sweepExpired}, which a timer calls so that keys never looked at again give their
 * memory back too (Redis samples its keys on a timer for the same reason).
 */
final class Store {

    /** Values up to this size are overwritten in place; larger arrays never change once stored. */
    static final int IN_PLACE_MAX = 16 * 1024;
    /** Room for any long in decimal: what an incremented value is given, to be changed in place. */
    private static final int DIGITS = 20;

    /** Receives a value while the store holds its key: it copies what it keeps. */
    interface ValueReader {
        /**
         * @param bytes  the value's array: changed after the call unless longer than
         *               {@link #IN_PLACE_MAX}, so only such an array may be kept without a copy
         * @param length the value's length, from index 0
         */
        void value(byte[] bytes, int length);
    }

    /** A key's value and when it expires; guarded by its own monitor. */
    private static final class Slot {
        private byte[] value;
        private int length;
        /** In {@link System#currentTimeMillis()} terms; 0: never. */
        private long expiresAtMillis;
        /** Being taken out of the map: no longer the key's. */
        private boolean gone;

        Slot(byte[] value, int length, long expiresAtMillis) {
            this.value = value;
            this.length = length;
            this.expiresAtMillis = expiresAtMillis;
        }

        /** Whether the value is there: not gone, not expired (an expired one is marked gone). */
        boolean live() {
            if (!gone && expiresAtMillis != 0 && System.currentTimeMillis() >= expiresAtMillis) {
                gone = true;
            }
            return !gone;
        }

        void set(ByteBuffer from, int offset, int count, long expiresAt) {
            if (value.length < count || value.length > IN_PLACE_MAX) {
                value = new byte[count]; // a large array may be on its way to a client: never touched again
            }
            from.get(offset, value, 0, count);
            length = count;
            expiresAtMillis = expiresAt;
        }

        void setNumber(long number) {
            if (value.length < DIGITS || value.length > IN_PLACE_MAX) {
                value = new byte[DIGITS];
            }
            length = Decimal.write(number, value);
        }
    }

    private final ConcurrentHashMap<Key, Slot> slots = new ConcurrentHashMap<>();
    /** Where the last sweep stopped (the map's iterators see removals and keep going). */
    private Iterator<Key> sweep;

    /**
     * Hands {@code key}'s value to {@code reader}, if it has one.
     *
     * @return whether it had
     */
    boolean get(Key key, ValueReader reader) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            if (slot.live()) {
                reader.value(slot.value, slot.length);
                return true;
            }
        }
        slots.remove(key, slot);
        return false;
    }

    /** {@return whether {@code key} has a value} */
    boolean contains(Key key) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            if (slot.live()) {
                return true;
            }
        }
        slots.remove(key, slot);
        return false;
    }

    /**
     * Sets {@code key} to {@code length} bytes of {@code from} at {@code offset} (absolute).
     * A key that exists keeps its slot, its stored key and, if the value fits, its array:
     * nothing is allocated.
     *
     * @param expiresAtMillis when it expires, in {@link System#currentTimeMillis()} terms; 0: never
     */
    void put(Key key, ByteBuffer from, int offset, int length, long expiresAtMillis) {
        while (true) {
            Slot slot = slots.get(key);
            if (slot == null) {
                byte[] value = new byte[length];
                from.get(offset, value);
                if (slots.putIfAbsent(key.copy(), new Slot(value, length, expiresAtMillis)) == null) {
                    return;
                }
                continue; // another loop's client added it meanwhile: set it there
            }
            synchronized (slot) {
                if (!slot.gone) { // an expired value is replaced all the same
                    slot.set(from, offset, length, expiresAtMillis);
                    return;
                }
            }
            slots.remove(key, slot); // being removed: finish that, then add it anew
        }
    }

    /**
     * Adds {@code delta} to the decimal number {@code key} holds (0 if absent), in place.
     *
     * @return the sum
     * @throws ArithmeticException if the value is not a decimal long or the sum would overflow;
     *         its message is the RESP error to answer
     */
    long add(Key key, long delta) {
        while (true) {
            Slot slot = slots.get(key);
            if (slot == null) {
                byte[] digits = new byte[DIGITS];
                int length = Decimal.write(delta, digits);
                if (slots.putIfAbsent(key.copy(), new Slot(digits, length, 0)) == null) {
                    return delta;
                }
                continue;
            }
            synchronized (slot) {
                if (slot.live()) {
                    long value = Decimal.parse(slot.value, slot.length);
                    if (value == Long.MIN_VALUE) {
                        throw new ArithmeticException("ERR value is not an integer or out of range");
                    }
                    long sum = value + delta;
                    if (((value ^ sum) & (delta ^ sum)) < 0) {
                        throw new ArithmeticException("ERR increment or decrement would overflow");
                    }
                    slot.setNumber(sum);
                    return sum;
                }
            }
            slots.remove(key, slot);
        }
    }

    /**
     * Removes {@code key}, handing its value to {@code reader} first if it had one ({@code reader}
     * may be null).
     *
     * @return whether it had a value
     */
    boolean remove(Key key, ValueReader reader) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return false;
        }
        boolean had;
        synchronized (slot) {
            had = slot.live();
            if (had && reader != null) {
                reader.value(slot.value, slot.length);
            }
            slot.gone = true;
        }
        slots.remove(key, slot);
        return had;
    }

    /**
     * Sets when {@code key} expires, if it has a value.
     *
     * @param expiresAtMillis in {@link System#currentTimeMillis()} terms; 0: never
     * @return whether it had a value
     */
    boolean expireAt(Key key, long expiresAtMillis) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            if (slot.live()) {
                slot.expiresAtMillis = expiresAtMillis;
                return true;
            }
        }
        slots.remove(key, slot);
        return false;
    }

    /** {@return when {@code key} expires: 0 never, -1 if it has no value} */
    long expiresAt(Key key) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return -1;
        }
        synchronized (slot) {
            if (slot.live()) {
                return slot.expiresAtMillis;
            }
        }
        slots.remove(key, slot);
        return -1;
    }

    /**
     * Looks at up to {@code budget} keys, from where the last call stopped, and removes those
     * whose value has expired: a key never looked at again gives its memory back within a few
     * passes. Call from one thread at a time.
     *
     * @return how many it removed
     */
    int sweepExpired(int budget) {
        int removed = 0;
        boolean restarted = false;
        for (int looked = 0; looked < budget; looked++) {
            if (sweep == null || !sweep.hasNext()) {
                if (restarted) {
                    break; // a whole pass within this call: enough
                }
                sweep = slots.keySet().iterator();
                restarted = true;
                if (!sweep.hasNext()) {
                    break;
                }
            }
            Key key = sweep.next();
            Slot slot = slots.get(key);
            if (slot != null && expired(slot)) {
                slots.remove(key, slot);
                removed++;
            }
        }
        return removed;
    }

    private static boolean expired(Slot slot) {
        synchronized (slot) {
            return slot.expiresAtMillis != 0 && !slot.live();
        }
    }

    /** {@return how many keys the store holds, expired ones not yet removed included} */
    int size() {
        return slots.size();
    }
}
