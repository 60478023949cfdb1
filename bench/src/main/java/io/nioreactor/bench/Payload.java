package io.nioreactor.bench;

import java.nio.ByteBuffer;

/**
 * The bytes the load generators send: a deterministic function of the stream, the message
 * number and the offset, so every echoed byte can be checked without keeping a copy.
 */
final class Payload {

    private Payload() {
    }

    static byte byteAt(int stream, long message, int offset) {
        return (byte) (stream * 131 + message * 31 + offset * 7);
    }

    /** Fills {@code buffer} from its position with {@code length} bytes of one message. */
    static void fill(ByteBuffer buffer, int stream, long message, int length) {
        int at = buffer.position();
        for (int i = 0; i < length; i++) {
            buffer.put(at + i, byteAt(stream, message, i));
        }
        buffer.position(at + length);
    }
}
