package io.nioreactor.daemon;

import java.io.BufferedReader;
import java.io.FileReader;
import java.io.IOException;

/**
 * Works around a JDK trap of an inherited IPv4 UDP socket, seen on Java 25 and not on 17: where
 * IPv6 is available the JDK takes the inherited datagram channel for an IPv6 one, and every send to
 * an IPv4 sender fails with "Address family not supported by protocol" (the datagrams come in, no
 * answer goes out). Telling the JDK to prefer IPv4 before its networking starts sets the channel
 * right, so this runs first thing in {@code main}, and only when standard input is an IPv4 UDP
 * socket; the daemon then uses IPv4 for anything else too ({@code --metrics} included).
 *
 * <p>It reads /proc with {@code java.io} on purpose: the first use of {@code java.nio} loads the
 * JDK's networking library, which reads the preference then and never again. Linux only (the
 * socket's inode from /proc/self/fdinfo/0, looked up in /proc/net/udp); elsewhere nothing is done.
 */
public final class InheritedIpv4Datagrams {

    private InheritedIpv4Datagrams() {
    }

    /** Sets {@code java.net.preferIPv4Stack} if standard input is an IPv4 UDP socket. */
    public static void preferIpv4IfStandardInputIsOne() {
        String inode = standardInputInode();
        if (inode != null && listedIn("/proc/net/udp", inode)) {
            System.setProperty("java.net.preferIPv4Stack", "true");
        }
    }

    /** @return the inode of file descriptor 0 ("ino:" of /proc/self/fdinfo/0), or {@code null} */
    private static String standardInputInode() {
        try (BufferedReader info = new BufferedReader(new FileReader("/proc/self/fdinfo/0"))) {
            for (String line = info.readLine(); line != null; line = info.readLine()) {
                if (line.startsWith("ino:")) {
                    return line.substring(4).trim();
                }
            }
        } catch (IOException | SecurityException e) {
            // not Linux, or a kernel that does not tell
        }
        return null;
    }

    /** @return whether a socket of that inode is in the table (its tenth column) */
    private static boolean listedIn(String table, String inode) {
        try (BufferedReader sockets = new BufferedReader(new FileReader(table))) {
            for (String line = sockets.readLine(); line != null; line = sockets.readLine()) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 9 && fields[9].equals(inode)) {
                    return true;
                }
            }
        } catch (IOException | SecurityException e) {
            // no such table here
        }
        return false;
    }
}
