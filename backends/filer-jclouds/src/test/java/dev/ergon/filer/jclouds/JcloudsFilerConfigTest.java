package dev.ergon.filer.jclouds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.Filer;
import dev.ergon.spi.ProviderConfig;
import dev.ergon.testkit.TestProviderContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings, URL parsing and the stores that cannot be reached from here. There is no GCS, Azure
 * or Swift server on this machine: for those, what is tested is the configuration (which schemes
 * are served, what is rejected and how) and that a request really goes out through jclouds,
 * authenticated with the configured key, to an endpoint that refuses it: a closed local port
 * (BACKEND_UNAVAILABLE). Whether the real services accept those requests is not tested.
 */
class JcloudsFilerConfigTest {
    private static final String PREFIX = "ergon.filer.jclouds.";
    private static String serviceAccountJson;
    private static String privateKeyPem;
    private static java.security.PublicKey publicKey;

    @TempDir
    Path tmp;

    @BeforeAll
    static void makeAServiceAccountKey() throws Exception {
        var kpg = KeyPairGenerator.getInstance("RSA");
        kpg.initialize(2048);
        var pair = kpg.generateKeyPair();
        publicKey = pair.getPublic();
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        privateKeyPem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n";
        serviceAccountJson = "{\"type\": \"service_account\", \"project_id\": \"ergon-test\","
                + " \"private_key_id\": \"abc\", \"private_key\": \"" + privateKeyPem.replace("\n", "\\n") + "\","
                + " \"client_email\": \"ergon@ergon-test.iam.gserviceaccount.com\", \"client_id\": \"1\"}";
    }

    private static JcloudsFilerConfig config(Map<String, String> values) {
        return JcloudsFilerConfig.from(ProviderConfig.of(PREFIX, values));
    }

