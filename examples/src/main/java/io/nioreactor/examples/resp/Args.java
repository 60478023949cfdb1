package io.nioreactor.examples.resp;

import java.util.Arrays;

/** Where one request's arguments lie: offsets from the request's first byte, and lengths. */
final class Args {

    private int[] offsets = new int[8];
    private int[] lengths = new int[8];
    private int count;

    void clear() {
        count = 0;
    }

    void add(int offset, int length) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        offsets[count] = offset;
        lengths[count] = length;
        count++;
    }

    int count() {
        return count;
    }

    int offset(int k) {
        return offsets[k];
    }

    int length(int k) {
        return lengths[k];
    }
}
