package io.nioreactor.core.internal;

import java.io.IOException;
import java.nio.channels.Channel;

/**
 * Tells the channel a process inherited as its standard input ({@link System#inheritedChannel()},
 * what inetd and systemd's {@code StandardInput=socket} hand over) from the others, because the
 * JDK closes that one differently: closing it points file descriptors 0, 1 <em>and 2</em> at
 * {@code /dev/null} (the JDK's own inherited channel detaches the standard streams when it closes,
 * as its source shows; nothing here reaches into it), so every line the
 * process writes to its console afterwards, the log of its own shutdown included, is lost. A
 * listener or endpoint serving it therefore stops watching it when it closes but leaves the socket
 * open: the process's exit closes it, and another process that holds it too (the next version of a
 * daemon, or the systemd socket unit) goes on with it. Its Unix domain socket file, if it has one,
 * is its maker's and stays too.
 */
final class InheritedChannels {

    private InheritedChannels() {
    }

    /** @return whether {@code channel} is the process's standard input (the JDK's inherited channel) */
    static boolean isStandardInput(Channel channel) {
        try {
            return channel == System.inheritedChannel();
        } catch (IOException | SecurityException e) {
            return false; // none could be made: then it is not this one
        }
    }
}
