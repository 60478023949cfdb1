package io.nioreactor.core;

import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;

/**
 * One TCP (or Unix domain stream) connection owned by an {@link EventLoop}.
 *
 * <p><b>Threading.</b> The connection belongs to its loop thread. Methods marked
 * "any thread" may be called from elsewhere: they hand the work to the loop. The others are
 * meant for the loop thread (typically from a {@link ConnectionHandler} callback); called from
 * another thread they return a snapshot that may already be stale.
 *
 * <p><b>Writes and backpressure.</b> {@link #write} never blocks. When nothing is queued the
 * bytes go straight to the socket; only what the kernel does not take is copied into the
 * connection's outbound queue and flushed when the socket becomes writable again. Once more
 * than the high water mark is queued, {@link #isWritable()} turns {@code false} until the
 * queue drains to the low water mark, when {@link ConnectionHandler#onWritable} is called.
 * A handler that keeps memory bounded stops reading ({@code setAutoRead(false)}) while the
 * connection is not writable.
 *
 * <p><b>The loop's send budget.</b> Over all its connections a loop holds at most
 * {@link LoopOptions#maxQueuedBytes()} for sending (plus one read per connection). When that is
 * spent, the loop itself stops reading from every connection that holds queued bytes, whatever
 * its auto-read setting, and they are not writable until the loop is down to half the budget;
 * connections with nothing queued are still served.
 */
public interface Connection {

    /**
     * Writes the remaining bytes of {@code data}, consuming them (its position moves to its
     * limit). The caller may reuse the buffer as soon as this returns.
     *
     * <p>Any thread. On the loop the bytes go straight to the socket and only what the kernel
     * does not take is copied into the queue. Off the loop they are copied at once and written
     * by the loop in the order of the calls; the copy counts toward
     * {@link #pendingOutboundBytes()}, the water marks and the loop's send budget from the
     * moment of the call, and {@code true} means the loop has taken the copy. A copy that
     * reaches the loop after a close or {@link #shutdownOutput} from elsewhere is dropped,
     * logged at DEBUG and counted in {@link LoopMetrics#writesDroppedAfterClose()}.
     *
     * @param data the bytes to write, between position and limit
     * @return {@code true} if the bytes were taken; {@code false}, leaving {@code data}
     *         untouched, if the connection is closed, closing or its output was shut down (off
     *         the loop: if it was closed at the call, or the JVM had no memory for the copy);
     *         {@code false} too if the JVM had no memory for a buffer the write needed on the
     *         loop: the connection is then reset (counted in
     *         {@link LoopMetrics#bufferAllocationFailures()}), {@code data} consumed as far as
     *         it was sent
     */
    boolean write(ByteBuffer data);

    /**
     * Writes the remaining bytes of several buffers in order, in one gathering write when
     * nothing is queued (a header and a body in one system call; heap buffers of more than
     * 64 KiB together go one write each, to keep the JDK's temporary copies small). Consumes them as
     * {@link #write(ByteBuffer)} does; off the loop they are copied into one buffer.
     *
     * <p>Any thread.
     *
     * @param data the buffers, each between position and limit
     * @return as {@link #write(ByteBuffer)}: {@code true} if all the bytes were taken
     */
    boolean write(ByteBuffer... data);

    /**
     * Queues the remaining bytes of {@code data} (a copy; the caller may reuse the buffer) and
     * sends them later, together with whatever else is queued: at {@link #flush()}, and at the
     * latest when the callback that called this returns to the loop (after
     * {@link ConnectionHandler#onReadComplete} for a read burst), in one gathering write. Sixteen
     * replies to sixteen pipelined requests cost one system call instead of sixteen. Ordered with
     * {@link #write}, {@link #sendFile} and {@link #shutdownOutput}; counted toward the water
     * marks and the loop's send budget like any queued byte.
     *
     * <p>Loop thread for the batching; from another thread it is {@link #write(ByteBuffer)}.
     *
     * @param data the bytes to send, between position and limit
     * @return as {@link #write(ByteBuffer)}
     */
    boolean writeLater(ByteBuffer data);

    /**
     * Queues the remaining bytes of several buffers in order, as {@link #writeLater(ByteBuffer)}
     * does with one: a reply's header, value and ending in one call, sent with the rest of what
     * is queued in one gathering write. Pass an array kept for the purpose, not a new one per
     * reply, and nothing is allocated.
     *
     * <p>Loop thread for the batching; from another thread it is {@link #write(ByteBuffer...)}.
     *
     * @param data the buffers, each between position and limit
     * @return as {@link #write(ByteBuffer)}: {@code true} if all the bytes were taken
     */
    boolean writeLater(ByteBuffer... data);

