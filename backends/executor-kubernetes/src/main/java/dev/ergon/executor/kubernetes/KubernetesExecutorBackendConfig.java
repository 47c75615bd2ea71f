package dev.ergon.executor.kubernetes;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ConfigProperty.Type;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.ProviderConfig;
import io.kubernetes.client.custom.Quantity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes executor's settings, read from {@code ergon.executor.kubernetes.*}. See {@link
 * #properties()} (and the module's README) for what each key does.
 */
record KubernetesExecutorBackendConfig(
        String namespace,
        Optional<Path> kubeconfig,
        Optional<String> apiUrl,
        String filerImage,
        List<String> filerCommand,
        Optional<String> filerEnvSecret,
        String filerCpu,
        String filerMemory,
        Optional<String> serviceAccount,
        Optional<Duration> activeDeadline,
        Optional<Duration> ttlAfterFinished,
        Duration terminationGracePeriod,
        Storage storage,
        Optional<String> storageClass,
        Optional<String> defaultCpu,
        Optional<String> defaultMemory,
        String defaultDisk,
        Optional<String> kueueQueueName,
        Optional<String> kueuePriorityClass,
        Map<String, String> preemptibleNodeSelector,
        String zoneLabel,
        List<String> backendParametersAllowed,
        String gpuResource,
        String gpuTypeLabel,
        boolean watch,
        Duration pollInterval,
        LogStreams logStreams,
        int logTailBytes,
        Duration imagePullGrace,
        int apiRetries,
        Duration apiRetryBackoff,
        Duration apiTimeout,
        Strategy strategy,
        boolean phaseEvents,
        PhaseEventsRedis phaseEventsRedis) {

    /**
     * How the filer containers of phase Jobs reach Redis to publish their phase events: the URL
     * inline (no password allowed) or from a Secret's key (secretKeyRef), and the channel. Empty
     * when none is set: the containers then publish only if {@code filer-env-secret} configures a
     * bus.
     */
    record PhaseEventsRedis(
            Optional<String> url, Optional<String> secretName, Optional<String> secretKey, Optional<String> channel) {
        static final PhaseEventsRedis NONE =
                new PhaseEventsRedis(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        PhaseEventsRedis {
            requireNonNull(url, "url is null");
            requireNonNull(secretName, "secretName is null");
            requireNonNull(secretKey, "secretKey is null");
            requireNonNull(channel, "channel is null");
        }

        /** Whether the containers are told to publish on Redis. */
        boolean configured() {
            return url.isPresent() || secretName.isPresent();
        }
    }

    /** How a task maps onto Jobs. */
    enum Strategy {
        /** One Job, one Pod per task: stage-in and the executors as init containers, stage-out as main container. */
        ONE_JOB("one-job"),
        /** Stage-in, each executor and stage-out as their own Jobs on one PVC, sequenced by the backend. */
        JOB_PER_PHASE("job-per-phase");

        final String key;

        Strategy(String key) {
            this.key = key;
        }
    }

    /** Where the task's shared volume lives. */
    enum Storage {
        /** An emptyDir on the node, sized by {@code disk_gb} (sizeLimit). */
        EMPTY_DIR,
        /** A generic ephemeral volume: a PVC created with the Pod and deleted with it. */
        PVC
    }

    /** How executors' stdout and stderr tails are read from the Pod logs. */
    enum LogStreams {
        /** One read per executor; Kubernetes interleaves both streams, and all of it is reported as stdout. */
        COMBINED,
        /** Two reads per executor ({@code stream=Stdout|Stderr}); needs the PodLogsQuerySplitStreams feature gate. */
        SPLIT
    }

    static final String NAMESPACE = "namespace";
    static final String KUBECONFIG = "kubeconfig";
    static final String API_URL = "api-url";
    static final String FILER_IMAGE = "filer-image";
    static final String FILER_COMMAND = "filer-command";
    static final String FILER_ENV_SECRET = "filer-env-secret";
    static final String FILER_CPU = "filer-cpu";
    static final String FILER_MEMORY = "filer-memory";
    static final String SERVICE_ACCOUNT = "service-account";
    static final String ACTIVE_DEADLINE = "active-deadline";
    static final String TTL_AFTER_FINISHED = "ttl-after-finished";
    static final String TERMINATION_GRACE_PERIOD = "termination-grace-period";
    static final String STORAGE = "storage";
    static final String STORAGE_CLASS = "storage-class";
    static final String DEFAULT_CPU = "default-cpu";
    static final String DEFAULT_MEMORY = "default-memory";
    static final String DEFAULT_DISK = "default-disk";
    static final String KUEUE_QUEUE_NAME = "kueue.queue-name";
    static final String KUEUE_PRIORITY_CLASS = "kueue.priority-class";
    static final String PREEMPTIBLE_NODE_SELECTOR = "preemptible-node-selector";
    static final String ZONE_LABEL = "zone-label";
    static final String BACKEND_PARAMETERS_ALLOWED = "backend-parameters.allowed";
    static final String GPU_RESOURCE = "gpu-resource";
    static final String GPU_TYPE_LABEL = "gpu-type-label";
    static final String WATCH = "watch";
    static final String POLL_INTERVAL = "poll-interval";
    static final String LOG_STREAMS = "log-streams";
    static final String LOG_TAIL_BYTES = "log-tail-bytes";
    static final String IMAGE_PULL_GRACE = "image-pull-grace";
    static final String API_RETRIES = "api-retries";
    static final String API_RETRY_BACKOFF = "api-retry-backoff";
    static final String API_TIMEOUT = "api-timeout";
    static final String STRATEGY = "strategy";
    static final String PHASE_EVENTS = "phase-events";
    static final String PHASE_EVENTS_REDIS_URL = "phase-events.redis-url";
    static final String PHASE_EVENTS_REDIS_URL_SECRET = "phase-events.redis-url-secret";
    static final String PHASE_EVENTS_REDIS_CHANNEL = "phase-events.redis-channel";

    KubernetesExecutorBackendConfig {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(kubeconfig, "kubeconfig is null");
        requireNonNull(apiUrl, "apiUrl is null");
        requireNonNull(filerImage, "filerImage is null");
        filerCommand = List.copyOf(requireNonNull(filerCommand, "filerCommand is null"));
        requireNonNull(filerEnvSecret, "filerEnvSecret is null");
        requireNonNull(storage, "storage is null");
        preemptibleNodeSelector = Map.copyOf(preemptibleNodeSelector);
        backendParametersAllowed = List.copyOf(backendParametersAllowed);
        requireNonNull(logStreams, "logStreams is null");
        requireNonNull(strategy, "strategy is null");
        requireNonNull(phaseEventsRedis, "phaseEventsRedis is null");
    }

    /** The keys, for {@link KubernetesExecutorBackendProvider#configProperties()}. */
    static List<ConfigProperty> properties() {
        return List.of(
                ConfigProperty.optional(
                        NAMESPACE,
                        Type.STRING,
                        null,
                        "Namespace the task Jobs run in (default: Ergon's own namespace in a cluster, else 'default')."),
                ConfigProperty.optional(
                        KUBECONFIG,
                        Type.PATH,
                        null,
                        "A kubeconfig file to use (default: $KUBECONFIG, else ~/.kube/config, else the in-cluster"
                                + " service account)."),
                ConfigProperty.optional(
                        API_URL,
                        Type.STRING,
                        null,
                        "The API server URL, without credentials (for tests and local proxies such as 'kubectl proxy')."),
                ConfigProperty.required(
                        FILER_IMAGE,
                        Type.STRING,
                        "Ergon's own image, run as the stage-in and stage-out containers (filer role)."),
                ConfigProperty.optional(
                        FILER_COMMAND,
                        Type.LIST,
                        null,
                        "The filer containers' command (default: the image's entrypoint); '--role stage-in|stage-out'"
                                + " is passed as arguments."),
                ConfigProperty.optional(
                        FILER_ENV_SECRET,
                        Type.STRING,
                        null,
                        "A Secret whose keys become environment variables of the filer containers (store credentials)."),
                ConfigProperty.optional(FILER_CPU, Type.STRING, "250m", "CPU request of the filer containers."),
                ConfigProperty.optional(
                        FILER_MEMORY, Type.STRING, "512Mi", "Memory request and limit of the filer containers."),
                ConfigProperty.optional(
                        SERVICE_ACCOUNT,
                        Type.STRING,
                        null,
                        "Service account of the task Pods (default: the namespace's default)."),
                ConfigProperty.optional(
                        ACTIVE_DEADLINE,
                        Type.DURATION,
                        null,
                        "Longest a task's Job may be active (activeDeadlineSeconds); then the task ends SYSTEM_ERROR."),
                ConfigProperty.optional(
                        TTL_AFTER_FINISHED,
                        Type.DURATION,
                        "24h",
                        "How long Kubernetes keeps a finished Job (ttlSecondsAfterFinished) when Ergon does not delete"
                                + " it first; 0 to disable."),
                ConfigProperty.optional(
                        TERMINATION_GRACE_PERIOD,
                        Type.DURATION,
                        "10s",
                        "Time a cancelled task's running container gets between SIGTERM and SIGKILL."),
                ConfigProperty.optional(
                        STORAGE,
                        Type.STRING,
                        "emptyDir",
                        "The task's shared volume: 'emptyDir' (on the node) or 'pvc' (a generic ephemeral volume)."),
                ConfigProperty.optional(
                        STORAGE_CLASS,
                        Type.STRING,
                        null,
                        "Storage class of the volume when storage=pvc (default: the cluster's default class)."),
                ConfigProperty.optional(
                        DEFAULT_CPU,
                        Type.STRING,
                        null,
                        "CPU request of each executor when the task sets no cpu_cores, e.g. '1' or '500m'."),
                ConfigProperty.optional(
                        DEFAULT_MEMORY,
                        Type.STRING,
                        null,
                        "Memory request and limit of each executor when the task sets no ram_gb, e.g. '2Gi'."),
                ConfigProperty.optional(
                        DEFAULT_DISK,
                        Type.STRING,
                        "10Gi",
                        "Size of the volume when storage=pvc and the task sets no disk_gb."),
                ConfigProperty.optional(
                        KUEUE_QUEUE_NAME,
                        Type.STRING,
                        null,
                        "A Kueue LocalQueue: Jobs get the kueue.x-k8s.io/queue-name label and start suspended."
                                + " Leave unset on clusters without Kueue."),
                ConfigProperty.optional(
                        KUEUE_PRIORITY_CLASS,
                        Type.STRING,
                        null,
                        "A Kueue WorkloadPriorityClass for the Jobs (only with kueue.queue-name)."),
                ConfigProperty.optional(
                        PREEMPTIBLE_NODE_SELECTOR,
                        Type.LIST,
                        null,
                        "Node labels (key=value,...) required for tasks with resources.preemptible=true."),
                ConfigProperty.optional(
                        ZONE_LABEL,
                        Type.STRING,
                        "topology.kubernetes.io/zone",
                        "Node label that resources.zones are matched against."),
                ConfigProperty.optional(
                        BACKEND_PARAMETERS_ALLOWED,
                        Type.LIST,
                        null,
                        "The backend_parameters keys honoured (e.g. node-selector.*,tolerations,runtime-class,"
                                + "gpu.count,gpu.type,service-account,priority-class,labels.*,annotations.*);"
                                + " default none."),
                ConfigProperty.optional(
                        GPU_RESOURCE,
                        Type.STRING,
                        "nvidia.com/gpu",
                        "Extended resource requested for backend_parameters gpu.count."),
                ConfigProperty.optional(
                        GPU_TYPE_LABEL,
                        Type.STRING,
                        "nvidia.com/gpu.product",
                        "Node label that backend_parameters gpu.type is matched against."),
                ConfigProperty.optional(
                        WATCH,
                        Type.BOOLEAN,
                        "true",
                        "Follow Jobs and Pods with watches (informers); false to poll with list calls every"
                                + " poll-interval."),
                ConfigProperty.optional(
                        POLL_INTERVAL, Type.DURATION, "5s", "How often Jobs and Pods are listed when watch=false."),
                ConfigProperty.optional(
                        LOG_STREAMS,
                        Type.STRING,
                        "combined",
                        "'combined': one log read per executor, reported as stdout; 'split': stdout and stderr read"
                                + " separately (needs the PodLogsQuerySplitStreams feature gate)."),
                ConfigProperty.optional(
                        LOG_TAIL_BYTES,
                        Type.INT,
                        "65536",
                        "How many of the last bytes of each executor's output are kept in the task's logs."),
                ConfigProperty.optional(
                        IMAGE_PULL_GRACE,
                        Type.DURATION,
                        "2m",
                        "How long an image may fail to pull (ErrImagePull, ImagePullBackOff) before the task ends"
                                + " SYSTEM_ERROR."),
                ConfigProperty.optional(
                        API_RETRIES,
                        Type.INT,
                        "5",
                        "Retries of an API call answered 429, 5xx or not at all, with exponential backoff."),
                ConfigProperty.optional(
                        API_RETRY_BACKOFF,
                        Type.DURATION,
                        "200ms",
                        "First wait before retrying an API call; doubled each time, at most 5s."),
                ConfigProperty.optional(
                        API_TIMEOUT, Type.DURATION, "30s", "Read timeout of API calls other than watches."),
                ConfigProperty.optional(
                        STRATEGY,
                        Type.STRING,
                        "one-job",
                        "'one-job': one Job (one Pod) per task; 'job-per-phase': stage-in, each executor and stage-out"
                                + " as their own Jobs on one PVC per task, started one after the other by Ergon."),
                ConfigProperty.optional(
                        PHASE_EVENTS,
                        Type.BOOLEAN,
                        "true",
                        "With strategy=job-per-phase: also listen on Ergon's event bus (e.g. ergon.events=redis) for"
                                + " the phase completions the filer containers publish; the Job watch works without it."),
                ConfigProperty.optional(
                        PHASE_EVENTS_REDIS_URL,
                        Type.STRING,
                        null,
                        "With strategy=job-per-phase: the Redis URL the filer containers publish their phase events on"
                                + " (env ERGON_EVENTS=redis, ERGON_EVENTS_REDIS_URL), without a password: it is"
                                + " written into the Job; a URL with a password belongs in phase-events.redis-url-secret."),
                ConfigProperty.optional(
                        PHASE_EVENTS_REDIS_URL_SECRET,
                        Type.STRING,
                        null,
                        "With strategy=job-per-phase: '<secret>/<key>', a Secret in the tasks' namespace whose key holds"
                                + " the Redis URL (with its password) for the filer containers (a secretKeyRef; Ergon never"
                                + " reads it). Wins over phase-events.redis-url."),
                ConfigProperty.optional(
                        PHASE_EVENTS_REDIS_CHANNEL,
                        Type.STRING,
                        null,
                        "The Redis channel of the phase events; must be Ergon's ergon.events.redis.channel (unset: the"
                                + " filer's default, ergon-events)."));
    }

    /** @throws ErgonException INVALID_INPUT naming the full key of a missing or bad value */
    static KubernetesExecutorBackendConfig from(ProviderConfig c) {
        String filerImage = c.require(FILER_IMAGE);
        Storage storage =
                switch (c.getString(STORAGE, "emptyDir").toLowerCase(java.util.Locale.ROOT)) {
                    case "emptydir", "empty-dir" -> Storage.EMPTY_DIR;
                    case "pvc" -> Storage.PVC;
                    default -> throw bad(c, STORAGE, "'" + c.getString(STORAGE, "") + "' must be emptyDir or pvc");
                };
        LogStreams logStreams =
                switch (c.getString(LOG_STREAMS, "combined").toLowerCase(java.util.Locale.ROOT)) {
                    case "combined" -> LogStreams.COMBINED;
                    case "split" -> LogStreams.SPLIT;
                    default ->
                        throw bad(c, LOG_STREAMS, "'" + c.getString(LOG_STREAMS, "") + "' must be combined or split");
                };
        Map<String, String> preemptible = new LinkedHashMap<>();
        for (String kv : c.getList(PREEMPTIBLE_NODE_SELECTOR)) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw bad(c, PREEMPTIBLE_NODE_SELECTOR, "'" + kv + "' must be key=value");
            }
            preemptible.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        Optional<Duration> deadline = c.get(ACTIVE_DEADLINE).map(v -> c.getDuration(ACTIVE_DEADLINE, Duration.ZERO));
        if (deadline.isPresent() && deadline.get().toSeconds() < 1) {
            throw bad(c, ACTIVE_DEADLINE, deadline.get() + " must be at least one second");
        }
        Duration ttl = c.getDuration(TTL_AFTER_FINISHED, Duration.ofHours(24));
        if (ttl.isNegative()) {
            throw bad(c, TTL_AFTER_FINISHED, ttl + " must not be negative");
        }
        Duration grace = c.getDuration(TERMINATION_GRACE_PERIOD, Duration.ofSeconds(10));
        Duration poll = c.getDuration(POLL_INTERVAL, Duration.ofSeconds(5));
        if (poll.toMillis() < 10) {
            throw bad(c, POLL_INTERVAL, poll + " must be at least 10ms");
        }
        int tail = c.getInt(LOG_TAIL_BYTES, 65536);
        if (tail < 0) {
            throw bad(c, LOG_TAIL_BYTES, tail + " must not be negative");
        }
        int retries = c.getInt(API_RETRIES, 5);
        if (retries < 0) {
            throw bad(c, API_RETRIES, retries + " must not be negative");
        }
        Strategy strategy = strategy(c);
        if (strategy == Strategy.JOB_PER_PHASE && c.get(STORAGE).isPresent() && storage != Storage.PVC) {
            throw bad(
                    c,
                    STORAGE,
                    "'" + c.getString(STORAGE, "") + "' cannot be shared by the Jobs of " + c.prefix() + STRATEGY
                            + "=job-per-phase, which always use one PersistentVolumeClaim per task; use pvc or leave it"
                            + " unset");
        }
        for (String key : List.of(FILER_CPU, FILER_MEMORY, DEFAULT_CPU, DEFAULT_MEMORY, DEFAULT_DISK)) {
            c.get(key).ifPresent(v -> quantity(c, key, v));
        }
        return new KubernetesExecutorBackendConfig(
                c.get(NAMESPACE).orElseGet(KubernetesExecutorBackendConfig::defaultNamespace),
                c.get(KUBECONFIG).map(Path::of),
                c.get(API_URL),
                filerImage,
                c.getList(FILER_COMMAND),
                c.get(FILER_ENV_SECRET),
                c.getString(FILER_CPU, "250m"),
                c.getString(FILER_MEMORY, "512Mi"),
                c.get(SERVICE_ACCOUNT),
                deadline,
                ttl.isZero() ? Optional.empty() : Optional.of(ttl),
                grace,
                strategy == Strategy.JOB_PER_PHASE ? Storage.PVC : storage,
                c.get(STORAGE_CLASS),
                c.get(DEFAULT_CPU),
                c.get(DEFAULT_MEMORY),
                c.getString(DEFAULT_DISK, "10Gi"),
                c.get(KUEUE_QUEUE_NAME),
                c.get(KUEUE_PRIORITY_CLASS),
                preemptible,
                c.getString(ZONE_LABEL, "topology.kubernetes.io/zone"),
                c.getList(BACKEND_PARAMETERS_ALLOWED),
                c.getString(GPU_RESOURCE, "nvidia.com/gpu"),
                c.getString(GPU_TYPE_LABEL, "nvidia.com/gpu.product"),
                c.getBoolean(WATCH, true),
                poll,
                logStreams,
                tail,
                c.getDuration(IMAGE_PULL_GRACE, Duration.ofMinutes(2)),
                retries,
                c.getDuration(API_RETRY_BACKOFF, Duration.ofMillis(200)),
                c.getDuration(API_TIMEOUT, Duration.ofSeconds(30)),
                strategy,
                c.getBoolean(PHASE_EVENTS, true),
                phaseEventsRedis(c));
    }

    private static PhaseEventsRedis phaseEventsRedis(ProviderConfig c) {
        Optional<String> url = c.get(PHASE_EVENTS_REDIS_URL).map(String::strip).filter(s -> !s.isEmpty());
        if (url.isPresent()) {
            java.net.URI u;
            try {
                u = new java.net.URI(url.get());
            } catch (java.net.URISyntaxException e) {
                throw bad(c, PHASE_EVENTS_REDIS_URL, "not a URL such as redis://redis:6379");
            }
            if (u.getScheme() == null || !u.getScheme().startsWith("redis")) {
                throw bad(c, PHASE_EVENTS_REDIS_URL, "must be a redis:// or rediss:// URL");
            }
            if (u.getRawUserInfo() != null) {
                // never echo the value: it may hold a password
                throw bad(
                        c,
                        PHASE_EVENTS_REDIS_URL,
                        "must not carry a user or password (it would be written into every Job); put the URL in a"
                                + " Secret and set " + c.prefix() + PHASE_EVENTS_REDIS_URL_SECRET + "=<secret>/<key>");
            }
        }
        Optional<String> secretName = Optional.empty();
        Optional<String> secretKey = Optional.empty();
        Optional<String> ref =
                c.get(PHASE_EVENTS_REDIS_URL_SECRET).map(String::strip).filter(s -> !s.isEmpty());
        if (ref.isPresent()) {
            int slash = ref.get().indexOf('/');
            if (slash <= 0 || slash == ref.get().length() - 1 || ref.get().indexOf('/', slash + 1) >= 0) {
                throw bad(c, PHASE_EVENTS_REDIS_URL_SECRET, "'" + ref.get() + "' must be <secret>/<key>");
            }
            secretName = Optional.of(ref.get().substring(0, slash));
            secretKey = Optional.of(ref.get().substring(slash + 1));
        }
        Optional<String> channel =
                c.get(PHASE_EVENTS_REDIS_CHANNEL).map(String::strip).filter(s -> !s.isEmpty());
        return new PhaseEventsRedis(secretName.isPresent() ? Optional.empty() : url, secretName, secretKey, channel);
    }

    private static Strategy strategy(ProviderConfig c) {
        String v = c.getString(STRATEGY, Strategy.ONE_JOB.key).strip();
        for (Strategy s : Strategy.values()) {
            if (s.key.equalsIgnoreCase(v)) {
                return s;
            }
        }
        List<String> valid =
                java.util.Arrays.stream(Strategy.values()).map(s -> s.key).toList();
        throw bad(c, STRATEGY, "'" + v + "' is not a strategy; valid values: " + String.join(", ", valid));
    }

    /** In a cluster, the namespace of Ergon's own service account; else {@code default}. */
    private static String defaultNamespace() {
        Path p = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
        try {
            if (Files.isReadable(p)) {
                String ns = Files.readString(p, StandardCharsets.UTF_8).strip();
                if (!ns.isEmpty()) {
                    return ns;
                }
            }
        } catch (IOException e) {
            // fall through to the default
        }
        return "default";
    }

    private static Quantity quantity(ProviderConfig c, String key, String v) {
        try {
            return Quantity.fromString(v);
        } catch (RuntimeException e) {
            throw bad(c, key, "'" + v + "' is not a Kubernetes quantity such as 500m, 2, 512Mi or 10Gi");
        }
    }

    private static ErgonException bad(ProviderConfig c, String key, String reason) {
        String full = c.prefix() + key;
        return new ErgonException(ErrorKind.INVALID_INPUT, full, full + ": " + reason, null);
    }
}
