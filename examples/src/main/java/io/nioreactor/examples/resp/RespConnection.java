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
final class RespConnection implements ConnectionHandler, Framer.FrameHandler, Store.ValueReader {

    private final Store store;
    private final RespScanner scanner;
    private final Framer framer;
    private final Replies replies = new Replies();
    private final Key probe = Key.probe();
    /** An inline command's arguments, split here (an array's are the scanner's). */
    private final Args inline = new Args();
    /** An argument's digits, copied out of the request to be read as a number. */
    private final byte[] digits = new byte[Decimal.MAX_LENGTH];
    /** This handler's connection, for the values the store hands to {@link #value}. */
    private Connection connection;
    /** The current request's arguments, from {@link #base}: the scanner's or {@link #inline}. */
    private Args args = inline;
    private int base;
    private ByteBuffer frame;

    RespConnection(Store store, int maxRequest) {
        this.store = store;
        this.scanner = new RespScanner(maxRequest);
        this.framer = Framer.of(scanner, maxRequest, this);
    }

    @Override
    public void onOpen(Connection c) {
        connection = c;
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
            if (args.count() > 0) {
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
        return args.count();
    }

    ByteBuffer frame() {
        return frame;
    }

    int offset(int arg) {
        return base + args.offset(arg);
    }

    int length(int arg) {
        return args.length(arg);
    }

    /** The probe filled with argument {@code arg}: a lookup key without an allocation. */
    Key key(int arg) {
        return probe.set(frame, offset(arg), length(arg));
    }

    /** A value the store holds, for GET and MGET: its bulk string is the reply. */
    @Override
    public void value(byte[] bytes, int length) {
        replies.bulk(connection, bytes, length);
    }

    /** Whether argument {@code arg} is {@code word} (upper-case ASCII), whatever its case. */
    boolean is(int arg, byte[] word) {
        if (length(arg) != word.length) {
            return false;
        }
        int at = offset(arg);
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

    /**
     * Argument {@code arg} as a decimal long.
     *
     * @throws NumberFormatException if it is none
     */
    long number(int arg) {
        int length = length(arg);
        if (length > digits.length) {
            throw new NumberFormatException("not a decimal long");
        }
        frame.get(offset(arg), digits, 0, length);
        return Decimal.parse(digits, length);
    }

    /** Argument {@code arg} as text, for error messages only (at most 64 characters, one line). */
    String text(int arg) {
        byte[] bytes = new byte[Math.min(64, length(arg))];
        frame.get(offset(arg), bytes);
        return new String(bytes, StandardCharsets.UTF_8).replace('\r', ' ').replace('\n', ' ');
    }

    // ---------------------------------------------------------------- parsing one request

    /**
     * The request's arguments: an array's from where the scanner found them, an inline
     * command's split here. @return false if a bulk string lacks its CRLF
     */
    private boolean parse(ByteBuffer request) {
        base = request.position();
        int end = request.limit();
        if (request.get(base) != '*') {
            inline.clear();
            parseInline(request, base, end);
            args = inline;
            return true;
        }
        args = scanner.args();
        for (int k = 0; k < args.count(); k++) {
            int at = base + args.offset(k);
            int length = args.length(k);
            if (at + length + 2 > end || request.get(at + length) != '\r' || request.get(at + length + 1) != '\n') {
                return false;
            }
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
                inline.add(word - base, i - word);
                word = -1;
            } else if (!space && word < 0) {
                word = i;
            }
        }
    }
}
