package dev.ergon.helmtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.util.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart in {@code helm/ergon}: {@code helm lint --strict} and {@code helm template} for every
 * {@code ci/*-values.yaml}, the output loaded as typed objects with client-java's {@code Yaml.loadAll}
 * (an unknown field or a wrong type fails), then the security properties checked.
 */
class ChartTest {
    static final Path CHART = Path.of(System.getProperty("ergon.helm.chart", "../../helm/ergon"))
            .toAbsolutePath()
            .normalize();
    static final String RELEASE = "rel";
    static final String NAMESPACE = "ergon";

    /** The executor's rules, exactly: {@code apiGroup/resource: verbs}. */
    static final Set<String> BASE_RULES = Set.of(
            "batch/jobs: create,delete,get,list,watch",
            "/pods: get,list,watch",
            "/pods/log: get",
            "/events: get,list,watch");

    static final String KUEUE_RULE = "kueue.x-k8s.io/workloads: get,list,watch";

    /** Strategy job-per-phase creates, reads (after a restart) and deletes one claim per task. */
    static final String CLAIM_RULE = "/persistentvolumeclaims: create,delete,get";

    private static final Map<Path, List<Object>> RENDERED = new ConcurrentHashMap<>();

    static Stream<Path> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
            List<Path> list = files.filter(f -> f.getFileName().toString().endsWith("-values.yaml"))
                    .sorted()
                    .toList();
            assertFalse(list.isEmpty(), "no ci/*-values.yaml in " + CHART);
            return list.stream();
        }
    }

    static List<Object> render(Path values) {
        return RENDERED.computeIfAbsent(values, v -> {
            Helm.Result r = Helm.get()
                    .exec("template", RELEASE, CHART.toString(), "--namespace", NAMESPACE, "-f", v.toString());
            assertEquals(0, r.exit(), () -> "helm template -f " + v.getFileName() + " failed:\n" + r.output());
            try {
                List<Object> objects = new ArrayList<>(Yaml.loadAll(r.output()));
                objects.removeIf(Objects::isNull);
                return objects;
            } catch (IOException | RuntimeException e) {
                throw new AssertionError(
                        "rendered " + v.getFileName() + " is not valid Kubernetes YAML: " + e + "\n" + r.output(), e);
            }
        });
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> values(Path values) throws IOException {
        Object loaded = new org.yaml.snakeyaml.Yaml().load(Files.readString(values));
        return loaded instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static String value(Map<String, Object> values, String dotted) {
        Object node = values;
        for (String part : dotted.split("\\.")) {
            if (!(node instanceof Map<?, ?> m)) {
                return "";
            }
            node = ((Map<String, Object>) m).get(part);
        }
        return node == null ? "" : node.toString();
    }

    static <T> List<T> all(List<Object> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T> T one(List<Object> objects, Class<T> type) {
        List<T> found = all(objects, type);
        assertEquals(1, found.size(), () -> "expected one " + type.getSimpleName() + ", found " + found.size());
        return found.getFirst();
    }

    static boolean empty(List<?> list) {
        return list == null || list.isEmpty();
    }

    static Set<String> rules(V1Role role) {
        Set<String> out = new TreeSet<>();
        for (V1PolicyRule rule : role.getRules()) {
            assertTrue(empty(rule.getResourceNames()), "resourceNames not expected");
            assertTrue(empty(rule.getNonResourceURLs()), "nonResourceURLs not expected");
            String verbs = rule.getVerbs().stream().sorted().collect(Collectors.joining(","));
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    assertTrue(out.add(group + "/" + resource + ": " + verbs), "duplicate rule " + resource);
                }
            }
        }
        return out;
    }

    @Test
    void helmIsPinned() {
        Helm.Result r = Helm.get().exec("version", "--short");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().startsWith(Helm.HELM_VERSION), r.output());
    }

    @Test
    void lintsWithDefaultValues() {
        Helm.Result r = Helm.get().exec("lint", "--strict", CHART.toString());
        assertEquals(0, r.exit(), () -> "helm lint --strict failed:\n" + r.output());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void lintsStrict(Path values) {
        Helm.Result r = Helm.get().exec("lint", "--strict", CHART.toString(), "-f", values.toString());
        assertEquals(0, r.exit(), () -> "helm lint --strict -f " + values.getFileName() + " failed:\n" + r.output());
        assertTrue(r.output().contains("0 chart(s) failed"), r.output());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void rbacIsMinimalAndNamespaced(Path valuesFile) throws IOException {
        List<Object> objects = render(valuesFile);
        Map<String, Object> values = values(valuesFile);
        assertTrue(all(objects, V1ClusterRole.class).isEmpty(), "no ClusterRole");
        assertTrue(all(objects, V1ClusterRoleBinding.class).isEmpty(), "no ClusterRoleBinding");

        String tasksNamespace =
                value(values, "tasks.namespace").isEmpty() ? NAMESPACE : value(values, "tasks.namespace");
        String queue = value(values, "tasks.kueue.queueName");
        V1Role role = one(objects, V1Role.class);
        assertEquals(tasksNamespace, role.getMetadata().getNamespace());
        Set<String> expected = new TreeSet<>(BASE_RULES);
        if (!queue.isEmpty()) {
            expected.add(KUEUE_RULE);
        }
        boolean phased = value(values, "tasks.strategy").equals("job-per-phase");
        if (phased) {
            expected.add(CLAIM_RULE);
        }
        Set<String> actual = rules(role);
        assertEquals(expected, actual, "Role rules");
        assertTrue(actual.stream().noneMatch(r -> r.contains("secrets")), "no access to secrets");
        assertEquals(!queue.isEmpty(), actual.stream().anyMatch(r -> r.startsWith("kueue.x-k8s.io/")));

        V1RoleBinding binding = one(objects, V1RoleBinding.class);
        assertEquals(tasksNamespace, binding.getMetadata().getNamespace());
        assertEquals("Role", binding.getRoleRef().getKind());
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        V1Deployment deployment = one(objects, V1Deployment.class);
        String serverAccount = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
        assertEquals(1, binding.getSubjects().size());
        assertEquals("ServiceAccount", binding.getSubjects().getFirst().getKind());
        assertEquals(serverAccount, binding.getSubjects().getFirst().getName());
        assertEquals(NAMESPACE, binding.getSubjects().getFirst().getNamespace());

        V1ConfigMap config = one(objects, V1ConfigMap.class);
        assertEquals(
                queue.isEmpty() ? null : queue, config.getData().get("ERGON_EXECUTOR_KUBERNETES_KUEUE_QUEUE_NAME"));
        assertEquals(tasksNamespace, config.getData().get("ERGON_EXECUTOR_KUBERNETES_NAMESPACE"));
        assertEquals(phased ? "job-per-phase" : "one-job", config.getData().get("ERGON_EXECUTOR_KUBERNETES_STRATEGY"));
        if (phased) {
            assertEquals("pvc", config.getData().get("ERGON_EXECUTOR_KUBERNETES_STORAGE"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void redisOnlyThroughASecretReferenceAlsoForThePhaseJobs(Path valuesFile) throws IOException {
        List<Object> objects = render(valuesFile);
        Map<String, Object> values = values(valuesFile);
        V1ConfigMap config = one(objects, V1ConfigMap.class);
        Map<String, String> data = config.getData();
        boolean redis = value(values, "events.type").equals("redis");
        assertEquals(redis ? "redis" : "postgres", data.get("ERGON_EVENTS"));
        V1Container server = one(objects, V1Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
        V1EnvVar url = Objects.requireNonNullElse(server.getEnv(), List.<V1EnvVar>of()).stream()
                .filter(e -> e.getName().equals("ERGON_EVENTS_REDIS_URL"))
                .findFirst()
                .orElse(null);
        String secret = value(values, "events.redis.existingSecret");
        String phaseRef = data.get("ERGON_EXECUTOR_KUBERNETES_PHASE_EVENTS_REDIS_URL_SECRET");
        if (redis && !secret.isEmpty()) {
            String key = value(values, "events.redis.urlKey").isEmpty() ? "url" : value(values, "events.redis.urlKey");
            assertNull(url.getValue(), "the Redis URL may hold a password: never inline");
            assertEquals(secret, url.getValueFrom().getSecretKeyRef().getName());
            assertEquals(key, url.getValueFrom().getSecretKeyRef().getKey());
            assertNull(data.get("ERGON_EVENTS_REDIS_URL"));
            if (value(values, "tasks.strategy").equals("job-per-phase")) {
                assertEquals(secret + "/" + key, phaseRef, "the phase Jobs reference the same Secret");
                assertEquals(
                        data.get("ERGON_EVENTS_REDIS_CHANNEL"),
                        data.get("ERGON_EXECUTOR_KUBERNETES_PHASE_EVENTS_REDIS_CHANNEL"),
                        "the filers publish on the server's channel");
            }
        } else {
            assertNull(url);
            assertNull(phaseRef);
        }
        if (!redis) {
            assertTrue(
                    data.keySet().stream().noneMatch(k -> k.contains("REDIS")),
                    data.keySet().toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void serviceAccounts(Path valuesFile) throws IOException {
        List<Object> objects = render(valuesFile);
        Map<String, Object> values = values(valuesFile);
        V1ConfigMap config = one(objects, V1ConfigMap.class);
        String tasksAccount = config.getData().get("ERGON_EXECUTOR_KUBERNETES_SERVICE_ACCOUNT");
        List<V1ServiceAccount> accounts = all(objects, V1ServiceAccount.class);
        V1Deployment deployment = one(objects, V1Deployment.class);
        String serverAccount = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
        assertNotNull(serverAccount);
        assertNotEquals(serverAccount, tasksAccount, "task pods must not run as the server's account");
        boolean tasksCreated = !"false".equals(value(values, "tasks.serviceAccount.create"));
        List<V1ServiceAccount> tasks = accounts.stream()
                .filter(a -> a.getMetadata().getName().equals(tasksAccount))
                .toList();
        if (tasksCreated) {
            assertEquals(1, tasks.size(), "tasks ServiceAccount " + tasksAccount);
            assertEquals(
                    Boolean.FALSE, tasks.getFirst().getAutomountServiceAccountToken(), "tasks SA token not mounted");
        } else {
            assertTrue(tasks.isEmpty());
        }
        boolean serverCreated = !"false".equals(value(values, "serviceAccount.create"));
        assertEquals(
                serverCreated ? 1 : 0,
                accounts.stream()
                        .filter(a -> a.getMetadata().getName().equals(serverAccount))
                        .count());
        assertEquals(accounts.size(), (serverCreated ? 1 : 0) + (tasksCreated ? 1 : 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void secretsOnlyThroughSecretKeyRef(Path valuesFile) throws IOException {
        List<Object> objects = render(valuesFile);
        Map<String, Object> values = values(valuesFile);
        V1Deployment deployment = one(objects, V1Deployment.class);
        V1PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        for (V1Volume volume : Objects.requireNonNullElse(pod.getVolumes(), List.<V1Volume>of())) {
            assertNull(volume.getSecret(), "secret volume " + volume.getName());
            assertNull(volume.getProjected(), "projected volume " + volume.getName());
        }
        V1Container container = pod.getContainers().getFirst();
        for (V1EnvFromSource from : Objects.requireNonNullElse(container.getEnvFrom(), List.<V1EnvFromSource>of())) {
            assertNull(from.getSecretRef(), "envFrom secretRef");
        }
        Map<String, V1EnvVar> env = Objects.requireNonNullElse(container.getEnv(), List.<V1EnvVar>of()).stream()
                .collect(Collectors.toMap(V1EnvVar::getName, e -> e));
        for (V1EnvVar e : env.values()) {
            if (e.getName().matches(".*(PASSWORD|CREDENTIAL|SECRET|TOKEN|IDENTITY|USER).*")) {
                assertNull(e.getValue(), e.getName() + " must not be inline");
                assertNotNull(e.getValueFrom().getSecretKeyRef(), e.getName() + " must be a secretKeyRef");
            }
        }
        V1ConfigMap config = one(objects, V1ConfigMap.class);
        assertTrue(
                config.getData().keySet().stream().noneMatch(k -> k.matches(".*(PASSWORD|CREDENTIAL|_USER)$")),
                "no credentials in the ConfigMap: " + config.getData().keySet());

        String url = value(values, "database.url");
        if (url.isEmpty()) {
            assertFalse(env.containsKey("ERGON_DB_PASSWORD"));
            assertNull(config.getData().get("ERGON_DB_URL"));
        } else {
            assertEquals(url, config.getData().get("ERGON_DB_URL"));
            String secret = value(values, "database.existingSecret");
            String passwordKey = value(values, "database.passwordKey").isEmpty()
                    ? "password"
                    : value(values, "database.passwordKey");
            var ref = env.get("ERGON_DB_PASSWORD").getValueFrom().getSecretKeyRef();
            assertEquals(secret, ref.getName());
            assertEquals(passwordKey, ref.getKey());
            assertEquals(
                    secret,
                    env.get("ERGON_DB_USER").getValueFrom().getSecretKeyRef().getName());
        }
        String store = value(values, "objectStore.existingSecret");
        assertEquals(!store.isEmpty(), env.containsKey("ERGON_FILER_JCLOUDS_S3_CREDENTIAL"));
        if (!store.isEmpty()) {
            assertEquals(
                    store,
                    env.get("ERGON_FILER_JCLOUDS_S3_CREDENTIAL")
                            .getValueFrom()
                            .getSecretKeyRef()
                            .getName());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void podsRunAsNonRootWithoutCapabilities(Path valuesFile) {
        List<Object> objects = render(valuesFile);
        V1Deployment deployment = one(objects, V1Deployment.class);
        V1PodSpec server = deployment.getSpec().getTemplate().getSpec();
        checkPod("deployment", server);
        V1Container ergon = server.getContainers().getFirst();
        assertEquals(Boolean.TRUE, ergon.getSecurityContext().getReadOnlyRootFilesystem());
        Set<String> emptyDirs = server.getVolumes().stream()
                .filter(v -> v.getEmptyDir() != null)
                .map(V1Volume::getName)
                .collect(Collectors.toSet());
        Map<String, String> mounts = ergon.getVolumeMounts().stream()
                .collect(Collectors.toMap(V1VolumeMount::getMountPath, V1VolumeMount::getName));
        V1ConfigMap config = one(objects, V1ConfigMap.class);
        for (String path : List.of("/tmp", config.getData().get("ERGON_DATA_DIR"))) {
            assertTrue(emptyDirs.contains(mounts.get(path)), path + " must be a writable emptyDir");
        }
        for (V1Pod pod : all(objects, V1Pod.class)) {
            checkPod("pod " + pod.getMetadata().getName(), pod.getSpec());
        }
    }

    static void checkPod(String what, V1PodSpec spec) {
        V1PodSecurityContext podContext = spec.getSecurityContext();
        List<V1Container> containers = new ArrayList<>(spec.getContainers());
        containers.addAll(Objects.requireNonNullElse(spec.getInitContainers(), List.of()));
        for (V1Container c : containers) {
            V1SecurityContext sc = c.getSecurityContext();
            assertNotNull(sc, what + "/" + c.getName() + ": securityContext");
            boolean nonRoot = Boolean.TRUE.equals(sc.getRunAsNonRoot())
                    || (sc.getRunAsNonRoot() == null
                            && podContext != null
                            && Boolean.TRUE.equals(podContext.getRunAsNonRoot()));
            assertTrue(nonRoot, what + "/" + c.getName() + ": runAsNonRoot");
            Long uid = sc.getRunAsUser() != null
                    ? sc.getRunAsUser()
                    : podContext == null ? null : podContext.getRunAsUser();
            assertTrue(uid == null || uid != 0, what + "/" + c.getName() + ": runAsUser 0");
            assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), what + "/" + c.getName());
            assertNull(sc.getPrivileged(), what + "/" + c.getName() + ": privileged");
            assertNotNull(sc.getCapabilities(), what + "/" + c.getName() + ": capabilities");
            assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), what + "/" + c.getName() + ": drop ALL");
            assertTrue(empty(sc.getCapabilities().getAdd()), what + "/" + c.getName() + ": no added capabilities");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void serverDeployment(Path valuesFile) {
        List<Object> objects = render(valuesFile);
        V1Deployment deployment = one(objects, V1Deployment.class);
        V1ConfigMap config = one(objects, V1ConfigMap.class);
        var template = deployment.getSpec().getTemplate();
        assertTrue(
                template.getMetadata().getAnnotations().get("checksum/config").matches("[0-9a-f]{64}"),
                "checksum/config annotation");
        V1Container ergon = template.getSpec().getContainers().getFirst();
        List<String> command = new ArrayList<>(ergon.getCommand());
        command.addAll(ergon.getArgs());
        assertEquals(List.of("java", "-jar", "/app/ergon-server.jar"), command);
        assertEquals("0.0.0.0", config.getData().get("SERVER_HOST"));
        assertEquals("kubernetes", config.getData().get("ERGON_EXECUTOR"));
        int port = Integer.parseInt(config.getData().get("SERVER_PORT"));
        assertEquals(port, ergon.getPorts().getFirst().getContainerPort());
        assertEquals("/health/ready", ergon.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/health/live", ergon.getLivenessProbe().getHttpGet().getPath());
        assertEquals(
                config.getMetadata().getName(),
                ergon.getEnvFrom().getFirst().getConfigMapRef().getName());
        for (String key : config.getData().keySet()) {
            assertTrue(key.matches("[A-Z0-9_]+"), "environment variable name " + key);
        }
        V1Service service = one(objects, V1Service.class);
        assertEquals(port, service.getSpec().getPorts().getFirst().getPort());
        assertEquals(
                deployment.getSpec().getSelector().getMatchLabels(),
                service.getSpec().getSelector());
        V1Pod test = one(objects, V1Pod.class);
        assertEquals("test", test.getMetadata().getAnnotations().get("helm.sh/hook"));
        assertTrue(test.getSpec()
                .getContainers()
                .getFirst()
                .getArgs()
                .getFirst()
                .contains(service.getMetadata().getName() + ":" + port + "/ga4gh/tes/v1/service-info"));
    }

    @Test
    void ingressOnlyWhenEnabled() {
        Path ci = CHART.resolve("ci");
        assertTrue(
                all(render(ci.resolve("default-values.yaml")), V1Ingress.class).isEmpty());
        V1Ingress ingress = one(render(ci.resolve("postgres-values.yaml")), V1Ingress.class);
        assertEquals("tes.example.org", ingress.getSpec().getRules().getFirst().getHost());
        assertEquals(
                "tes-example-org-tls", ingress.getSpec().getTls().getFirst().getSecretName());
    }

    @Test
    void configChangeChangesTheChecksum() {
        Helm.Result a = Helm.get().exec("template", RELEASE, CHART.toString(), "-s", "templates/deployment.yaml");
        Helm.Result b = Helm.get()
                .exec(
                        "template",
                        RELEASE,
                        CHART.toString(),
                        "-s",
                        "templates/deployment.yaml",
                        "--set",
                        "config.ergon\\.controller\\.max-active=7");
        assertEquals(0, a.exit(), a.output());
        assertEquals(0, b.exit(), b.output());
        assertNotEquals(checksum(a.output()), checksum(b.output()));
    }

    static String checksum(String manifest) {
        return manifest.lines()
                .filter(l -> l.contains("checksum/config:"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void refusesInlineOrMissingCredentials() {
        Helm.Result noSecret = Helm.get()
                .exec("template", RELEASE, CHART.toString(), "--set", "database.url=jdbc:postgresql://db/ergon");
        assertNotEquals(0, noSecret.exit());
        assertTrue(noSecret.output().contains("database.existingSecret is required"), noSecret.output());
        Helm.Result inline =
                Helm.get().exec("template", RELEASE, CHART.toString(), "--set", "database.password=hunter2");
        assertNotEquals(0, inline.exit());
        assertTrue(inline.output().contains("'password' not allowed"), inline.output());
        Helm.Result orphanPriority =
                Helm.get().exec("template", RELEASE, CHART.toString(), "--set", "tasks.kueue.priorityClass=high");
        assertNotEquals(0, orphanPriority.exit());
        assertTrue(orphanPriority.output().contains("needs tasks.kueue.queueName"), orphanPriority.output());
        Helm.Result redisWithout = Helm.get().exec("template", RELEASE, CHART.toString(), "--set", "events.type=redis");
        assertNotEquals(0, redisWithout.exit());
        assertTrue(redisWithout.output().contains("events.redis.existingSecret"), redisWithout.output());
        Helm.Result redisPassword = Helm.get()
                .exec(
                        "template",
                        RELEASE,
                        CHART.toString(),
                        "--set",
                        "events.type=redis",
                        "--set",
                        "events.redis.url=redis://:hunter2@redis:6379");
        assertNotEquals(0, redisPassword.exit());
        assertFalse(redisPassword.output().contains("ERGON_EVENTS_REDIS_URL"), redisPassword.output());
    }
}
