package dev.ergon.filer.jclouds;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ConfigProperty.Type;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ProviderConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jclouds.domain.Credentials;
import org.jclouds.googlecloud.GoogleCredentialsFromJson;

/**
 * Settings of the {@code jclouds} filer ({@code ergon.filer.jclouds.*}). A store (S3, GCS, Azure,
 * Swift) is served only when its credentials are configured; credentials come from here only,
 * never from a task's URL. {@link #toString()} never shows a credential.
 *
 * @param s3 the S3 store for buckets without their own settings, if configured
 * @param s3Buckets per-bucket S3 stores ({@code s3.bucket.<bucket>.*}), by bucket name
 * @param gs the Google Cloud Storage store, if configured
 * @param azure the Azure Blob Storage store, if configured
 * @param swift the OpenStack Swift store, if configured
 * @param multipartThreshold files larger than this many bytes are uploaded in parts
 * @param partSize the size of each part in bytes (raised where a store needs larger parts)
 * @param multipartConcurrency how many parts of one file are uploaded at once
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout how long a read on an open connection may block
 * @param maxRetries how often jclouds retries a request that failed with a 5xx or an I/O error
 * @param verifyChecksums whether to check MD5s against what the store reports
 * @param unknownKeys keys under the prefix this filer does not know (for a warning)
 */
