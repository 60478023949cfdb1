package io.nioreactor.core.internal;

/**
 * What the loop knows of anything registered with its selector: a listener, a connection,
 * a connect in progress, a datagram endpoint. The selection key's attachment. Loop thread only.
 */
interface Selectable {

    /** Handles the ready operations of this endpoint's key. May throw: the loop catches. */
    void onReady(int readyOps) throws Exception;

    /**
     * Something unexpected escaped {@link #onReady}: close or pause this endpoint, never the
     * loop. Must not throw.
     */
    void onUnexpectedFailure(Throwable cause);

    /** The loop is shutting down gracefully: stop accepting, flush, close when done. */
    void beginShutdown();

    /** The loop is going away now: close at once. Must not throw. */
    void forceClose();
}