    private static ErgonException rejected(Map<String, String> values, String field) {
        ErgonException e = assertThrows(ErgonException.class, () -> config(values));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind(), e.getMessage());
        assertEquals(Optional.of(PREFIX + field), e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(PREFIX + field + ": "), e.getMessage());
        return e;
    }

    private static ErgonException expect(ErrorKind kind, Executable call) {
        ErgonException e = assertThrows(ErgonException.class, call);
        assertEquals(kind, e.kind(), e.getMessage());
        return e;
    }

    @Test
    void withNothingConfiguredNoSchemeIsServed() {
        JcloudsFilerProvider provider = new JcloudsFilerProvider();
        try (Filer f = provider.create(new TestProviderContext(PREFIX, Map.of(), tmp))) {
            assertEquals(Set.of(), f.schemes());
            ErgonException e = expect(ErrorKind.INVALID_INPUT, () -> f.stat(URI.create("s3://bucket/key")));
            assertEquals(
                    "s3://bucket/key: s3:// is not configured (set ergon.filer.jclouds.s3.identity/credential)",
                    e.getMessage());
            e = expect(ErrorKind.INVALID_INPUT, () -> f.stat(URI.create("gs://bucket/key")));
            assertTrue(
                    e.getMessage().contains("gs:// is not configured (set ergon.filer.jclouds.gs.credential)"),
                    e.getMessage());
            e = expect(ErrorKind.INVALID_INPUT, () -> f.list(URI.create("az://container/dir")));
            assertTrue(e.getMessage().contains("az:// is not configured"), e.getMessage());
            expect(ErrorKind.INVALID_INPUT, () -> f.stat(URI.create("swift://container/key")));
            expect(ErrorKind.INVALID_INPUT, () -> f.stat(URI.create("ftp://host/key")));
        }
    }

    @Test
    void s3SettingsAndDefaults() {
        JcloudsFilerConfig c = config(Map.of("s3.identity", "AKIA", "s3.credential", "secret-1"));
        assertEquals(Set.of("s3"), c.schemes());
        StoreConfig s3 = c.s3().orElseThrow();
        assertEquals(Optional.empty(), s3.endpoint());
        assertFalse(s3.pathStyle(), "AWS uses virtual-host buckets by default");
        assertEquals(4, s3.signatureVersion());
        assertFalse(s3.signPayload(), "AWS is reached over https: bodies go unsigned (auto)");
        assertEquals(32L << 20, c.multipartThreshold());
        assertEquals(32L << 20, c.partSize());
        assertTrue(c.verifyChecksums());

        c = config(Map.of(
                "s3.identity",
                "AKIA",
                "s3.credential",
                "secret-1",
                "s3.endpoint",
                "http://minio:9000",
                "multipart-threshold",
                "5MiB",
                "part-size",
                "8m",
                "s3.region",
                "eu-west-1",
                "s3.signature-version",
                "2"));
        s3 = c.s3().orElseThrow();
        assertEquals(Optional.of(URI.create("http://minio:9000")), s3.endpoint());
        assertTrue(s3.pathStyle(), "path-style is the default with an endpoint");
        assertEquals(Optional.of("eu-west-1"), s3.region());
        assertEquals(2, s3.signatureVersion());
        assertTrue(s3.signPayload(), "auto signs bodies over plain http");
        assertEquals(5L << 20, c.multipartThreshold());
        assertEquals(8L << 20, c.partSize());
        assertFalse(config(Map.of(
                        "s3.identity",
                        "a",
                        "s3.credential",
                        "b",
                        "s3.endpoint",
                        "http://minio:9000",
                        "s3.path-style",
                        "false"))
                .s3()
                .orElseThrow()
                .pathStyle());
    }

    @Test
    void signPayloadIsAutoTrueOrFalseAndMayBeSetPerBucket() {
        Map<String, String> m = new HashMap<>(
                Map.of("s3.identity", "a", "s3.credential", "b", "s3.endpoint", "https://s3.example.org"));
        assertFalse(config(m).s3().orElseThrow().signPayload(), "auto over https: unsigned");
        m.put("s3.sign-payload", "TRUE");
        assertTrue(config(m).s3().orElseThrow().signPayload());
        m.put("s3.sign-payload", "false");
        m.put("s3.endpoint", "http://minio:9000");
        assertFalse(config(m).s3().orElseThrow().signPayload(), "false wins over http");
        m.put("s3.bucket.signed.sign-payload", "true");
        JcloudsFilerConfig c = config(m);
        assertTrue(c.s3Buckets().get("signed").signPayload(), "a bucket's own setting");
        assertFalse(c.s3().orElseThrow().signPayload());
        assertTrue(
                c.s3().orElseThrow().describe().contains("payload unsigned"),
                c.s3().orElseThrow().describe());
    }

    @Test
    void incompleteOrBadS3SettingsNameTheKeyAndNeverTheSecret() {
        rejected(Map.of("s3.endpoint", "http://minio:9000"), "s3.identity");
        rejected(Map.of("s3.identity", "AKIA"), "s3.credential");
        ErgonException e = rejected(Map.of("s3.credential", "top-secret-value"), "s3.identity");
        assertFalse(e.getMessage().contains("top-secret-value"), e.getMessage());
        rejected(Map.of("s3.identity", "a", "s3.credential", "b", "s3.endpoint", "ftp://x"), "s3.endpoint");
        rejected(
                Map.of("s3.identity", "a", "s3.credential", "b", "s3.endpoint", "http://u:p@minio:9000"),
                "s3.endpoint");
        rejected(
                Map.of("s3.identity", "a", "s3.credential", "b", "s3.endpoint", "http://minio:9000/sub"),
                "s3.endpoint");
        rejected(Map.of("s3.identity", "a", "s3.credential", "b", "s3.signature-version", "3"), "s3.signature-version");
        rejected(Map.of("s3.identity", "a", "s3.credential", "b", "s3.sign-payload", "sometimes"), "s3.sign-payload");
        rejected(Map.of("multipart-threshold", "lots"), "multipart-threshold");
        rejected(Map.of("part-size", "0"), "part-size");
        rejected(Map.of("multipart-concurrency", "0"), "multipart-concurrency");
        rejected(Map.of("read-timeout", "0s"), "read-timeout");
    }

    @Test
    void perBucketSettingsInheritTheDefaults() {
        Map<String, String> m = new HashMap<>(Map.of(
                "s3.endpoint", "http://minio:9000",
                "s3.identity", "default-id",
                "s3.credential", "default-secret",
                "s3.bucket.my.dotted.bucket.identity", "other-id",
                "s3.bucket.my.dotted.bucket.credential", "other-secret",
                "s3.bucket.aws-bucket.endpoint", "https://s3.eu-west-1.amazonaws.com",
                "s3.bucket.aws-bucket.path-style", "false",
                "s3.bucket.aws-bucket.region", "eu-west-1"));
        JcloudsFilerConfig c = config(m);
        assertEquals(Set.of("my.dotted.bucket", "aws-bucket"), c.s3Buckets().keySet());
        StoreConfig dotted = c.s3Buckets().get("my.dotted.bucket");
        assertEquals("other-id", dotted.identity());
        assertEquals(Optional.of(URI.create("http://minio:9000")), dotted.endpoint());
        assertEquals("ergon.filer.jclouds.s3.bucket.my.dotted.bucket.identity/credential", dotted.credentialKeys());
        StoreConfig aws = c.s3Buckets().get("aws-bucket");
        assertEquals("default-id", aws.identity());
        assertFalse(aws.pathStyle());
        assertEquals(Optional.of("eu-west-1"), aws.region());
        assertEquals("ergon.filer.jclouds.s3.identity/credential", aws.credentialKeys());
        assertEquals(3, c.stores().size());
        assertFalse(c.toString().contains("secret"), c.toString());

        // Only one bucket configured: s3 is served, other buckets are refused naming both ways to fix it.
        JcloudsFilerConfig only = config(Map.of(
                "s3.bucket.mine.endpoint", "http://minio:9000",
                "s3.bucket.mine.identity", "id",
                "s3.bucket.mine.credential", "secret"));
        assertEquals(Set.of("s3"), only.schemes());
        try (JcloudsFiler f = new JcloudsFiler(only)) {
            ErgonException e = expect(ErrorKind.INVALID_INPUT, () -> f.stat(URI.create("s3://theirs/key")));
            assertEquals(
                    "s3://theirs/key: no credentials for bucket 'theirs' (set ergon.filer.jclouds.s3.identity/credential"
                            + " or ergon.filer.jclouds.s3.bucket.theirs.identity/credential)",
                    e.getMessage());
        }
        rejected(Map.of("s3.bucket.mine.endpoint", "http://minio:9000"), "s3.bucket.mine.identity");
        rejected(Map.of("s3.bucket.mine.identity", "id"), "s3.bucket.mine.credential");
    }

    @Test
    void unknownKeysAreReported() {
        JcloudsFilerConfig c = config(Map.of("s3.credentials", "x", "s3.bucket.b.colour", "red"));
        assertEquals(Set.of(PREFIX + "s3.credentials", PREFIX + "s3.bucket.b.colour"), c.unknownKeys());
        assertEquals(Set.of(), c.schemes());
    }

    @Test
    void objectUrlsAreParsedStrictly() {
        try (JcloudsFiler f = new JcloudsFiler(
                config(Map.of("s3.identity", "a", "s3.credential", "b", "s3.endpoint", "http://127.0.0.1:9")))) {
            ErgonException e = expect(ErrorKind.INVALID_INPUT, () -> f.stat(URI.create("s3://key:secret@bucket/k")));
            assertFalse(e.getMessage().contains("secret"), e.getMessage());
            assertTrue(
                    e.getMessage().startsWith("s3://***@bucket/k: credentials in the URL are not accepted"),
                    e.getMessage());
            e = expect(ErrorKind.INVALID_INPUT, () -> f.stat(URI.create("s3://bucket/k?X-Amz-Signature=deadbeef")));
            assertFalse(e.getMessage().contains("deadbeef"), e.getMessage());
            expect(ErrorKind.INVALID_INPUT, () -> f.stat(URI.create("s3:///key")));
            expect(ErrorKind.INVALID_INPUT, () -> f.stat(URI.create("s3:bucket")));
            expect(ErrorKind.INVALID_INPUT, () -> f.download(URI.create("s3://bucket"), tmp.resolve("x")));
            e = expect(ErrorKind.INVALID_INPUT, () -> f.upload(tmp, URI.create("s3://bucket/dir/")));
            assertTrue(e.getMessage().contains("names a folder"), e.getMessage());
            assertEquals(
                    "s3://b/a%20b/c%23d.txt",
                    BlobUrl.parse(URI.create("s3://b/x")).sibling("a b/c#d.txt").toString());
        }
    }

    @Test
    void gsWithAServiceAccountKeyAsContentOrFile() throws IOException {
        JcloudsFilerConfig c = config(Map.of("gs.credential", serviceAccountJson));
        assertEquals(Set.of("gs"), c.schemes());
        assertEquals(
                "ergon@ergon-test.iam.gserviceaccount.com", c.gs().orElseThrow().identity());
        assertFalse(c.toString().contains("PRIVATE KEY"), c.toString());

        Path file = Files.writeString(tmp.resolve("sa.json"), serviceAccountJson);
        assertEquals(
                "ergon@ergon-test.iam.gserviceaccount.com",
                config(Map.of("gs.credential", file.toString()))
                        .gs()
                        .orElseThrow()
                        .identity());

        c = config(Map.of("gs.credential", privateKeyPem, "gs.identity", "x@y.iam.gserviceaccount.com"));
        assertEquals("x@y.iam.gserviceaccount.com", c.gs().orElseThrow().identity());
    }

    @Test
    void badGsSettingsNameTheKeyAndNeverEchoTheKey() {
        rejected(Map.of("gs.identity", "x@y"), "gs.credential");
        rejected(Map.of("gs.endpoint", "http://127.0.0.1:1"), "gs.credential");
        rejected(Map.of("gs.credential", privateKeyPem), "gs.identity");
        String notJson = "{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\nAAAA-secret-bits\"";
        ErgonException e = rejected(Map.of("gs.credential", notJson), "gs.credential");
        assertFalse(e.getMessage().contains("secret-bits"), e.getMessage());
        e = rejected(Map.of("gs.credential", "raw-secret-that-is-no-file"), "gs.credential");
        assertFalse(e.getMessage().contains("raw-secret-that-is-no-file"), e.getMessage());
        rejected(Map.of("gs.credential", "{\"client_email\": \"a@b\"}"), "gs.credential");
    }

    @Test
    void azureAndSwiftSettings() {
        String key = Base64.getEncoder().encodeToString("account-key-bytes".getBytes());
        JcloudsFilerConfig c = config(Map.of("azure.identity", "ergonstore", "azure.credential", key));
        assertEquals(Set.of("azure", "az"), c.schemes());
        assertEquals(
                Set.of("azure", "az"),
                config(Map.of("azure.identity", "ergonstore", "azure.credential", "sv=2022-11-02&ss=b&sig=abc"))
                        .schemes());
        rejected(Map.of("azure.identity", "ergonstore"), "azure.credential");
        rejected(Map.of("azure.endpoint", "http://127.0.0.1:10000/devstoreaccount1"), "azure.identity");
        ErgonException e = rejected(
                Map.of("azure.identity", "ergonstore", "azure.credential", "not base64 !"), "azure.credential");
        assertFalse(e.getMessage().contains("not base64 !"), e.getMessage());
        rejected(Map.of("azure.identity", "Not_An_Account", "azure.credential", key), "azure.identity");

        c = config(Map.of(
                "swift.endpoint",
                "https://keystone:5000/v3",
                "swift.identity",
                "default:ergon",
                "swift.credential",
                "pw",
                "swift.region",
                "RegionOne",
                "swift.scope",
                "project:abc"));
        assertEquals(Set.of("swift"), c.schemes());
        assertEquals(
                Map.of(
                        "jclouds.keystone.version",
                        "3",
                        "jclouds.keystone.scope",
                        "project:abc",
                        "jclouds.regions",
                        "RegionOne"),
                c.swift().orElseThrow().properties());
        rejected(Map.of("swift.identity", "d:u", "swift.credential", "pw"), "swift.endpoint");
        rejected(Map.of("swift.endpoint", "https://keystone:5000/v3"), "swift.identity");
        rejected(
                Map.of(
                        "swift.endpoint",
                        "https://k:5000/v3",
                        "swift.identity",
                        "d:u",
                        "swift.credential",
                        "pw",
                        "swift.keystone-version",
                        "1"),
                "swift.keystone-version");
    }

    /**
     * A gs://, az:// and swift:// request really leaves through jclouds (for GCS: a token request
     * signed with the configured key) and an endpoint that refuses connections is retryable, with a
     * message naming the URL and no key material.
     */
    @Test
    void otherStoresGoOutThroughJcloudsAndAClosedEndpointIsRetryable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String closed = "http://127.0.0.1:" + port;
        String azureKey = Base64.getEncoder().encodeToString("azure-account-key-bytes".getBytes());
        Map<String, String> m = new HashMap<>();
        m.put("max-retries", "0");
        m.put("gs.credential", serviceAccountJson);
        m.put("gs.endpoint", closed);
        m.put("gs.token-endpoint", closed + "/token");
        m.put("azure.identity", "ergonstore");
        m.put("azure.credential", azureKey);
        m.put("azure.endpoint", closed + "/ergonstore");
        m.put("swift.endpoint", closed + "/v3");
        m.put("swift.identity", "default:ergon");
        m.put("swift.credential", "swift-password-value");
        try (Filer f = new JcloudsFilerProvider().create(new TestProviderContext(PREFIX, m, tmp))) {
            assertEquals(Set.of("gs", "azure", "az", "swift"), f.schemes());
            for (String url : List.of(
                    "gs://bucket/a.txt",
                    "az://container/a.txt",
                    "azure://container/a.txt",
                    "swift://container/a.txt")) {
                URI u = URI.create(url);
                for (Executable call : List.<Executable>of(
                        () -> f.stat(u), () -> f.download(u, tmp.resolve("a.txt")), () -> f.list(u))) {
                    ErgonException e = expect(ErrorKind.BACKEND_UNAVAILABLE, call);
                    assertTrue(e.getMessage().startsWith(url + ": "), e.getMessage());
                    String all = stackTrace(e);
                    assertFalse(
                            all.contains("PRIVATE KEY")
                                    || all.contains(azureKey)
                                    || all.contains("swift-password-value"),
                            all);
                }
            }
        }
    }

    /**
     * What the GCS, Azure and Swift clients send, seen by a local recording server standing in
     * for the token endpoint, the storage API and Keystone. It shows the configured credentials
     * are used (a JWT signed with the service account's key; an Azure SharedKey signature; a
     * Keystone password request for the configured user) and how answers map; it does not show
     * that Google, Azure or an OpenStack cloud would accept them.
     */
    @Test
    void otherStoresSendTheConfiguredCredentials() throws Exception {
        String azureKey = Base64.getEncoder().encodeToString("azure-account-key-bytes".getBytes());
        try (RecordingServer server = new RecordingServer(r -> {
            if (r.path().equals("/token")) {
                return new RecordingServer.Response(
                        200,
                        "application/json",
                        "{\"access_token\": \"test-token\", \"token_type\": \"Bearer\", \"expires_in\": 3600}");
            }
            if (r.path().startsWith("/v3/auth/tokens")) {
                // 403, not Keystone's usual 401: jclouds retries a 401 from Keystone v3 four times,
                // 5 s apart (its RetryOnRenew), which would cost this test 15 s.
                return new RecordingServer.Response(403, "application/json", "{\"error\": {\"code\": 403}}");
            }
            return new RecordingServer.Response(404, "application/json", "");
        })) {
            String base = server.base().toString();
            Map<String, String> m = new HashMap<>();
            m.put("max-retries", "0");
            m.put("gs.credential", serviceAccountJson);
            m.put("gs.endpoint", base);
            m.put("gs.token-endpoint", base + "/token");
            m.put("azure.identity", "ergonstore");
            m.put("azure.credential", azureKey);
            m.put("azure.endpoint", base + "/ergonstore");
            m.put("swift.endpoint", base + "/v3");
            m.put("swift.identity", "default:ergon");
            m.put("swift.credential", "swift-password-value");
            try (Filer f = new JcloudsFilerProvider().create(new TestProviderContext(PREFIX, m, tmp))) {
                // GCS: a JWT bearer grant signed with the configured key, then the object lookup with the token.
                assertEquals(Optional.empty(), f.stat(URI.create("gs://bucket/dir/a.txt")));
                RecordingServer.Request token = server.requests.stream()
                        .filter(r -> r.path().equals("/token"))
                        .findFirst()
                        .orElseThrow();
                String assertion = java.net.URLDecoder.decode(
                        token.body().replaceAll(".*assertion=([^&]*).*", "$1"),
                        java.nio.charset.StandardCharsets.UTF_8);
                String[] jwt = assertion.split("\\.");
                var verifier = java.security.Signature.getInstance("SHA256withRSA");
                verifier.initVerify(publicKey);
                verifier.update((jwt[0] + "." + jwt[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertTrue(
                        verifier.verify(Base64.getUrlDecoder().decode(jwt[2])), "the JWT is not signed with the key");
                String claims =
                        new String(Base64.getUrlDecoder().decode(jwt[1]), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(claims.contains("\"iss\":\"ergon@ergon-test.iam.gserviceaccount.com\""), claims);
                RecordingServer.Request lookup = server.requests.getLast();
                assertTrue(lookup.path().startsWith("/storage/v1/b/bucket/o/dir%2Fa.txt"), lookup.path());
                assertEquals("Bearer test-token", lookup.header("Authorization"));

                // Azure: a request signed with the account key, for the configured account.
                assertEquals(Optional.empty(), f.stat(URI.create("az://container/dir/a.txt")));
                RecordingServer.Request azure = server.requests.getLast();
                assertTrue(azure.path().endsWith("/container/dir/a.txt"), azure.path());
                assertTrue(
                        azure.header("Authorization").matches("SharedKey(Lite)? ergonstore:.+"),
                        azure.header("Authorization"));
                ErgonException e = expect(
                        ErrorKind.NOT_FOUND,
                        () -> f.download(URI.create("azure://container/b.txt"), tmp.resolve("b.txt")));
                assertTrue(e.getMessage().startsWith("azure://container/b.txt: download failed: "), e.getMessage());

                // Swift: a Keystone v3 password request for the configured user; refused means access denied.
                e = expect(ErrorKind.INVALID_INPUT, () -> f.stat(URI.create("swift://container/a.txt")));
                assertEquals(
                        "access denied to swift://container/a.txt (check ergon.filer.jclouds.swift.identity/credential)",
                        e.getMessage().replaceAll(" \\(HTTP.*", ""));
                assertFalse(stackTrace(e).contains("swift-password-value"));
                RecordingServer.Request keystone = server.requests.getLast();
                assertEquals("/v3/auth/tokens", keystone.path());
                assertTrue(
                        keystone.body().contains("\"name\":\"ergon\"")
                                && keystone.body().contains("\"default\""),
                        keystone.body());
            }
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
