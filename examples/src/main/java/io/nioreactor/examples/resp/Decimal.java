package io.nioreactor.examples.resp;

/** Decimal longs to and from ASCII bytes, without a String. */
final class Decimal {

    /** Room for any long: 19 digits and a sign. */
    static final int MAX_LENGTH = 20;
    private static final byte[] MIN_VALUE = Replies.ascii(Long.toString(Long.MIN_VALUE));

    private Decimal() {
    }

    /**
     * Writes {@code value} at the start of {@code into} (at least {@link #MAX_LENGTH} long).
     *
     * @return how many bytes it wrote
     */
    static int write(long value, byte[] into) {
        if (value == Long.MIN_VALUE) { // the one long whose negation is not a long
            System.arraycopy(MIN_VALUE, 0, into, 0, MIN_VALUE.length);
            return MIN_VALUE.length;
        }
        int sign = value < 0 ? 1 : 0;
        long rest = Math.abs(value);
        int length = sign + digits(rest);
        int at = length;
        do { // from the last digit back: one division a digit
            into[--at] = (byte) ('0' + rest % 10);
            rest /= 10;
        } while (rest != 0);
        if (sign == 1) {
            into[0] = '-';
        }
        return length;
    }

    /**
     * Reads the decimal long in the first {@code length} bytes of {@code bytes}, as Redis does:
     * an optional '-', digits only, no leading '+' or spaces, within the range of a long.
     *
     * @return the number, or {@link Long#MIN_VALUE} if it is none (so that value itself reads
     *         as none too: the commands treat it as out of range)
     */
    static long parse(byte[] bytes, int length) {
        if (length == 0 || length > MAX_LENGTH) {
            return Long.MIN_VALUE;
        }
        boolean negative = bytes[0] == '-';
        int first = negative ? 1 : 0;
        if (first == length) {
            return Long.MIN_VALUE;
        }
        long value = 0; // accumulated negatively, as Long.parseLong does, to reach -2^63 without overflow
        for (int i = first; i < length; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9 || value < (Long.MIN_VALUE + digit) / 10) {
                return Long.MIN_VALUE;
            }
            value = value * 10 - digit;
        }
        return negative ? value : value == Long.MIN_VALUE ? Long.MIN_VALUE : -value;
    }

    private static int digits(long positive) {
        int digits = 1;
        for (long bound = 10; digits < 19 && positive >= bound; bound *= 10) {
            digits++;
        }
        return digits;
    }
}
