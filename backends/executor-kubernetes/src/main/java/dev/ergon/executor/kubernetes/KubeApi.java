package dev.ergon.executor.kubernetes;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    private static final Logger LOG = System.getLogger(KubeApi.class.getName());

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
        return create(batch.createNamespacedJob(namespace, job).buildCall(null), job, V1Job.class);
    }

    /** Creates {@code claim}, the same way as {@link #createJob}. */
    V1PersistentVolumeClaim createClaim(V1PersistentVolumeClaim claim) throws ApiException {
        return create(
                core.createNamespacedPersistentVolumeClaim(namespace, claim).buildCall(null),
                claim,
                V1PersistentVolumeClaim.class);
    }

    private <T> T create(okhttp3.Call typed, Object body, Class<T> type) throws ApiException {
        okhttp3.Request request = typed.request()
                .newBuilder()
                .post(okhttp3.RequestBody.create(JobManifest.json(body), okhttp3.MediaType.get("application/json")))
                .build();
        return client.<T>execute(client.getHttpClient().newCall(request), type).getData();
    }

    /**
     * Lists one Job: a missing permission is reported at start-up (as the backend's {@code
     * unavailableReason}), not as the first task's puzzling failure.
     */
    Optional<String> probe() {
        try {
            batch.listNamespacedJob(namespace)
                    .labelSelector(JobNames.SELECTOR)
                    .limit(1)
                    .execute();
            return Optional.empty();
        } catch (ApiException e) {
            if (e.getCode() == 401 || e.getCode() == 403) {
                return Optional.of("the Kubernetes API refuses to list Jobs in namespace '" + namespace + "' ("
                        + describe(e) + "); give Ergon's service account the Role in the"
                        + " executor-kubernetes README");
            }
            // Not reachable right now: a transient condition, reported per call instead.
            LOG.log(Level.WARNING, "Kubernetes API at {0} not usable yet: {1}", server(), describe(e));
            return Optional.empty();
        }
    }

    /**
     * Creates {@code job} of task {@code taskId}, or adopts the Job of that name when it exists
     * already (answered 409) and belongs to the same task.
     *
     * @throws ErgonException INVALID_INPUT when the API server rejects the Job (422/400); CONFLICT
     *     when the name is taken by another task's Job; BACKEND_UNAVAILABLE otherwise
     */
    V1Job createOrAdopt(V1Job job, String taskId) {
        String name = job.getMetadata().getName();
        try {
            return call("create Job " + name, () -> createJob(job));
        } catch (ApiException e) {
            if (e.getCode() == 409) {
                return adopt(
                        "Job " + name,
                        taskId,
                        () -> batch.readNamespacedJob(name, namespace).execute(),
                        V1Job::getMetadata);
            }
            throw createFailed("Job " + name, e);
        }
    }

    /**
     * An object as created, or as found.
     *
     * @param adopted whether it existed already (the create was answered 409)
     */
    record Created<T>(T object, boolean adopted) {}

    /** Creates {@code claim} of task {@code taskId}, or adopts it, as {@link #createOrAdopt(V1Job, String)}. */
    Created<V1PersistentVolumeClaim> createOrAdopt(V1PersistentVolumeClaim claim, String taskId) {
        String name = claim.getMetadata().getName();
        try {
            return new Created<>(call("create PersistentVolumeClaim " + name, () -> createClaim(claim)), false);
        } catch (ApiException e) {
            if (e.getCode() == 409) {
                return new Created<>(
                        adopt(
                                "PersistentVolumeClaim " + name,
                                taskId,
                                () -> core.readNamespacedPersistentVolumeClaim(name, namespace)
                                        .execute(),
                                V1PersistentVolumeClaim::getMetadata),
                        true);
            }
            throw createFailed("PersistentVolumeClaim " + name, e);
        }
    }

    private ErgonException createFailed(String what, ApiException e) {
        if (e.getCode() == 422 || e.getCode() == 400) {
            return new ErgonException(
                    ErrorKind.INVALID_INPUT,
                    "executors",
                    "executors: the Kubernetes API rejected the task's " + what + ": " + describe(e),
                    e);
        }
        return new ErgonException(
                ErrorKind.BACKEND_UNAVAILABLE,
                "Kubernetes API: create " + what + " in namespace '" + namespace + "' failed: " + describe(e),
                e);
    }

    /** The object already exists: it is this task's (submitted before) unless it carries another task id. */
    private <T> T adopt(String what, String taskId, Call<T> read, java.util.function.Function<T, V1ObjectMeta> meta) {
        try {
            T existing = call("read " + what, read);
            String owner = ClusterView.taskIdOf(meta.apply(existing)).orElse(null);
            if (!taskId.equals(owner)) {
                throw new ErgonException(
                        ErrorKind.CONFLICT,
                        what + " in namespace '" + namespace + "' exists but belongs to "
                                + (owner == null ? "no Ergon task" : "task " + owner));
            }
            return existing;
        } catch (ApiException e) {
            throw new ErgonException(
                    ErrorKind.BACKEND_UNAVAILABLE,
                    "Kubernetes API: " + what + " exists but cannot be read (" + describe(e) + "); try again",
                    e);
        }
    }

    /**
     * Deletes Job {@code name} with {@code propagation} ({@code Foreground} or {@code Background});
     * one that is gone already is fine.
     *
     * @throws ErgonException BACKEND_UNAVAILABLE when the API server cannot be reached (after retries)
     */
    void deleteJob(String name, String propagation) {
        delete("Job " + name, () -> batch.deleteNamespacedJob(name, namespace)
                .propagationPolicy(propagation)
                .execute());
    }

    /** Deletes PersistentVolumeClaim {@code name}, as {@link #deleteJob}. */
    void deleteClaim(String name) {
        delete("PersistentVolumeClaim " + name, () -> core.deleteNamespacedPersistentVolumeClaim(name, namespace)
                .execute());
    }

    private void delete(String what, Call<?> call) {
        try {
            call("delete " + what, call);
        } catch (ApiException e) {
            if (e.getCode() != 404) {
                throw new ErgonException(
                        ErrorKind.BACKEND_UNAVAILABLE, "Kubernetes API: delete " + what + " failed: " + describe(e), e);
            }
        }
    }

    /** Releases both clients' threads and connections. */
    void close() {
        for (ApiClient c : List.of(client, watchClient)) {
            c.getHttpClient().dispatcher().executorService().shutdown();
            c.getHttpClient().connectionPool().evictAll();
        }
    }

    String namespace() {
        return requireNonNull(namespace);
    }

    String server() {
        return client.getBasePath();
    }
}
