package io.nioreactor.core;

/** Which bytes end a line for {@link Framer#lines(int, LineEnding, Framer.FrameHandler)}. */
public enum LineEnding {
    /** {@code \n} or {@code \r\n}, both stripped: text typed or piped by people. */
    LF_OR_CRLF,
    /** {@code \n}, stripped; a {@code \r} before it stays in the line. */
    LF,
    /**
     * Only {@code \r\n}, stripped; a lone {@code \n} or {@code \r} is part of the line: the
     * binary-safe ending of RESP, HTTP/1.1 headers, SMTP, memcached.
     */
    CRLF
}
