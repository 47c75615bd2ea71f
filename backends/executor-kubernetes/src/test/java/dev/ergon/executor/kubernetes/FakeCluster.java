package dev.ergon.executor.kubernetes;

import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.ProviderConfig;
import dev.ergon.testkit.TestProviderContext;
import io.kubernetes.client.openapi.models.V1Container;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The one fake Kubernetes cluster all tests of this module share (one per JVM, started on first
 * use): the {@link FakeApiServer} and the {@link FakeKubelet} that plays control plane and node,
 * with a {@link FakeClock}. Each test class takes its own namespace ({@link #newNamespace()}) and
 * its own image names for scripted behaviours, so tests never see each other's objects.
 *
 * <p>Images: {@link #FILER_IMAGE} runs {@link FakeFiler}; an image given a {@link Behaviour} with
 * {@link #script} does that; any other image runs its command for real in a bubblewrap sandbox
 * ({@link SandboxRun}).
 *
 * <p>Public (with {@link #shared}, {@link #api}, {@link #newNamespace}, {@link #script}, {@link
 * #backend} and {@link #wake}) only so that {@code distribution/bench} drives this same fake
 * through the module's test-jar; there is no second copy.
 */
public final class FakeCluster {
    /** The filer image the backends under test are configured with. */
    public static final String FILER_IMAGE = "ergon/filer:test";

    static final String PREFIX = "ergon.executor.kubernetes.";

    private static FakeCluster shared;
    /** Held so the level sticks (JUL keeps loggers weakly): the mock logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final FakeApiServer api;
    private final FakeClock clock = new FakeClock();
    private final FakeKubelet kubelet;
    private final Path scratch;
    private final Map<String, Behaviour> scripts = new ConcurrentHashMap<>();
    private final AtomicInteger namespaces = new AtomicInteger();

    private FakeCluster() {
        try {
            scratch = Files.createTempDirectory("ergon-fake-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        api = new FakeApiServer();
        kubelet = new FakeKubelet(api, clock, this::behaviour, scratch);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kubelet.close();
            api.close();
            deleteTree(scratch);
        }));
    }

    /** The cluster of this JVM. */
    public static synchronized FakeCluster shared() {
        if (shared == null) {
            shared = new FakeCluster();
        }
        return shared;
    }

    public FakeApiServer api() {
        return api;
    }

    FakeClock clock() {
        return clock;
    }

    FakeKubelet kubelet() {
        return kubelet;
    }

    /** Makes the kubelet look now (e.g. after opening a {@link Behaviour#gate}). */
    public void wake() {
        kubelet.wake();
    }

    /** A namespace no other test uses. */
    public String newNamespace() {
        return "ns-" + namespaces.incrementAndGet();
    }

    /** Containers of image {@code image} behave as {@code b} from now on. */
    public void script(String image, Behaviour b) {
        scripts.put(image, b);
    }

    private Behaviour behaviour(V1Container c) {
        if (FILER_IMAGE.equals(c.getImage())) {
            return FakeFiler.behaviour();
        }
        Behaviour scripted = scripts.get(c.getImage());
        return scripted != null ? scripted : SandboxRun.behaviour();
    }

    /** The settings of a backend in {@code namespace} of this cluster, with {@code overrides}. */
    Map<String, String> config(String namespace, Map<String, String> overrides) {
        Map<String, String> c = new HashMap<>();
        c.put("api-url", api.url());
        c.put("namespace", namespace);
        c.put("filer-image", FILER_IMAGE);
        c.put("log-streams", "split");
        c.put("api-retry-backoff", "10ms");
        c.put("image-pull-grace", "30s");
        c.putAll(overrides);
        return c;
    }

    /** A backend in {@code namespace}, created through its provider as Ergon does. */
    public ExecutorBackend backend(String namespace, Map<String, String> overrides) {
        return backend(namespace, overrides, Map.of());
    }

    /** A backend in {@code namespace} whose host offers {@code services} (e.g. an event bus). */
    public ExecutorBackend backend(String namespace, Map<String, String> overrides, Map<Class<?>, Object> services) {
        try {
            Path data = Files.createDirectories(scratch.resolve("data").resolve(namespace));
            TestProviderContext context =
                    new TestProviderContext(ProviderConfig.of(PREFIX, config(namespace, overrides)), data, clock);
            services.forEach((type, service) -> with(context, type, service));
            return new KubernetesExecutorBackendProvider().create(context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void with(TestProviderContext context, Class<T> type, Object service) {
        context.with(type, (T) service);
    }

    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temporary folder
        }
    }

    /**
     * The API writes the backends made to the objects of a job-per-phase task in {@code namespace}:
     * its claim {@code claim} and its phase Jobs {@code claim-<i>}, in order.
     */
    List<FakeApiServer.Request> backendWritesOfTask(String namespace, String claim) {
        java.util.regex.Pattern mine =
                java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(claim) + "(-\\d+)?");
        return api.requests().stream()
                .filter(r -> r.userAgent().startsWith(KubeApi.USER_AGENT) && r.isWrite())
                .filter(r -> r.path().contains("/namespaces/" + namespace + "/"))
                .filter(r -> {
                    String last = r.path().split("\\?")[0];
                    last = last.substring(last.lastIndexOf('/') + 1);
                    return (r.name() != null && mine.matcher(r.name()).matches())
                            || mine.matcher(last).matches();
                })
                .collect(Collectors.toList());
    }

    /** The API writes (POST, PUT, PATCH, DELETE) the backends made to Job {@code job} in {@code namespace}. */
    List<FakeApiServer.Request> backendWrites(String namespace, String job) {
        return api.requests().stream()
                .filter(r -> r.userAgent().startsWith(KubeApi.USER_AGENT) && r.isWrite())
                .filter(r -> r.path().contains("/namespaces/" + namespace + "/"))
                .filter(r -> job.equals(r.name()) || r.path().split("\\?")[0].endsWith("/jobs/" + job))
                .collect(Collectors.toList());
    }
}
