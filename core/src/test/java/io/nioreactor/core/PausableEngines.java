package io.nioreactor.core;

import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JDK's own engines, made by a context that can make its latest engine behave, on demand,
 * as an engine in the middle of a renegotiation does: it asks for a delegated task and takes no
 * data until the task has run. The real trigger (a TLS 1.2 renegotiation while the handler
 * writes) cannot be timed from a test; everything else is the real engine and real records.
 */
final class PausableEngines {

    private final SSLContext context;
    private final AtomicReference<PausableEngine> latest = new AtomicReference<>();

    PausableEngines(SSLContext real) {
        this.context = new SSLContext(new Spi(real), real.getProvider(), real.getProtocol()) { };
    }

    /** The context to hand to {@link TlsOptions#server}. */
    SSLContext context() {
        return context;
    }

    /**
     * From now on the latest engine asks for a task (on its next call) and takes no data; the task runs once
     * {@code release} counts down, and the engine is itself again.
     */
    void pauseLatest(CountDownLatch release) {
        latest.get().pause(release);
    }

    private final class Spi extends SSLContextSpi {
        private final SSLContext real;

        Spi(SSLContext real) {
            this.real = real;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            real.init(km, tm, sr);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return real.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return real.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            PausableEngine engine = new PausableEngine(real.createSSLEngine());
            latest.set(engine);
            return engine;
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            PausableEngine engine = new PausableEngine(real.createSSLEngine(host, port));
            latest.set(engine);
            return engine;
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return real.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return real.getClientSessionContext();
        }
    }

    /** The real engine, but for the pause. */
    private static final class PausableEngine extends SSLEngine {
        private final SSLEngine real;
        private volatile CountDownLatch paused;
        private volatile boolean taskHandedOut;

        PausableEngine(SSLEngine real) {
            super(real.getPeerHost(), real.getPeerPort());
            this.real = real;
        }

        void pause(CountDownLatch release) {
            taskHandedOut = false;
            paused = release;
        }

        private SSLEngineResult pausedResult() {
            return new SSLEngineResult(Status.OK, HandshakeStatus.NEED_TASK, 0, 0);
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            return paused != null ? pausedResult() : real.wrap(srcs, offset, length, dst);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
            return paused != null ? pausedResult() : real.unwrap(src, dsts, offset, length);
        }

        @Override
        public Runnable getDelegatedTask() {
            CountDownLatch release = paused;
            if (release == null || taskHandedOut) {
                return release == null ? real.getDelegatedTask() : null;
            }
            taskHandedOut = true;
            return () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                paused = null;
            };
        }

        @Override
        public HandshakeStatus getHandshakeStatus() {
            return paused != null ? HandshakeStatus.NEED_TASK : real.getHandshakeStatus();
        }

        @Override
        public void closeInbound() throws SSLException {
            real.closeInbound();
        }

        @Override
        public boolean isInboundDone() {
            return real.isInboundDone();
        }

        @Override
        public void closeOutbound() {
            real.closeOutbound();
        }

        @Override
        public boolean isOutboundDone() {
            return real.isOutboundDone();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return real.getSupportedCipherSuites();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return real.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            real.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedProtocols() {
            return real.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return real.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            real.setEnabledProtocols(protocols);
        }

        @Override
        public SSLSession getSession() {
            return real.getSession();
        }

        @Override
        public SSLSession getHandshakeSession() {
            return real.getHandshakeSession();
        }

        @Override
        public void beginHandshake() throws SSLException {
            real.beginHandshake();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            real.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return real.getUseClientMode();
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            real.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return real.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            real.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return real.getWantClientAuth();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            real.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return real.getEnableSessionCreation();
        }

        @Override
        public javax.net.ssl.SSLParameters getSSLParameters() {
            return real.getSSLParameters();
        }

        @Override
        public void setSSLParameters(javax.net.ssl.SSLParameters params) {
            real.setSSLParameters(params);
        }

        @Override
        public String getApplicationProtocol() {
            return real.getApplicationProtocol();
        }

        @Override
        public String getHandshakeApplicationProtocol() {
            return real.getHandshakeApplicationProtocol();
        }
    }
}
