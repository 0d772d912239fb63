package org.cxr.warehouse;

import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A warehouse server with its own certificate authority, as DocumentDB has Amazon's: the client trusts only the bundle. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WarehouseTlsTest
{
    private static final char[] PASSWORD = "changeit".toCharArray();

    private Path folder;
    private X509Certificate serverCertificate;
    private X509Certificate otherAuthority;
    private MongoServer server;
    private int port;

    @BeforeAll
    void startServerWithASelfSignedCertificate(@TempDir Path folder)
            throws Exception
    {
        this.folder = folder;
        KeyStore serverKeys = generate("server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        serverCertificate = (X509Certificate) serverKeys.getCertificate("server");
        otherAuthority = (X509Certificate) generate("other", "CN=Some Other Root CA", "BC:c=ca:true").getCertificate("other");

        server = new MongoServer(H2Backend.inMemory());
        server.enableSsl((PrivateKey) serverKeys.getKey("server", PASSWORD), null, serverCertificate);
        port = server.bind().getPort();
    }

    @AfterAll
    void stopServer()
    {
        server.shutdownNow();
    }

    @Test
    void connectsWhenTheBundleHoldsTheServersAuthority()
            throws IOException
    {
        // Like Amazon's bundle: several roots, the one that matters among them.
        Path bundle = pem("bundle.pem", otherAuthority, serverCertificate);

        try (MongoClient client = WarehouseClients.create(config(bundle))) {
            Document pong = client.getDatabase("x_ray").runCommand(new Document("ping", 1));
            assertThat(pong.get("ok", Number.class).intValue()).isEqualTo(1);
        }
        assertThat(TrustBundle.trustManager(bundle).getAcceptedIssuers()).containsExactlyInAnyOrder(otherAuthority, serverCertificate);
    }

    @Test
    void refusesTheServerWhenTheBundleLacksItsAuthority()
            throws IOException
    {
        Path bundle = pem("other.pem", otherAuthority);

        try (MongoClient client = WarehouseClients.create(config(bundle))) {
            assertThatThrownBy(() -> client.getDatabase("x_ray").runCommand(new Document("ping", 1)))
                    .isInstanceOf(MongoTimeoutException.class)
                    .hasMessageContaining("SSLHandshakeException");
        }
    }

    @Test
    void refusesABundleWithoutCertificates()
            throws IOException
    {
        Path empty = Files.writeString(folder.resolve("empty.pem"), "no certificates here\n");

        assertThatThrownBy(() -> WarehouseClients.settings(config(empty)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty.pem");
    }

    private WarehouseConfig config(Path bundle)
    {
        return new WarehouseConfig("mongodb://localhost:" + port + "/?serverSelectionTimeoutMS=1500", "x_ray", true, Optional.of(bundle), false);
    }

    private Path pem(String name, X509Certificate... certificates)
            throws IOException
    {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                pem.append("-----BEGIN CERTIFICATE-----\n")
                        .append(Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(certificate.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            }
            catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return Files.writeString(folder.resolve(name), pem);
    }

    /** A key pair with a self-signed certificate, made by the JDK's keytool. */
    private KeyStore generate(String alias, String name, String extension)
            throws Exception
    {
        Path keyStore = folder.resolve(alias + ".p12");
        Process keytool = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", name, "-ext", extension,
                "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), US_ASCII);
        assertThat(keytool.waitFor()).as(output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD);
        }
        assertThat(store.getCertificate(alias)).isNotNull();
        return store;
    }
}
