package io.nioreactor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bulk fill and check agree with the byte-by-byte definition, and the check catches one wrong byte. */
class PayloadTest {

    @Test
    void fillWritesAndMatchesAcceptsExactlyTheDefinedBytes() {
        SplittableRandom random = new SplittableRandom(1);
        ByteBuffer view = Payload.view();
        for (int trial = 0; trial < 500; trial++) {
            int stream = random.nextInt(10_000);
            long message = random.nextLong(1L << 40);
            int length = trial < 10 ? Payload.CHUNK * 2 + random.nextInt(1000) : random.nextInt(2000);
            ByteBuffer buffer = ByteBuffer.allocateDirect(length);
            Payload.fill(buffer, view, stream, message, length);
            assertEquals(length, buffer.position());
            for (int i = 0; i < length; i++) {
                assertEquals(Payload.byteAt(stream, message, i), buffer.get(i), "byte " + i);
            }
            int offset = length == 0 ? 0 : random.nextInt(length);
            buffer.position(offset).limit(length);
            assertTrue(Payload.matches(buffer, view, stream, message, offset, length - offset));
            assertFalse(buffer.hasRemaining(), "consumed");
            if (length > offset) {
                int wrong = offset + random.nextInt(length - offset);
                buffer.put(wrong, (byte) ~buffer.get(wrong)).position(offset);
                assertFalse(Payload.matches(buffer, view, stream, message, offset, length - offset), "byte " + wrong);
                buffer.position(offset);
                assertFalse(Payload.matches(buffer, view, stream, message + 1, offset, length - offset), "the next message");
            }
        }
    }
}
