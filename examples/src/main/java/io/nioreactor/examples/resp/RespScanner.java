package io.nioreactor.examples.resp;

import io.nioreactor.core.FrameScanner;
import io.nioreactor.core.FramingException;
import java.nio.ByteBuffer;

/**
 * Where one RESP2 request ends: an array of bulk strings ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n})
 * or an inline command ({@code PING\r\n}, as typed into telnet). The array is walked header by
 * header; once the last element's header is read its whole length is known, so a 4 MiB value
 * is waited for without scanning it again, and a request announced above the bound is refused
 * at once, before a byte of it is kept. As it walks, it notes where each argument lies, so the
 * request is not parsed a second time ({@link #args}): the
 * framer asks for one request's length and delivers it before it asks about the next, so these
 * describe the request being delivered. One per connection.
 */
final class RespScanner implements FrameScanner {

    /** Elements of one array at most, as Redis's own limit. */
    private static final long MAX_ELEMENTS = 1024 * 1024;
    /** An inline command's line at most, as Redis's own limit. */
    static final int MAX_INLINE = 64 * 1024;

    private final long maxRequest;
    /** The number {@link #readNumber} read last. */
    private long number;
    /** The last array's arguments. */
    private final Args args = new Args();

    RespScanner(long maxRequest) {
        this.maxRequest = maxRequest;
    }

    @Override
    public long frameLength(ByteBuffer bytes, int scanned) throws FramingException {
        int start = bytes.position();
        int end = bytes.limit();
        if (bytes.get(start) != '*') {
            return inlineLength(bytes, start, end, scanned);
        }
        int at = readNumber(bytes, start + 1, end);
        if (at < 0) {
            return NEED_MORE;
        }
        if (number < 1 || number > MAX_ELEMENTS) {
            throw new FramingException("Protocol error: invalid multibulk length");
        }
        long elements = number;
        long length = at - start;
        args.clear();
        for (long k = 0; k < elements; k++) {
            int header = (int) (start + length);
            if (header >= end) {
                return NEED_MORE;
            }
            if (bytes.get(header) != '$') {
                throw new FramingException("Protocol error: expected '$', got '" + printable(bytes.get(header)) + "'");
            }
            int value = readNumber(bytes, header + 1, end);
            if (value < 0) {
                return NEED_MORE;
            }
            if (number < 0) {
                throw new FramingException("Protocol error: invalid bulk length");
            }
            length = value - start + number + 2; // the value and its CRLF
            if (length > maxRequest) {
                throw new FramingException("Protocol error: a request of more than " + maxRequest + " bytes");
            }
            args.add(value - start, (int) number);
            if (k == elements - 1) {
                return length; // the last header: the request's end is known, its value may still come
            }
            if (start + length > end) {
                return NEED_MORE; // the next header follows a value not all here yet
            }
        }
        return length;
    }

    /** {@return the last array's arguments} (inline commands: the handler splits them itself) */
    Args args() {
        return args;
    }

    private long inlineLength(ByteBuffer bytes, int start, int end, int scanned) throws FramingException {
        for (int i = start + scanned; i < end; i++) {
            if (bytes.get(i) == '\n') {
                return i - start + 1;
            }
        }
        if (end - start > MAX_INLINE) {
            throw new FramingException("Protocol error: too big inline request");
        }
        return NEED_MORE;
    }

    /**
     * Reads a decimal number ended by CRLF from {@code at} into {@link #number}.
     *
     * @return the index after the CRLF, or -1 if it has not all arrived
     */
    private int readNumber(ByteBuffer bytes, int at, int end) throws FramingException {
        boolean negative = at < end && bytes.get(at) == '-';
        int digits = negative ? at + 1 : at;
        long value = 0;
        for (int i = digits; i < end; i++) {
            byte b = bytes.get(i);
            if (b == '\r') {
                if (i + 1 >= end) {
                    return -1;
                }
                if (bytes.get(i + 1) != '\n' || i == digits) {
                    throw new FramingException("Protocol error: invalid length");
                }
                number = negative ? -value : value;
                return i + 2;
            }
            if (b < '0' || b > '9' || i - digits >= 18) {
                throw new FramingException("Protocol error: invalid length");
            }
            value = value * 10 + (b - '0');
        }
        return -1;
    }

    private static String printable(byte b) {
        return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xFF);
    }
}
