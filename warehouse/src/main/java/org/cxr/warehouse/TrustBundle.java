package org.cxr.warehouse;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Trust in exactly the certificate authorities of a PEM bundle, such as Amazon's {@code global-bundle.pem} for
 * DocumentDB, which holds one root per region.
 */
final class TrustBundle
{
    private TrustBundle() {}

    static SSLContext sslContext(Path pemBundle)
    {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {trustManager(pemBundle)}, null);
            return context;
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot set up TLS with the certificate authorities in " + pemBundle, e);
        }
    }

    static X509TrustManager trustManager(Path pemBundle)
    {
        List<X509Certificate> certificates = certificates(pemBundle);
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (javax.net.ssl.TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("The JVM offers no X.509 trust manager");
        }
        catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot build a trust store from " + pemBundle, e);
        }
    }

    static List<X509Certificate> certificates(Path pemBundle)
    {
        requireNonNull(pemBundle, "pemBundle");
        Collection<? extends Certificate> read;
        try (InputStream in = Files.newInputStream(pemBundle)) {
            // Reads every certificate of a concatenated PEM file, skipping text between them.
            read = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the CA bundle " + pemBundle, e);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Not a PEM bundle of X.509 certificates: " + pemBundle, e);
        }
        if (read.isEmpty()) {
            throw new IllegalArgumentException("The CA bundle holds no certificate: " + pemBundle);
        }
        return read.stream().map(X509Certificate.class::cast).toList();
    }
}
