package io.nioreactor.core;

import java.io.IOException;

/**
 * The peer broke the framing of its stream: a line or frame longer than the maximum, or a
 * length field that cannot be right. Handed to {@link Framer.FrameHandler#onFramingError};
 * nothing of the offending frame has been read into memory beyond what already arrived.
 */
public final class FramingException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong, with the numbers
     */
    public FramingException(String message) {
        super(message);
    }
}
