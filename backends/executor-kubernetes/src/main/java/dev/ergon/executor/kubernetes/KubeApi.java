package dev.ergon.executor.kubernetes;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes API as the backend uses it: two clients of the official Java client (one for
 * ordinary calls with a read timeout, one without for watches; they share connections), and one
 * retry policy. A call answered 429 or 5xx, or not answered at all, is retried with exponential
 * backoff (honouring {@code Retry-After}) up to {@code api-retries} times; then it fails with
 * {@link ErrorKind#BACKEND_UNAVAILABLE}. Other errors are returned to the caller at once.
 * Thread-safe.
 */
final class KubeApi {
    /** How the backend introduces itself to the API server (audit logs, and the tests' request counts). */
    static final String USER_AGENT = "ergon-executor-kubernetes";

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    final ApiClient client;
    final ApiClient watchClient;
    final BatchV1Api batch;
    final CoreV1Api core;
    final String namespace;
    private final int retries;
    private final Duration backoff;

    private KubeApi(ApiClient client, ApiClient watchClient, String namespace, int retries, Duration backoff) {
        this.client = client;
        this.watchClient = watchClient;
        this.batch = new BatchV1Api(client);
        this.core = new CoreV1Api(client);
        this.namespace = namespace;
        this.retries = retries;
        this.backoff = backoff;
    }

    /**
     * Builds the clients from the config: {@code api-url}, else {@code kubeconfig}, else the
     * client's standard lookup ($KUBECONFIG, ~/.kube/config, then the in-cluster service account).
     * Does not contact the server.
     *
     * @throws ErgonException INVALID_INPUT when the kubeconfig cannot be read
     */
    static KubeApi connect(KubernetesExecutorBackendConfig config, String prefix) {
        // Two clients built the same way (credentials, TLS): one for calls, one for watches.
        ApiClient base = build(config, prefix);
        ApiClient watch = build(config, prefix);
        base.setHttpClient(base.getHttpClient()
                .newBuilder()
                .readTimeout(config.apiTimeout())
                .build());
        watch.setHttpClient(
                watch.getHttpClient().newBuilder().readTimeout(Duration.ZERO).build());
        return new KubeApi(base, watch, config.namespace(), config.apiRetries(), config.apiRetryBackoff());
    }

    private static ApiClient build(KubernetesExecutorBackendConfig config, String prefix) {
        ApiClient c;
        try {
            if (config.apiUrl().isPresent()) {
                c = new ClientBuilder()
                        .setBasePath(stripSlash(config.apiUrl().get()))
                        .build();
            } else if (config.kubeconfig().isPresent()) {
                try (Reader r = Files.newBufferedReader(config.kubeconfig().get(), StandardCharsets.UTF_8)) {
                    KubeConfig kc = KubeConfig.loadKubeConfig(r);
                    kc.setFile(config.kubeconfig().get().toFile());
                    c = ClientBuilder.kubeconfig(kc).build();
                }
            } else {
                // false: never write refreshed credentials back into the user's kubeconfig.
                c = ClientBuilder.standard(false).build();
            }
        } catch (IOException | RuntimeException e) {
            String key = prefix
                    + (config.kubeconfig().isPresent()
                            ? KubernetesExecutorBackendConfig.KUBECONFIG
                            : KubernetesExecutorBackendConfig.API_URL);
            throw new ErgonException(
                    ErrorKind.INVALID_INPUT,
                    key,
                    key + ": cannot configure the Kubernetes client: " + e.getMessage(),
                    e);
        }
        c.setUserAgent(USER_AGENT);
        return c;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** One API call. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws ApiException;
    }

    /**
     * Runs {@code call}, retrying what may succeed later.
     *
     * @param what what the call does, for the error message (e.g. "create Job ergon-…")
     * @throws ApiException an error that retrying cannot fix (404, 409, 403, 422, …)
     * @throws ErgonException BACKEND_UNAVAILABLE when retries are exhausted
     */
    <T> T call(String what, Call<T> call) throws ApiException {
        long wait = backoff.toMillis();
        for (int attempt = 0; ; attempt++) {
            try {
                return call.run();
            } catch (ApiException e) {
                if (!retryable(e)) {
                    throw e;
                }
                if (attempt >= retries) {
                    throw new ErgonException(
                            ErrorKind.BACKEND_UNAVAILABLE,
                            "Kubernetes API: " + what + " failed after " + (attempt + 1) + " attempts: " + describe(e),
                            e);
                }
                sleep(Math.min(MAX_BACKOFF.toMillis(), Math.max(wait, retryAfterMillis(e))));
                wait = Math.min(MAX_BACKOFF.toMillis(), wait * 2);
            }
        }
    }

    /** 429, 5xx, and no answer at all (code 0: connection refused, timeout). */
    static boolean retryable(ApiException e) {
        return e.getCode() == 0 || e.getCode() == 429 || e.getCode() >= 500;
    }

    /** e.g. {@code HTTP 403 Forbidden: jobs.batch is forbidden: …}, without response headers. */
    static String describe(ApiException e) {
        if (e.getCode() == 0) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            return "no answer (" + c.getClass().getSimpleName() + ": " + c.getMessage() + ")";
        }
        String body = e.getResponseBody();
        String message = statusMessage(body);
        return "HTTP " + e.getCode() + (message.isEmpty() ? "" : ": " + message);
    }

    /** The {@code message} of a Kubernetes Status body, if the body is one. */
    private static String statusMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            var o = com.google.gson.JsonParser.parseString(body);
            if (o.isJsonObject() && o.getAsJsonObject().has("message")) {
                return o.getAsJsonObject().get("message").getAsString();
            }
        } catch (RuntimeException e) {
            // not JSON
        }
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    private static long retryAfterMillis(ApiException e) {
        Map<String, List<String>> headers = e.getResponseHeaders();
        if (headers == null) {
            return 0;
        }
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey() != null
                    && h.getKey().equalsIgnoreCase("Retry-After")
                    && !h.getValue().isEmpty()) {
                try {
                    return Long.parseLong(h.getValue().get(0).trim()) * 1000;
                } catch (NumberFormatException ex) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErgonException(
                    ErrorKind.BACKEND_UNAVAILABLE, "interrupted while waiting to retry an API call", e);
        }
    }

    /**
     * Creates {@code job}, sending {@link JobManifest#json} rather than the client's own
     * serialisation (which carries empty defaults, see there).
     */
    V1Job createJob(V1Job job) throws ApiException {
        okhttp3.Call typed = batch.createNamespacedJob(namespace, job).buildCall(null);
        okhttp3.Request request = typed.request()
                .newBuilder()
                .post(okhttp3.RequestBody.create(JobManifest.json(job), okhttp3.MediaType.get("application/json")))
                .build();
        return client.<V1Job>execute(client.getHttpClient().newCall(request), V1Job.class)
                .getData();
    }

    String namespace() {
        return requireNonNull(namespace);
    }

    String server() {
        return client.getBasePath();
    }
}