public record JcloudsFilerConfig(
        Optional<StoreConfig> s3,
        Map<String, StoreConfig> s3Buckets,
        Optional<StoreConfig> gs,
        Optional<StoreConfig> azure,
        Optional<StoreConfig> swift,
        long multipartThreshold,
        long partSize,
        int multipartConcurrency,
        Duration connectTimeout,
        Duration readTimeout,
        int maxRetries,
        boolean verifyChecksums,
        Set<String> unknownKeys) {

    static final String PREFIX = "ergon.filer.jclouds.";
    static final long MIB = 1024L * 1024;

    static final String MULTIPART_THRESHOLD = "multipart-threshold";
    static final String PART_SIZE = "part-size";
    static final String MULTIPART_CONCURRENCY = "multipart-concurrency";
    static final String CONNECT_TIMEOUT = "connect-timeout";
    static final String READ_TIMEOUT = "read-timeout";
    static final String MAX_RETRIES = "max-retries";
    static final String VERIFY_CHECKSUMS = "verify-checksums";

    static final String S3_ENDPOINT = "s3.endpoint";
    static final String S3_IDENTITY = "s3.identity";
    static final String S3_CREDENTIAL = "s3.credential";
    static final String S3_REGION = "s3.region";
    static final String S3_PATH_STYLE = "s3.path-style";
    static final String S3_SIGNATURE_VERSION = "s3.signature-version";
    static final String S3_SIGN_PAYLOAD = "s3.sign-payload";
    static final String S3_BUCKET = "s3.bucket.";
    /** The settings a {@code s3.bucket.<bucket>.} key may end with. */
    static final List<String> S3_BUCKET_SETTINGS =
            List.of("endpoint", "identity", "credential", "region", "path-style", "signature-version", "sign-payload");

    static final String GS_IDENTITY = "gs.identity";
    static final String GS_CREDENTIAL = "gs.credential";
    static final String GS_ENDPOINT = "gs.endpoint";
    static final String GS_TOKEN_ENDPOINT = "gs.token-endpoint";

    static final String AZURE_IDENTITY = "azure.identity";
    static final String AZURE_CREDENTIAL = "azure.credential";
    static final String AZURE_ENDPOINT = "azure.endpoint";

    static final String SWIFT_ENDPOINT = "swift.endpoint";
    static final String SWIFT_IDENTITY = "swift.identity";
    static final String SWIFT_CREDENTIAL = "swift.credential";
    static final String SWIFT_REGION = "swift.region";
    static final String SWIFT_KEYSTONE_VERSION = "swift.keystone-version";
    static final String SWIFT_SCOPE = "swift.scope";

    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(
                    MULTIPART_THRESHOLD,
                    Type.STRING,
                    "32MiB",
                    "Files larger than this are uploaded in parts (multipart upload); bytes, or a number with KiB, MiB or GiB."),
            ConfigProperty.optional(
                    PART_SIZE,
                    Type.STRING,
                    "32MiB",
                    "Size of each part of a multipart upload; raised automatically where the store needs larger or fewer parts."),
            ConfigProperty.optional(
                    MULTIPART_CONCURRENCY, Type.INT, "4", "How many parts of one file are uploaded at the same time."),
            ConfigProperty.optional(
                    CONNECT_TIMEOUT, Type.DURATION, "10s", "How long to wait for a connection to a store."),
            ConfigProperty.optional(
                    READ_TIMEOUT,
                    Type.DURATION,
                    "60s",
                    "How long a read from an open connection may block before the request fails."),
            ConfigProperty.optional(
                    MAX_RETRIES,
                    Type.INT,
                    "3",
                    "How often jclouds retries a request that failed with a server error or an I/O error, with backoff,"
                            + " before the transfer fails as retryable (BACKEND_UNAVAILABLE)."),
            ConfigProperty.optional(
                    VERIFY_CHECKSUMS,
                    Type.BOOLEAN,
                    "true",
                    "Check the MD5 of uploads and single-part downloads against what the store reports."),
            ConfigProperty.optional(
                    S3_ENDPOINT,
                    Type.STRING,
                    null,
                    "S3 endpoint URL of an S3-compatible server, e.g. http://minio:9000; unset for AWS S3."),
            ConfigProperty.optional(
                    S3_IDENTITY,
                    Type.STRING,
                    null,
                    "S3 access key id; with s3.credential it makes s3:// URLs served. Per bucket:"
                            + " s3.bucket.<bucket>.identity (also .credential, .endpoint, .region, .path-style)."),
            secret(S3_CREDENTIAL, "S3 secret access key (never logged)."),
            ConfigProperty.optional(
                    S3_REGION,
                    Type.STRING,
                    null,
                    "S3 region used for request signing and the AWS endpoint, e.g. eu-west-1 (default us-east-1)."),
            ConfigProperty.optional(
                    S3_PATH_STYLE,
                    Type.BOOLEAN,
                    null,
                    "Address buckets as endpoint/bucket (path-style) instead of bucket.endpoint; default true when"
                            + " s3.endpoint is set, false for AWS."),
            ConfigProperty.optional(S3_SIGNATURE_VERSION, Type.INT, "4", "AWS request signature version, 4 or 2."),
            ConfigProperty.optional(
                    S3_SIGN_PAYLOAD,
                    Type.STRING,
                    "auto",
                    "Signature v4: hash request bodies into the signature (true), or send them as"
                            + " UNSIGNED-PAYLOAD (false), which saves a SHA-256 pass over every upload; auto signs"
                            + " over http and not over https (TLS and Ergon's MD5 checks protect the bytes), as the"
                            + " AWS SDKs do."),
            ConfigProperty.optional(
                    GS_IDENTITY,
                    Type.STRING,
                    null,
                    "Google service-account e-mail; taken from the JSON key in gs.credential when unset."),
            secret(
                    GS_CREDENTIAL,
                    "Google service-account JSON key (its content or the path of the file), or a PEM"
                            + " private key with gs.identity; makes gs:// URLs served (never logged)."),
            ConfigProperty.optional(
                    GS_ENDPOINT,
                    Type.STRING,
                    null,
                    "Google Cloud Storage API endpoint; unset for https://www.googleapis.com."),
            ConfigProperty.optional(
                    GS_TOKEN_ENDPOINT,
                    Type.STRING,
                    null,
                    "OAuth token endpoint for the service account; unset for Google's."),
            ConfigProperty.optional(
                    AZURE_IDENTITY,
                    Type.STRING,
                    null,
                    "Azure storage account name; with azure.credential it makes azure:// and az:// URLs served."),
            secret(AZURE_CREDENTIAL, "Azure storage account key (base64) or SAS token (never logged)."),
            ConfigProperty.optional(
                    AZURE_ENDPOINT,
                    Type.STRING,
                    null,
                    "Azure Blob endpoint; unset for https://<account>.blob.core.windows.net."),
            ConfigProperty.optional(
                    SWIFT_ENDPOINT,
                    Type.STRING,
                    null,
                    "Keystone URL of an OpenStack cloud, e.g. https://keystone:5000/v3; makes swift:// URLs served."),
            ConfigProperty.optional(
                    SWIFT_IDENTITY,
                    Type.STRING,
                    null,
                    "Keystone user as domain:user (Keystone v3) or tenant:user (v2)."),
            secret(SWIFT_CREDENTIAL, "Keystone password (never logged)."),
            ConfigProperty.optional(SWIFT_REGION, Type.STRING, null, "Swift region; unset for the cloud's first one."),
            ConfigProperty.optional(SWIFT_KEYSTONE_VERSION, Type.STRING, "3", "Keystone API version, 3 or 2."),
            ConfigProperty.optional(
                    SWIFT_SCOPE,
                    Type.STRING,
                    null,
                    "Keystone v3 scope, e.g. project:<project-id> or domain:<domain-name>."));

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]i?b?|b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern BUCKET = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]*");

    public JcloudsFilerConfig {
        requireNonNull(s3, "s3 is null");
        s3Buckets = Map.copyOf(s3Buckets);
        requireNonNull(gs, "gs is null");
        requireNonNull(azure, "azure is null");
        requireNonNull(swift, "swift is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(readTimeout, "readTimeout is null");
        unknownKeys = Set.copyOf(unknownKeys);
        if (multipartThreshold < 1 || partSize < 1 || multipartConcurrency < 1 || maxRetries < 0) {
            throw new IllegalArgumentException("sizes and counts must be positive");
        }
    }

    /** Nothing configured: no scheme served. */
    public static JcloudsFilerConfig unconfigured() {
        return from(ProviderConfig.of(PREFIX, Map.of()));
    }

    /** The schemes served: those of the stores configured, sorted. */
    Set<String> schemes() {
        Set<String> s = new TreeSet<>();
        if (s3.isPresent() || !s3Buckets.isEmpty()) {
            s.addAll(StoreKind.S3.schemes());
        }
        gs.ifPresent(c -> s.addAll(c.kind().schemes()));
        azure.ifPresent(c -> s.addAll(c.kind().schemes()));
        swift.ifPresent(c -> s.addAll(c.kind().schemes()));
        return s;
    }

    /** Every store configured, each once. */
    List<StoreConfig> stores() {
        Set<StoreConfig> all = new LinkedHashSet<>();
        s3.ifPresent(all::add);
        new TreeMap<>(s3Buckets).values().forEach(all::add);
        gs.ifPresent(all::add);
        azure.ifPresent(all::add);
        swift.ifPresent(all::add);
        return List.copyOf(all);
    }

    /**
     * Reads the settings. A store with some of its keys set but not its credentials, or a bad
     * value, is INVALID_INPUT naming the full key; messages never contain a credential.
     */
    public static JcloudsFilerConfig from(ProviderConfig config) {
        String prefix = config.prefix().isEmpty() ? PREFIX : config.prefix();
        Reader r = new Reader(config, prefix);
        long threshold = r.size(MULTIPART_THRESHOLD, 32 * MIB);
        long partSize = r.size(PART_SIZE, 32 * MIB);
        int concurrency = r.intBetween(MULTIPART_CONCURRENCY, 4, 1, 64);
        Duration connect = r.positive(CONNECT_TIMEOUT, config.getDuration(CONNECT_TIMEOUT, Duration.ofSeconds(10)));
        Duration read = r.positive(READ_TIMEOUT, config.getDuration(READ_TIMEOUT, Duration.ofSeconds(60)));
        int retries = r.intBetween(MAX_RETRIES, 3, 0, 20);
        boolean verify = config.getBoolean(VERIFY_CHECKSUMS, true);

        Optional<StoreConfig> s3 = r.s3Default();
        Map<String, StoreConfig> buckets = r.s3Buckets();
        if (s3.isEmpty() && buckets.isEmpty()) {
            r.requireCredentialsIfAnySet(
                    StoreKind.S3, S3_IDENTITY, S3_ENDPOINT, S3_REGION, S3_PATH_STYLE, S3_SIGNATURE_VERSION);
        }
        return new JcloudsFilerConfig(
                s3,
                buckets,
                r.gs(),
                r.azure(),
                r.swift(),
                threshold,
                partSize,
                concurrency,
                connect,
                read,
                retries,
                verify,
                r.unknownKeys());
    }

    @Override
    public String toString() {
        return "JcloudsFilerConfig[schemes=" + schemes() + ", stores=" + stores() + ", multipartThreshold="
                + multipartThreshold
                + ", partSize=" + partSize + ", multipartConcurrency=" + multipartConcurrency + ", connectTimeout="
                + connectTimeout + ", readTimeout=" + readTimeout + ", maxRetries=" + maxRetries + ", verifyChecksums="
                + verifyChecksums + "]";
    }

    private static ConfigProperty secret(String key, String doc) {
        return new ConfigProperty(key, Type.STRING, Optional.empty(), false, true, doc);
    }

    /** Reads keys, remembering which were known, and builds messages that name the full key. */
    private static final class Reader {
        private final ProviderConfig config;
        private final String prefix;
        private final Set<String> known = new TreeSet<>();

        Reader(ProviderConfig config, String prefix) {
            this.config = config;
            this.prefix = prefix;
            PROPERTIES.forEach(p -> known.add(p.key()));
        }

        Optional<String> get(String key) {
            return config.get(key);
        }

        ErgonException invalid(String key, String reason) {
            return ErgonException.invalid(prefix + key, reason);
        }

        long size(String key, long defaultValue) {
            Optional<String> v = get(key);
            if (v.isEmpty()) {
                return defaultValue;
            }
            Matcher m = SIZE.matcher(v.get());
            if (!m.matches()) {
                throw invalid(key, "'" + v.get() + "' is not a size such as 33554432, 512KiB, 32MiB or 1GiB");
            }
            String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
            int shift =
                    switch (unit.isEmpty() ? ' ' : unit.charAt(0)) {
                        case 'k' -> 10;
                        case 'm' -> 20;
                        case 'g' -> 30;
                        case 't' -> 40;
                        default -> 0;
                    };
            try {
                long n = Long.parseLong(m.group(1));
                if (n < 1 || n > (Long.MAX_VALUE >> shift)) {
                    throw invalid(key, "'" + v.get() + "' must be at least 1 byte");
                }
                return n << shift;
            } catch (NumberFormatException e) {
                throw invalid(key, "'" + v.get() + "' is too large");
            }
        }

        int intBetween(String key, int defaultValue, int min, int max) {
            int n = config.getInt(key, defaultValue);
            if (n < min || n > max) {
                throw invalid(key, "'" + n + "' must be between " + min + " and " + max);
            }
            return n;
        }

        Duration positive(String key, Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw invalid(key, "'" + d + "' must be a positive duration");
            }
            return d;
        }

        /** With no credentials for {@code kind}, any of its other keys is a mistake: say what is missing. */
        void requireCredentialsIfAnySet(StoreKind kind, String identityKey, String... others) {
            for (String k : others) {
                if (get(k).isPresent()) {
                    throw invalid(
                            identityKey,
                            "must be set when " + prefix + k + " is set (" + kind.configName()
                                    + ":// URLs need credentials, which come only from configuration)");
                }
            }
        }

        /** Both or neither of identity and credential; the message names the missing one, never a value. */
        Optional<String[]> pair(
                String identityKey, String credentialKey, Optional<String> identity, Optional<String> credential) {
            if (identity.isEmpty() && credential.isEmpty()) {
                return Optional.empty();
            }
            if (identity.isEmpty()) {
                throw invalid(identityKey, "must be set when " + prefix + credentialKey + " is set");
            }
            if (credential.isEmpty()) {
                throw invalid(credentialKey, "must be set when " + prefix + identityKey + " is set");
            }
            return Optional.of(new String[] {identity.get(), credential.get()});
        }

        Optional<URI> endpoint(String key, boolean allowPath) {
            Optional<String> v = get(key);
            if (v.isEmpty()) {
                return Optional.empty();
            }
            URI u;
            try {
                u = new URI(v.get());
            } catch (URISyntaxException e) {
                throw invalid(key, "'" + v.get() + "' is not a URL");
            }
            if (u.getScheme() == null
                    || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))
                    || u.getHost() == null) {
                throw invalid(key, "'" + v.get() + "' must be an http:// or https:// URL with a host");
            }
            if (u.getRawUserInfo() != null) {
                throw invalid(key, "must not contain credentials (use the identity and credential keys)");
            }
            if (u.getRawQuery() != null || u.getRawFragment() != null) {
                throw invalid(key, "'" + v.get() + "' must not have a query or fragment");
            }
            if (!allowPath
                    && u.getRawPath() != null
                    && !u.getRawPath().isEmpty()
                    && !u.getRawPath().equals("/")) {
                throw invalid(key, "'" + v.get() + "' must not have a path (buckets are addressed below the endpoint)");
            }
            return Optional.of(u);
        }

        Optional<String> region(String key) {
            Optional<String> v = get(key);
            if (v.isPresent() && !v.get().matches("[a-zA-Z0-9-_]+")) {
                throw invalid(key, "'" + v.get() + "' is not a region name such as eu-west-1");
            }
            return v;
        }

        int signatureVersion(String key, int defaultValue) {
            int v = config.getInt(key, defaultValue);
            if (v != 2 && v != 4) {
                throw invalid(key, "'" + v + "' must be 4 or 2");
            }
            return v;
        }

        /** {@code auto}: signed over plain http, unsigned over https (and AWS's default endpoint). */
        boolean signPayload(String key, Optional<URI> endpoint) {
            String v = get(key).orElse("auto").trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true" -> true;
                case "false" -> false;
                case "auto" ->
                    endpoint.map(u -> "http".equalsIgnoreCase(u.getScheme())).orElse(false);
                default -> throw invalid(key, "'" + v + "' must be auto, true or false");
            };
        }

        Optional<StoreConfig> s3Default() {
            Optional<String[]> pair = pair(S3_IDENTITY, S3_CREDENTIAL, get(S3_IDENTITY), get(S3_CREDENTIAL));
            if (pair.isEmpty()) {
                // Endpoint, region etc. may still serve as defaults for per-bucket settings.
                endpoint(S3_ENDPOINT, false);
                region(S3_REGION);
                signatureVersion(S3_SIGNATURE_VERSION, 4);
                signPayload(S3_SIGN_PAYLOAD, Optional.empty());
                config.getBoolean(S3_PATH_STYLE, false);
                return Optional.empty();
            }
            Optional<URI> endpoint = endpoint(S3_ENDPOINT, false);
            return Optional.of(new StoreConfig(
                    StoreKind.S3,
                    endpoint,
                    pair.get()[0],
                    pair.get()[1],
                    region(S3_REGION),
                    config.getBoolean(S3_PATH_STYLE, endpoint.isPresent()),
                    signatureVersion(S3_SIGNATURE_VERSION, 4),
                    signPayload(S3_SIGN_PAYLOAD, endpoint),
                    Map.of(),
                    prefix + S3_IDENTITY + "/credential"));
        }

        Map<String, StoreConfig> s3Buckets() {
            Map<String, Set<String>> settingsByBucket = new TreeMap<>();
            for (String key : config.keys()) {
                if (!key.startsWith(S3_BUCKET)) {
                    continue;
                }
                String rest = key.substring(S3_BUCKET.length());
                for (String setting : S3_BUCKET_SETTINGS) {
                    if (rest.endsWith("." + setting) && rest.length() > setting.length() + 1) {
                        String bucket = rest.substring(0, rest.length() - setting.length() - 1);
                        if (!BUCKET.matcher(bucket).matches()) {
                            throw invalid(key, "'" + bucket + "' is not a bucket name");
                        }
                        settingsByBucket
                                .computeIfAbsent(bucket, b -> new TreeSet<>())
                                .add(setting);
                        known.add(key);
                        break;
                    }
                }
            }
            Map<String, StoreConfig> out = new LinkedHashMap<>();
            settingsByBucket.forEach((bucket, settings) -> out.put(bucket, s3Bucket(bucket, settings)));
            return out;
        }

        private StoreConfig s3Bucket(String bucket, Set<String> settings) {
            String b = S3_BUCKET + bucket + ".";
            boolean ownCredentials = settings.contains("identity") || settings.contains("credential");
            String identityKey = ownCredentials ? b + "identity" : S3_IDENTITY;
            String credentialKey = ownCredentials ? b + "credential" : S3_CREDENTIAL;
            Optional<String> identity = ownCredentials ? get(b + "identity") : get(S3_IDENTITY);
            Optional<String> credential = ownCredentials ? get(b + "credential") : get(S3_CREDENTIAL);
            if (identity.isEmpty() && credential.isEmpty()) {
                throw invalid(
                        b + "identity",
                        "must be set (or " + prefix + S3_IDENTITY + "/credential) for the settings of" + " bucket '"
                                + bucket + "'");
            }
            String[] pair =
                    pair(identityKey, credentialKey, identity, credential).orElseThrow();
            Optional<URI> endpoint =
                    settings.contains("endpoint") ? endpoint(b + "endpoint", false) : endpoint(S3_ENDPOINT, false);
            Optional<String> region = settings.contains("region") ? region(b + "region") : region(S3_REGION);
            boolean pathStyle = settings.contains("path-style")
                    ? config.getBoolean(b + "path-style", true)
                    : config.getBoolean(S3_PATH_STYLE, endpoint.isPresent());
            int signature = settings.contains("signature-version")
                    ? signatureVersion(b + "signature-version", 4)
                    : signatureVersion(S3_SIGNATURE_VERSION, 4);
            boolean signPayload = settings.contains("sign-payload")
                    ? signPayload(b + "sign-payload", endpoint)
                    : signPayload(S3_SIGN_PAYLOAD, endpoint);
            return new StoreConfig(
                    StoreKind.S3,
                    endpoint,
                    pair[0],
                    pair[1],
                    region,
                    pathStyle,
                    signature,
                    signPayload,
                    Map.of(),
                    prefix + identityKey + "/credential");
        }

        Optional<StoreConfig> gs() {
            Optional<String> credential = get(GS_CREDENTIAL);
            if (credential.isEmpty()) {
                if (get(GS_IDENTITY).isPresent()) {
                    throw invalid(GS_CREDENTIAL, "must be set when " + prefix + GS_IDENTITY + " is set");
                }
                requireCredentialsIfAnySet(StoreKind.GS, GS_CREDENTIAL, GS_ENDPOINT, GS_TOKEN_ENDPOINT);
                return Optional.empty();
            }
            String[] key = googleKey(credential.get());
            String identity = get(GS_IDENTITY).orElse(key[0]);
            if (identity == null) {
                throw invalid(
                        GS_IDENTITY,
                        "must be set when " + prefix + GS_CREDENTIAL + " is a PEM private key"
                                + " (the service account's e-mail)");
            }
            Map<String, String> props = new HashMap<>();
            endpoint(GS_TOKEN_ENDPOINT, true).ifPresent(u -> {
                props.put("oauth.endpoint", u.toString());
            });
            return Optional.of(new StoreConfig(
                    StoreKind.GS,
                    endpoint(GS_ENDPOINT, true),
                    identity,
                    key[1],
                    Optional.empty(),
                    true,
                    4,
                    false,
                    props,
                    prefix + GS_CREDENTIAL));
        }

        /**
         * {e-mail or null, PEM private key} from a service-account JSON key (content or file) or a PEM
         * key. Messages never echo the value: it may be the secret itself.
         */
        private String[] googleKey(String value) {
            String content = value.strip();
            if (!content.startsWith("{") && !content.startsWith("-----BEGIN")) {
                try {
                    Path p = Path.of(content);
                    if (!Files.isRegularFile(p)) {
                        throw invalid(
                                GS_CREDENTIAL,
                                "is neither a service-account JSON key, a PEM private key, nor the"
                                        + " path of a readable file");
                    }
                    content = Files.readString(p, StandardCharsets.UTF_8).strip();
                } catch (InvalidPathException | IOException e) {
                    throw invalid(
                            GS_CREDENTIAL,
                            "is neither a service-account JSON key, a PEM private key, nor the path"
                                    + " of a readable file");
                }
            }
            if (content.startsWith("-----BEGIN")) {
                if (!content.contains("PRIVATE KEY-----")) {
                    throw invalid(GS_CREDENTIAL, "is a PEM document but not a private key");
                }
                return new String[] {null, content};
            }
            Credentials c;
            try {
                c = new GoogleCredentialsFromJson(content).get();
            } catch (RuntimeException e) {
                // Gson's message may quote the document; the document holds the private key.
                throw invalid(GS_CREDENTIAL, "is not a service-account JSON key with client_email and private_key");
            }
            if (c.identity == null
                    || c.identity.isBlank()
                    || c.identity.equals("null")
                    || c.credential == null
                    || !c.credential.contains("PRIVATE KEY-----")) {
                throw invalid(GS_CREDENTIAL, "is not a service-account JSON key with client_email and private_key");
            }
            return new String[] {c.identity, c.credential};
        }

        Optional<StoreConfig> azure() {
            Optional<String[]> pair =
                    pair(AZURE_IDENTITY, AZURE_CREDENTIAL, get(AZURE_IDENTITY), get(AZURE_CREDENTIAL));
            if (pair.isEmpty()) {
                requireCredentialsIfAnySet(StoreKind.AZURE, AZURE_IDENTITY, AZURE_ENDPOINT);
                return Optional.empty();
            }
            String account = pair.get()[0];
            if (!account.matches("[a-z0-9]{3,24}")) {
                throw invalid(
                        AZURE_IDENTITY,
                        "'" + account + "' is not a storage account name (3 to 24 lower-case letters" + " and digits)");
            }
            String key = pair.get()[1];
            boolean sas = key.contains("sig=") && key.contains("sv=");
            if (!sas) {
                try {
                    Base64.getDecoder().decode(key);
                } catch (IllegalArgumentException e) {
                    throw invalid(AZURE_CREDENTIAL, "is neither a base64 account key nor a SAS token (sv=…&sig=…)");
                }
            }
            return Optional.of(new StoreConfig(
                    StoreKind.AZURE,
                    endpoint(AZURE_ENDPOINT, true),
                    account,
                    key,
                    Optional.empty(),
                    true,
                    4,
                    false,
                    Map.of(),
                    prefix + AZURE_IDENTITY + "/credential"));
        }

        Optional<StoreConfig> swift() {
            Optional<String[]> pair =
                    pair(SWIFT_IDENTITY, SWIFT_CREDENTIAL, get(SWIFT_IDENTITY), get(SWIFT_CREDENTIAL));
            if (pair.isEmpty()) {
                requireCredentialsIfAnySet(
                        StoreKind.SWIFT,
                        SWIFT_IDENTITY,
                        SWIFT_ENDPOINT,
                        SWIFT_REGION,
                        SWIFT_KEYSTONE_VERSION,
                        SWIFT_SCOPE);
                return Optional.empty();
            }
            Optional<URI> endpoint = endpoint(SWIFT_ENDPOINT, true);
            if (endpoint.isEmpty()) {
                throw invalid(
                        SWIFT_ENDPOINT, "must be set when " + prefix + SWIFT_IDENTITY + " is set (the Keystone URL)");
            }
            Map<String, String> props = new HashMap<>();
            String version = get(SWIFT_KEYSTONE_VERSION).orElse("3");
            if (!version.equals("2") && !version.equals("3")) {
                throw invalid(SWIFT_KEYSTONE_VERSION, "'" + version + "' must be 3 or 2");
            }
            props.put("jclouds.keystone.version", version);
            get(SWIFT_SCOPE).ifPresent(s -> props.put("jclouds.keystone.scope", s));
            Optional<String> region = region(SWIFT_REGION);
            region.ifPresent(r -> props.put("jclouds.regions", r));
            return Optional.of(new StoreConfig(
                    StoreKind.SWIFT,
                    endpoint,
                    pair.get()[0],
                    pair.get()[1],
                    region,
                    true,
                    4,
                    false,
                    props,
                    prefix + SWIFT_IDENTITY + "/credential"));
        }

        Set<String> unknownKeys() {
            List<String> unknown = new ArrayList<>();
            for (String key : config.keys()) {
                if (!known.contains(key)) {
                    unknown.add(prefix + key);
                }
            }
            return Set.copyOf(unknown);
        }
    }
}
