package io.nioreactor.core;

import java.net.SocketAddress;
import java.net.SocketOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A listening TCP (or Unix domain stream) socket that accepts connections on its loop.
 *
 * <p>Obtained from {@link EventLoop#listenTcp}.
 */
public interface TcpServer {

    /**
     * The address this server is bound to: the real port when port 0 was asked, or the
     * {@link java.net.UnixDomainSocketAddress} of its socket file.
     *
     * <p>May be called from any thread.
     *
     * @return the bound address
     */
    SocketAddress localAddress();

    /**
     * Stops accepting and closes the listening socket (and removes its socket file for a Unix
     * domain socket it made). Connections already accepted stay open, and so do those the kernel
     * had queued for it (their handshake done, not yet accepted): they are accepted and served,
     * where closing the socket would have reset them; one whose handshake completes between the
     * last accept and the close is still reset, unless the kernel moves it to another listener of
     * the port ({@code net.ipv4.tcp_migrate_req=1}). A socket the process inherited as its standard
     * input is not closed, only no longer watched (see {@link EventLoop#listenTcp(java.nio.channels.ServerSocketChannel,
     * TcpOptions, java.util.function.Function)}). To end this server's connections as well, see
     * {@link #drain}. The close runs as a task of the loop's, after the callback that asked for it.
     * Calling it twice is harmless.
     *
     * <p>May be called from any thread.
     *
     * @return a future completed once the socket is closed (or no longer watched)
     */
    CompletableFuture<Void> close();

    /**
     * Stops accepting as {@link #close()} does, then lets this server's connections finish: each is
     * served until it is quiet for {@link TcpOptions#drainQuietPeriod()} (nothing read or written,
     * nothing queued, no handshake running, reading not paused by its handler), then its output ends
     * (FIN) while reading goes on, and it closes once the peer ends its own or stays quiet another
     * period. So a request that has arrived is answered and no close with unread bytes resets a peer.
     * A handler that answers later than the quiet period (after a call to a backend, say) keeps its
     * connection from ending by pausing its reading ({@link Connection#setAutoRead}) until it has
     * written the answer. Those still open after {@code timeout} are reset. Other servers'
     * connections are not touched, and the loops go on.
     *
     * <p>With it a service hands its port over without losing a connection: the new process
     * listens beside this one ({@link TcpOptions#reusePort()}, or the same inherited socket), this
     * server drains, then the old process shuts its loops down. A loop's
     * {@link EventLoop#shutdownGracefully graceful shutdown} drains every connection the same way.
     * A second call returns the same future; its timeout is the first call's.
     *
     * <p>Any thread.
     *
     * @param timeout how long the connections may take to finish before the rest are reset
     * @return a future completed once the listening socket is closed (or no longer watched) and
     *         the last connection of this server with it
     * @throws NullPointerException if {@code timeout} is null, and nothing begins
     * @throws IllegalArgumentException if {@code timeout} is negative, and nothing begins
     */
    CompletableFuture<Void> drain(Duration timeout);

    /**
     * Tells whether the server still accepts connections.
     *
     * <p>May be called from any thread.
     *
     * @return {@code true} until {@link #close()} or loop shutdown
     */
    boolean isOpen();

    /**
     * The number of connections accepted by this server that are still open.
     *
     * <p>May be called from any thread; off the loop it is a recent snapshot.
     *
     * @return the open connection count
     */
    int openConnections();

    /**
     * Reads a socket option of the listening socket (a group's: its first loop's), as the kernel has it now: to check what an option set
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
}