    /**
     * Sends {@code count} bytes of {@code file} from {@code position}, without copying them
     * through the JVM: {@link FileChannel#transferTo} (sendfile on Linux), as the socket takes
     * them. Ordered with the writes before and after it and with {@link #shutdownOutput}; the
     * bytes not yet sent count toward {@link #pendingOutboundBytes()}, the water marks and the
     * loop's {@linkplain LoopOptions#maxQueuedBytes() send budget}, so a slow reader turns the
     * connection unwritable as a large write would. The file stays the caller's: keep it open
     * until the future completes, then close it.
     *
     * <p>Any thread.
     *
     * @param file     the file to send from, opened for reading
     * @param position where in the file to start
     * @param count    how many bytes to send
     * @return a future completing with {@code count} once the socket took the last byte (over
     *         TLS: once the last byte is encrypted into the queue, which the water marks and
     *         the budget still count), on the loop thread (its callbacks run there and must not block); it
     *         fails with {@link java.nio.channels.ClosedChannelException} if the connection is
     *         closed first (or already was), with the I/O error that closed it, or with an
     *         {@link java.io.EOFException} if the file ends before {@code position + count}
     *         (the connection is then closed: the stream would have a hole)
     * @throws IllegalArgumentException if {@code position} or {@code count} is negative
     */
    CompletableFuture<Long> sendFile(FileChannel file, long position, long count);

    /**
     * Sends what {@link #writeLater} queued now rather than at the end of the callback.
     *
     * <p>Any thread.
     */
    void flush();

    /**
     * Tells whether the handler should go on writing: the outbound queue is at or below the high
     * water mark and the loop's send budget is not holding this connection back.
     *
     * @return {@code false} while more than the high water mark is queued, while the loop's
     *         {@linkplain LoopOptions#maxQueuedBytes() send budget} is spent and this connection
     *         holds queued bytes, or once closed; {@link ConnectionHandler#onWritable} follows
     *         when it turns {@code true} again
     */
    boolean isWritable();

    /**
     * The number of bytes queued and not yet taken by the socket, copies of off-loop writes on
     * their way to the loop included.
     *
     * @return the pending outbound byte count
     */
    long pendingOutboundBytes();

    /**
     * Starts or stops reading from the socket. While off, the peer's bytes wait in the kernel
     * and TCP flow control slows the peer down. On by default.
     *
     * <p>Any thread.
     *
     * @param autoRead {@code true} to read, {@code false} to pause reading
     */
    void setAutoRead(boolean autoRead);

    /**
     * Tells whether reading is on.
     *
     * @return the auto-read setting; {@code false} too once {@link #close()} was called (a
     *         closing connection reads no more)
     */
    boolean isAutoRead();

    /**
     * Half-closes: once the queued bytes are flushed, sends FIN so the peer reads end of
     * stream. Reading goes on. Later writes are refused.
     *
     * <p>Any thread.
     */
    void shutdownOutput();

    /**
     * Closes gracefully: stops reading, flushes what is queued, then closes. A peer that never
     * reads keeps a closing connection until the idle timeout or the loop's shutdown timeout,
     * which then abort it. Calling it twice is harmless.
     *
     * <p>Any thread.
     */
    void close();

    /**
     * Closes at once, dropping queued bytes and resetting the connection (RST) where the
     * transport supports it.
     *
     * <p>Any thread.
     */
    void abort();

    /**
     * Tells whether the connection is still open (it may be closing gracefully).
     *
     * <p>Any thread.
     *
     * @return {@code false} once closed
     */
    boolean isOpen();

    /**
     * The local address of this connection.
     *
     * <p>Any thread.
     *
     * @return the local socket address
     */
    SocketAddress localAddress();

    /**
     * The peer's address.
     *
     * <p>Any thread.
     *
     * @return the remote socket address
     */
    SocketAddress remoteAddress();

    /**
     * The loop that owns this connection and runs its handler.
     *
     * <p>Any thread.
     *
     * @return the owning loop
     */
    EventLoop loop();

    /**
     * Reads a socket option of this connection's socket, as the kernel has it now: to check what an option set
     * through the options took (the kernel may round or double a buffer size).
     *
     * <p>Any thread.
     *
     * @param <T>    the option's value type
     * @param option the option
     * @return its value
     * @throws java.io.IOException if the socket is closed or the option cannot be read
     * @throws UnsupportedOperationException if the socket does not support the option
     */
    <T> T option(SocketOption<T> option) throws java.io.IOException;

    /**
     * Stores one object of the caller's choice with this connection.
     *
     * @param attachment the object, or {@code null} to clear
     */
    void attach(Object attachment);

    /**
     * The object stored with {@link #attach}.
     *
     * @return the attachment, or {@code null}
     */
    Object attachment();

    /**
     * The TLS session of a connection made with {@link TcpOptions.Builder#tls}: the protocol
     * ({@code TLSv1.3}), the cipher suite, the peer's certificates
     * ({@link SSLSession#getPeerCertificates()}, when it sent them) and the SNI name a client
     * asked for (on the server side, {@link javax.net.ssl.ExtendedSSLSession#getRequestedServerNames()}).
     * Complete from {@link ConnectionHandler#onOpen} on: handlers never see a half-made session.
     *
     * <p>Any thread.
     *
     * @return the session, or empty for plain TCP
     */
    default Optional<SSLSession> tlsSession() {
        return Optional.empty();
    }

    /**
     * The ALPN protocol the TLS handshake agreed on ({@link TlsOptions.Builder#applicationProtocols}).
     *
     * <p>Any thread.
     *
     * @return the protocol, such as {@code h2}; empty for plain TCP or when none was agreed
     */
    default Optional<String> applicationProtocol() {
        return Optional.empty();
    }
}
