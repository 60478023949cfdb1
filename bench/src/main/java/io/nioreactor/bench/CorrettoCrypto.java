package io.nioreactor.bench;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;

/**
 * Amazon Corretto Crypto Provider (AWS-LC through JNI) under the JDK's own {@code SSLEngine}: the
 * other way a user would make the reactor's TLS faster, beside a whole OpenSSL engine. Installed
 * first among the JVM's providers, it does the handshake's and the records' cryptography (EC
 * keys and signatures, RSA, AES-GCM) while SunJSSE keeps the protocol. The server's own JVM only:
 * the bench runs each server in a JVM of its own.
 */
final class CorrettoCrypto {

    private CorrettoCrypto() {
    }

    /**
     * Puts the provider first among this JVM's, and checks that its native library works.
     *
     * @throws IllegalStateException with its reason when the native library cannot load here
     */
    static void install() {
        AmazonCorrettoCryptoProvider.install();
        if (AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError() != null) {
            throw new IllegalStateException("Amazon Corretto Crypto Provider is not available here: "
                    + AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError());
        }
        AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
    }
}
