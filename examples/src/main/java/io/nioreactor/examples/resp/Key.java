package io.nioreactor.examples.resp;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A key of the store: its bytes and their hash. Stored keys own a copy; each connection keeps one
 * mutable probe that it fills from the request to look a key up without allocating.
 */
final class Key {

    private byte[] bytes;
    private int length;
    private int hash;

    private Key(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
        this.hash = hashOf(bytes, length);
    }

    /** A probe, filled by {@link #set}. */
    static Key probe() {
        return new Key(new byte[64], 0);
    }

    /** Fills this probe with {@code length} bytes of {@code from} at {@code offset}. @return this */
    Key set(ByteBuffer from, int offset, int length) {
        if (bytes.length < length) {
            bytes = new byte[Math.max(length, bytes.length * 2)];
        }
        from.get(offset, bytes, 0, length);
        this.length = length;
        this.hash = hashOf(bytes, length);
        return this;
    }

    /** A key to store: a copy of this probe's bytes. */
    Key copy() {
        return new Key(Arrays.copyOf(bytes, length), length);
    }

    private static int hashOf(byte[] bytes, int length) {
        int h = 1;
        for (int i = 0; i < length; i++) {
            h = 31 * h + bytes[i];
        }
        return h;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Key)) {
            return false;
        }
        Key key = (Key) other;
        return hash == key.hash && Arrays.equals(bytes, 0, length, key.bytes, 0, key.length);
    }
}
