package io.nioreactor.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UdpOptionsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        UdpOptions options = UdpOptions.defaults();

        assertAll(
                () -> assertEquals(false, options.reuseAddress(), "a taken port is refused"),
                () -> assertEquals(false, options.reusePort(), "sharing a port is an explicit choice"),
                () -> assertEquals(0, options.receiveBufferSize()),
                () -> assertEquals(0, options.sendBufferSize()),
                () -> assertEquals(1024, options.sendQueueDatagrams()),
                () -> assertEquals(4 << 20, options.sendQueueBytes()));
    }

    @Test
    void badValuesNameTheOptionAndTheValue() {
        assertMessage("receiveBufferSize must be at least 0, was -1", () -> UdpOptions.builder().receiveBufferSize(-1));
        assertMessage("sendBufferSize must be at least 0, was -2", () -> UdpOptions.builder().sendBufferSize(-2));
        assertMessage("sendQueueDatagrams must be at least 0, was -3", () -> UdpOptions.builder().sendQueueDatagrams(-3));
        assertMessage("sendQueueBytes must be at least 0, was -4", () -> UdpOptions.builder().sendQueueBytes(-4));
    }

    @Test
    void toBuilderCopiesEveryValue() {
        // Every value set away from its default, so a value toBuilder forgets shows.
        UdpOptions options = UdpOptions.builder().reuseAddress(true).reusePort(true).receiveBufferSize(1000)
                .sendBufferSize(2000).sendQueueDatagrams(3).sendQueueBytes(4000).build();

        UdpOptions copy = options.toBuilder().build();

        assertAll(
                () -> assertEquals(true, copy.reuseAddress()),
                () -> assertEquals(true, copy.reusePort()),
                () -> assertEquals(1000, copy.receiveBufferSize()),
                () -> assertEquals(2000, copy.sendBufferSize()),
                () -> assertEquals(3, copy.sendQueueDatagrams()),
                () -> assertEquals(4000, copy.sendQueueBytes()));
    }

    private static void assertMessage(String expected, Runnable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertEquals(expected, e.getMessage());
    }
}
