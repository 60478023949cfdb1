package io.nioreactor.core.internal;

/**
 * Reads what a connection's transport keeps (TLS records decrypted and not yet handed over) on a
 * task of its own, never inside another callback, scheduled once at a time. Made the first time a
 * connection needs it (TLS only), then kept: a task per burst would allocate. Loop thread only.
 */
final class ReadResume implements Runnable {

    private final ConnectionDriver connection;
    private boolean scheduled;

    ReadResume(ConnectionDriver connection) {
        this.connection = connection;
    }

    void schedule() {
        if (!scheduled) {
            scheduled = true;
            connection.loop.executeUnlessTerminated(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        connection.resumeReading();
    }
}
