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
     * Reads the decimal long in the first {@code length} bytes of {@code bytes}, as Redis reads
     * one: an optional '-', then digits without a leading zero (but "0" itself), within the range
     * of a long; no '+', no spaces.
     *
     * @return the number
     * @throws NumberFormatException if the bytes are no such number (only on that path: it allocates)
     */
    static long parse(byte[] bytes, int length) {
        if (length == 0 || length > MAX_LENGTH) {
            throw notANumber();
        }
        boolean negative = bytes[0] == '-';
        int first = negative ? 1 : 0;
        if (first == length || bytes[first] == '0' && (negative || length > 1)) {
            throw notANumber(); // "-", "-0", "007"
        }
        long value = 0; // accumulated negatively, as Long.parseLong does, to reach -2^63 without overflow
        for (int i = first; i < length; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9 || value < (Long.MIN_VALUE + digit) / 10) {
                throw notANumber();
            }
            value = value * 10 - digit;
        }
        if (!negative && value == Long.MIN_VALUE) {
            throw notANumber(); // 9223372036854775808
        }
        return negative ? value : -value;
    }

    private static NumberFormatException notANumber() {
        return new NumberFormatException("not a decimal long");
    }

    private static int digits(long positive) {
        int digits = 1;
        for (long bound = 10; digits < 19 && positive >= bound; bound *= 10) {
            digits++;
        }
        return digits;
    }
}
