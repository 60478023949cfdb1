package io.nioreactor.daemon;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A socket the daemon was started with as its standard input: socket activation, by a systemd
 * socket unit ({@code StandardInput=socket}), inetd ({@code wait}) or
 * {@code systemd-socket-activate --inetd}. The socket belongs to whoever made it and outlives the
 * daemon, so a restart refuses no connection: they wait in its queue for the next process.
 *
 * <p>It is served automatically, without a flag: a listening socket on standard input is what
 * every socket activator hands over and there is nothing else a daemon could do with it, and an
 * address given as well ({@code --host}, {@code --port}, {@code --unix}, {@code --share-port}) is
 * refused, so the two are never silently mixed. The JDK's traps, each handled where it bites:
 * <ul>
 *   <li>the activator may hand the same socket as standard <em>output</em> too (inetd,
 *       {@code systemd-socket-activate --inetd}, and systemd's {@code StandardOutput=inherit}, its
 *       default with {@code StandardInput=socket}): the console log would be written to a listening
 *       socket and lost, so {@link #moveConsoleOffTheSocket()} sends it to standard error instead
 *       (systemd's default makes standard error the socket too: its units set both to the journal);</li>
 *   <li>closing {@link System#inheritedChannel()} points file descriptors 0, 1 and 2 at
 *       {@code /dev/null}, silencing the rest of the log: the core never closes that channel
 *       (its listener stops watching it; the process's exit closes it);</li>
 *   <li>the socket's options and backlog are its maker's (a socket unit's {@code Backlog=}, say);
 *       a Unix domain socket's file is its maker's too, and stays when the daemon stops.</li>
 * </ul>
 */
public final class InheritedSocket {

    private final Channel channel;

    private InheritedSocket(Channel channel) {
        this.channel = channel;
    }

    /**
     * The socket the daemon was started with, if it is one to serve, checked against the daemon's
     * flags. A listening stream socket or a bound datagram socket on standard input is socket
     * activation; anything else there (a file, a pipe, a terminal, or a connected socket, as some
     * process managers give their children) is not, and the daemon binds as usual.
     *
     * @param common       the daemon's common flags, for the one-line usage errors
     * @param datagram     whether the daemon serves datagrams (UDP) rather than streams
     * @param daemon       the daemon's name, for the message
     * @param addressFlags the daemon's own address flags beside {@code --host}, {@code --port}, {@code --share-port}
     * @return the socket to serve, or {@code null} to bind as usual
     * @throws picocli.CommandLine.ParameterException if an address flag was given as well, or the
     *         socket is of the other kind (a datagram socket for the TCP daemon, say)
     */
    public static InheritedSocket toServe(CommonOptions common, boolean datagram, String daemon,
            String... addressFlags) {
        Channel inherited;
        try {
            inherited = System.inheritedChannel();
        } catch (IOException e) {
            return null; // the JDK cannot tell what it is: nothing to serve
        }
        if (!(inherited instanceof ServerSocketChannel) && !(inherited instanceof DatagramChannel)) {
            return null;
        }
        InheritedSocket socket = new InheritedSocket(inherited);
        common.refuseAddressFlags(socket, addressFlags);
        boolean fits = datagram ? inherited instanceof DatagramChannel : inherited instanceof ServerSocketChannel;
        if (!fits) {
            common.fail("standard input is " + socket.kind() + "; " + daemon + " serves "
                    + (datagram ? "a datagram socket (a socket unit's ListenDatagram=)"
                            : "a listening stream socket (a socket unit's ListenStream=)"));
        }
        return socket;
    }

    /** @return the listening stream socket (TCP or Unix domain), or {@code null} if it is a datagram one */
    public ServerSocketChannel listening() {
        return channel instanceof ServerSocketChannel ? (ServerSocketChannel) channel : null;
    }

    /** @return the datagram socket, or {@code null} if it is a listening stream one */
    public DatagramChannel datagram() {
        return channel instanceof DatagramChannel ? (DatagramChannel) channel : null;
    }

    /** @return what kind of socket it is, for a message: "a listening stream socket" or "a datagram socket" */
    public String kind() {
        return channel instanceof ServerSocketChannel ? "a listening stream socket" : "a datagram socket";
    }

    /** @return "unix" for a Unix domain socket, else {@code ip} */
    public String transport(String ip) {
        try {
            SocketAddress local = channel instanceof ServerSocketChannel
                    ? ((ServerSocketChannel) channel).getLocalAddress()
                    : ((DatagramChannel) channel).getLocalAddress();
            return local instanceof UnixDomainSocketAddress ? "unix" : ip;
        } catch (IOException e) {
            return ip;
        }
    }

    /**
     * When standard output is this socket, prints the console to standard error instead; should
     * that be the socket too (systemd's defaults with {@code StandardInput=socket}: both inherit
     * it), nowhere, as there is nowhere else a JVM can write without native code: hence the units'
     * drop-in sends both to the journal. Linux only: elsewhere nothing is changed. Call it before
     * the first line is logged.
     *
     * @return what was done, for the log: {@code null} if nothing was, or nobody could read it
     */
    public static String moveConsoleOffTheSocket() {
        String in = link(0);
        if (in == null || !in.startsWith("socket:") || !in.equals(link(1))) {
            return null;
        }
        if (in.equals(link(2))) {
            PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
            System.setOut(nowhere);
            System.setErr(nowhere);
            return null;
        }
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        return "standard output is the inherited socket: the console log goes to standard error";
    }

    /** @return what /proc/self/fd/N links to ("socket:[1234]", a path), or {@code null} */
    private static String link(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }
}
