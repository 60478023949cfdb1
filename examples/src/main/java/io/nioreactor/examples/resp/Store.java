package io.nioreactor.examples.resp;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The keys and their values, shared by every loop of the server, so that each client sees what
 * the others set whichever loop serves it.
 *
 * <p>Each key's value sits in a {@link Slot} of its own, read and changed under the slot's
 * monitor (uncontended with one loop: two compare-and-sets). A value of up to
 * {@value #IN_PLACE_MAX} bytes is overwritten in place when the new one fits (and its array is not
 * more than twice its size, so a key set small again gives its memory back): setting or
 * incrementing a key that exists allocates nothing. A larger value gets an array of its own,
 * filled before the lock is taken and never changed once stored, so that a reader copies it
 * without holding the lock: no loop waits while another copies megabytes. A removed key's slot is
 * first marked gone, then taken out of the map, so that a writer holding the slot cannot set a
 * value nobody will find: it sees the mark and starts again.
 *
 * <p>A value past its expiry is gone: removed when it is next looked at, or by
 * {@link #sweepExpired}, which a timer calls so that keys never looked at again give their
 * memory back too (Redis samples its keys on a timer for the same reason).
 */
final class Store {

    /** Values up to this size are read under the key's lock and overwritten in place; larger ones never change. */
    static final int IN_PLACE_MAX = 16 * 1024;

    /** Receives a value of the store. */
    interface ValueReader {
        /**
         * Called with the key's lock held for a value of up to {@link #IN_PLACE_MAX} bytes (its
         * array changes after the call), without it for a larger one (whose array never changes):
         * either way, copy what you keep, and do not use the store from here.
         *
         * @param bytes  the value's array
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

        /** Whether {@code count} bytes go into the array in place: a small one, big enough, not twice too big. */
        boolean fits(int count) {
            int capacity = value.length;
            return capacity >= count && capacity <= IN_PLACE_MAX && capacity <= Math.max(2 * count, 32);
        }
    }

    private final ConcurrentHashMap<Key, Slot> slots = new ConcurrentHashMap<>();
    /** Slots with an expiry, not gone: with none, a sweep has nothing to look for. */
    private final AtomicInteger expiring = new AtomicInteger();
    /** Where the last sweep stopped (the map's iterators see removals and keep going). */
    private Iterator<Key> sweep;

    /**
     * Hands {@code key}'s value to {@code reader}, if it has one.
     *
     * @return whether it had
     */
    boolean get(Key key, ValueReader reader) {
        return read(key, reader, false);
    }

    /**
     * Removes {@code key}, handing its value to {@code reader} first if it had one ({@code reader}
     * may be null).
     *
     * @return whether it had a value
     */
    boolean remove(Key key, ValueReader reader) {
        return read(key, reader, true);
    }

    /** {@return whether {@code key} has a value} */
    boolean contains(Key key) {
        return read(key, null, false);
    }

    private boolean read(Key key, ValueReader reader, boolean remove) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return false;
        }
        boolean had;
        byte[] large = null;
        int length = 0;
        synchronized (slot) {
            had = live(slot);
            if (had && reader != null) {
                if (slot.length <= IN_PLACE_MAX) {
                    reader.value(slot.value, slot.length);
                } else {
                    large = slot.value;
                    length = slot.length;
                }
            }
            if (remove) {
                markGone(slot);
            }
        }
        if (!had || remove) {
            slots.remove(key, slot);
        }
        if (large != null) {
            reader.value(large, length); // never changes once stored: copied without the lock
        }
        return had;
    }

    /**
     * Sets {@code key} to {@code length} bytes of {@code from} at {@code offset} (absolute).
     * A key that exists keeps its slot, its stored key and, if the value fits, its array:
     * nothing is allocated.
     *
     * @param expiresAtMillis when it expires, in {@link System#currentTimeMillis()} terms; 0: never
     */
    void put(Key key, ByteBuffer from, int offset, int length, long expiresAtMillis) {
        byte[] large = length > IN_PLACE_MAX ? copy(from, offset, length) : null; // filled without the lock
        while (true) {
            Slot slot = slots.get(key);
            if (slot == null) {
                Slot fresh = new Slot(large != null ? large : copy(from, offset, length), length, 0);
                setExpiry(fresh, expiresAtMillis);
                if (slots.putIfAbsent(key.copy(), fresh) == null) {
                    return;
                }
                setExpiry(fresh, 0);
                continue; // another loop's client added it meanwhile: set it there
            }
            synchronized (slot) {
                if (!slot.gone) { // an expired value is replaced all the same
                    if (large != null) {
                        slot.value = large;
                    } else {
                        if (!slot.fits(length)) {
                            slot.value = new byte[length];
                        }
                        from.get(offset, slot.value, 0, length);
                    }
                    slot.length = length;
                    setExpiry(slot, expiresAtMillis);
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
                byte[] digits = new byte[Decimal.MAX_LENGTH];
                int length = Decimal.write(delta, digits);
                if (slots.putIfAbsent(key.copy(), new Slot(digits, length, 0)) == null) {
                    return delta;
                }
                continue;
            }
            synchronized (slot) {
                if (live(slot)) {
                    long value;
                    try {
                        value = Decimal.parse(slot.value, slot.length);
                    } catch (NumberFormatException e) {
                        throw new ArithmeticException("ERR value is not an integer or out of range");
                    }
                    long sum = value + delta;
                    if (((value ^ sum) & (delta ^ sum)) < 0) {
                        throw new ArithmeticException("ERR increment or decrement would overflow");
                    }
                    if (!slot.fits(Decimal.MAX_LENGTH)) {
                        slot.value = new byte[Decimal.MAX_LENGTH]; // room for any sum: in place from now on
                    }
                    slot.length = Decimal.write(sum, slot.value);
                    return sum;
                }
            }
            slots.remove(key, slot);
        }
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
            if (live(slot)) {
                setExpiry(slot, expiresAtMillis);
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
            if (live(slot)) {
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
        if (expiring.get() == 0) {
            return 0;
        }
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

    /** Whether this call found the slot's value expired (and marked it gone). */
    private boolean expired(Slot slot) {
        synchronized (slot) {
            return !slot.gone && slot.expiresAtMillis != 0 && !live(slot);
        }
    }

    // ---------------------------------------------------------------- with the slot's lock held

    /** Whether the slot's value is there: not gone, not expired (an expired one is marked gone). */
    private boolean live(Slot slot) {
        if (!slot.gone && slot.expiresAtMillis != 0 && System.currentTimeMillis() >= slot.expiresAtMillis) {
            markGone(slot);
        }
        return !slot.gone;
    }

    private void markGone(Slot slot) {
        if (!slot.gone) {
            setExpiry(slot, 0);
            slot.gone = true;
        }
    }

    private void setExpiry(Slot slot, long expiresAtMillis) {
        if ((slot.expiresAtMillis != 0) != (expiresAtMillis != 0)) {
            expiring.addAndGet(expiresAtMillis != 0 ? 1 : -1);
        }
        slot.expiresAtMillis = expiresAtMillis;
    }

    private static byte[] copy(ByteBuffer from, int offset, int length) {
        byte[] bytes = new byte[length];
        from.get(offset, bytes);
        return bytes;
    }

    /** {@return how many keys the store holds, expired ones not yet removed included} */
    int size() {
        return slots.size();
    }
}
