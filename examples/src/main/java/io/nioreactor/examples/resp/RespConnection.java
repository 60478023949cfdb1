package io.nioreactor.examples.resp;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.Framer;
import io.nioreactor.core.FramingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One client of the RESP server: frames its requests ({@link RespScanner}), runs each command
 * against the shared {@link Store} and queues the reply; pipelined requests of one read leave
 * in one write. A client that does not read its replies stops being read once they pass the
 * high water mark, and is read again once they have drained: its memory stays bounded.
 */
final class RespConnection implements ConnectionHandler, Framer.FrameHandler {

    private final Store store;
    private final RespScanner scanner;
    private final Framer framer;
    private final Replies replies = new Replies();
    private final Key probe = Key.probe();
    private final Key secondProbe = Key.probe();
    /** The current request's arguments: absolute offsets and lengths in the frame. */
    private int[] argOffsets = new int[8];
    private int[] argLengths = new int[8];
    private int args;
    private ByteBuffer frame;

    RespConnection(Store store, int maxRequest) {
        this.store = store;
        this.scanner = new RespScanner(maxRequest);
        this.framer = Framer.of(scanner, maxRequest, this);
    }

    @Override
    public void onRead(Connection c, ByteBuffer data) {
        framer.feed(c, data);
    }

    @Override
    public void onReadComplete(Connection c) {
        replies.flush(c); // the burst's replies in one write
    }

    @Override
    public void onWritable(Connection c) {
        framer.resume(c); // the replies have drained: the requests kept while paused, then reading
        replies.flush(c);
    }

    @Override
    public void onFrame(Connection c, ByteBuffer request) {
        frame = request;
        try {
            if (!parse(request)) {
                replies.error(c, "ERR Protocol error: expected CRLF after a bulk string");
                replies.send(c);
                c.close();
                return;
            }
            if (args > 0) {
                Commands.run(this, c);
            }
        } finally {
            frame = null;
        }
        if (replies.handedOverSinceAsked() && !c.isWritable()) {
            replies.send(c);
            c.setAutoRead(false); // a client that does not read its replies: wait for onWritable
        }
    }

    @Override
    public void onFramingError(Connection c, FramingException error) {
        replies.error(c, "ERR " + error.getMessage().replace('\r', ' ').replace('\n', ' '));
        replies.send(c);
        c.close(); // the reply first, then the close
    }

    // ---------------------------------------------------------------- what the commands use

    Store store() {
        return store;
    }

    Replies replies() {
        return replies;
    }

    int args() {
        return args;
    }

    ByteBuffer frame() {
        return frame;
    }

    int offset(int arg) {
        return argOffsets[arg];
    }

    int length(int arg) {
        return argLengths[arg];
    }

    /** The probe filled with argument {@code arg}: a lookup key without an allocation. */
    Key key(int arg) {
        return probe.set(frame, argOffsets[arg], argLengths[arg]);
    }

    /** A second probe, for commands that hold one key while looking up another. */
    Key otherKey(int arg) {
        return secondProbe.set(frame, argOffsets[arg], argLengths[arg]);
    }

    byte[] copy(int arg) {
        byte[] bytes = new byte[argLengths[arg]];
        frame.get(argOffsets[arg], bytes);
        return bytes;
    }

    /** Whether argument {@code arg} is {@code word} (upper-case ASCII), whatever its case. */
    boolean is(int arg, byte[] word) {
        if (argLengths[arg] != word.length) {
            return false;
        }
        int at = argOffsets[arg];
        for (int i = 0; i < word.length; i++) {
            int b = frame.get(at + i);
            if (b >= 'a' && b <= 'z') {
                b -= 32;
            }
            if (b != word[i]) {
                return false;
            }
        }
        return true;
    }

    /** Argument {@code arg} as a decimal long, or {@link Long#MIN_VALUE} if it is none. */
    long number(int arg) {
        int at = argOffsets[arg];
        int length = argLengths[arg];
        if (length == 0 || length > 19) {
            return Long.MIN_VALUE;
        }
        boolean negative = frame.get(at) == '-';
        long value = 0;
        for (int i = negative ? 1 : 0; i < length; i++) {
            int b = frame.get(at + i);
            if (b < '0' || b > '9' || (negative && length == 1)) {
                return Long.MIN_VALUE;
            }
            value = value * 10 + (b - '0');
        }
        return negative ? -value : value;
    }

    /** Argument {@code arg} as text, for error messages only (at most 64 characters, one line). */
    String text(int arg) {
        byte[] bytes = new byte[Math.min(64, argLengths[arg])];
        frame.get(argOffsets[arg], bytes);
        return new String(bytes, StandardCharsets.UTF_8).replace('\r', ' ').replace('\n', ' ');
    }

    // ---------------------------------------------------------------- parsing one request

    /**
     * The request's arguments: an array's from where the scanner found them, an inline
     * command's split here. @return false if a bulk string lacks its CRLF
     */
    private boolean parse(ByteBuffer request) {
        args = 0;
        int start = request.position();
        int end = request.limit();
        if (request.get(start) != '*') {
            parseInline(request, start, end);
            return true;
        }
        for (int k = 0; k < scanner.args(); k++) {
            int at = start + scanner.offset(k);
            int length = scanner.length(k);
            if (at + length + 2 > end || request.get(at + length) != '\r' || request.get(at + length + 1) != '\n') {
                return false;
            }
            add(at, length);
        }
        return true;
    }

    /** Words separated by spaces, up to the line's end (the scanner found it). */
    private void parseInline(ByteBuffer request, int at, int end) {
        int lineEnd = end - 1; // the '\n'
        if (lineEnd > at && request.get(lineEnd - 1) == '\r') {
            lineEnd--;
        }
        int word = -1;
        for (int i = at; i <= lineEnd; i++) {
            boolean space = i == lineEnd || request.get(i) == ' ' || request.get(i) == '\t';
            if (space && word >= 0) {
                add(word, i - word);
                word = -1;
            } else if (!space && word < 0) {
                word = i;
            }
        }
    }

    private void add(int offset, int length) {
        if (args == argOffsets.length) {
            argOffsets = java.util.Arrays.copyOf(argOffsets, args * 2);
            argLengths = java.util.Arrays.copyOf(argLengths, args * 2);
        }
        argOffsets[args] = offset;
        argLengths[args] = length;
        args++;
    }
}
