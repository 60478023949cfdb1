package io.nioreactor.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        TcpOptions options = TcpOptions.defaults();

        assertEquals(64 * 1024, options.highWaterMark());
        assertEquals(32 * 1024, options.lowWaterMark());
        assertEquals(Duration.ofSeconds(10), options.connectTimeout());
        assertEquals(Duration.ZERO, options.idleTimeout());
        assertEquals(true, options.reuseAddress());
        assertEquals(true, options.tcpNoDelay());
        assertEquals(Integer.MAX_VALUE, options.maxConnections());
    }

    @Test
    void badValuesNameTheOptionAndTheValue() {
        assertMessage("backlog must be at least 1, was 0", () -> TcpOptions.builder().backlog(0));
        assertMessage("receiveBufferSize must be at least 0, was -1",
                () -> TcpOptions.builder().receiveBufferSize(-1));
        assertMessage("maxConnections must be at least 1, was -5", () -> TcpOptions.builder().maxConnections(-5));
        assertMessage("idleTimeout must not be negative, was PT-1S",
                () -> TcpOptions.builder().idleTimeout(Duration.ofSeconds(-1)));
        assertMessage("connectTimeout must be more than zero, was PT0S",
                () -> TcpOptions.builder().connectTimeout(Duration.ZERO));
    }

    @Test
    void invertedWaterMarksAreRefusedWhenBuilt() {
        assertMessage("lowWaterMark (2048) must not be above highWaterMark (1024)",
                () -> TcpOptions.builder().highWaterMark(1024).lowWaterMark(2048).build());
    }

    @Test
    void toBuilderCopiesEveryValue() {
        // Every one of the thirteen values set away from its default, so a value toBuilder forgets shows.
        TcpOptions options = TcpOptions.builder().reuseAddress(false).reusePort(true).listenerPerLoop(false)
                .backlog(7).tcpNoDelay(false)
                .keepAlive(true).receiveBufferSize(1000).sendBufferSize(2000).highWaterMark(100).lowWaterMark(50)
                .idleTimeout(Duration.ofSeconds(3)).connectTimeout(Duration.ofSeconds(4)).maxConnections(9).build();

        TcpOptions copy = options.toBuilder().build();

        assertAll(
                () -> assertEquals(false, copy.reuseAddress()),
                () -> assertEquals(true, copy.reusePort()),
                () -> assertEquals(false, copy.listenerPerLoop()),
                () -> assertEquals(7, copy.backlog()),
                () -> assertEquals(false, copy.tcpNoDelay()),
                () -> assertEquals(true, copy.keepAlive()),
                () -> assertEquals(1000, copy.receiveBufferSize()),
                () -> assertEquals(2000, copy.sendBufferSize()),
                () -> assertEquals(100, copy.highWaterMark()),
                () -> assertEquals(50, copy.lowWaterMark()),
                () -> assertEquals(Duration.ofSeconds(3), copy.idleTimeout()),
                () -> assertEquals(Duration.ofSeconds(4), copy.connectTimeout()),
                () -> assertEquals(9, copy.maxConnections()));
    }

    private static void assertMessage(String expected, Runnable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertEquals(expected, e.getMessage());
    }
}
