package dev.ergon.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.ProviderConfig;
import dev.ergon.spi.ResourceSpec;
import dev.ergon.spi.TaskSpec;
import dev.ergon.testkit.TestTasks;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;

/**
 * The exact Job the executor creates, pinned by golden files in {@code src/test/resources/golden/}.
 * After an intended change, rerun with {@code -Dergon.golden.update=true} and review the diff.
 */
class JobManifestTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

    static KubernetesExecutorBackendConfig config(Map<String, String> overrides) {
        Map<String, String> c = new HashMap<>();
        c.put("namespace", "ergon-tasks");
        c.put("filer-image", "ghcr.io/ergon/ergon-server:0.1.0");
        c.putAll(overrides);
        return KubernetesExecutorBackendConfig.from(ProviderConfig.of(FakeCluster.PREFIX, c));
    }

    private static V1Job build(TaskSpec spec, Map<String, String> config) {
        return JobManifest.build(spec, config(config)).job();
    }

    /** What Ergon POSTs ({@link JobManifest#json}), as YAML for reading. */
    static String yaml(Object job) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setWidth(Integer.MAX_VALUE);
        o.setSplitLines(false);
        return new org.yaml.snakeyaml.Yaml(o).dump(java(JsonParser.parseString(JobManifest.json(job))));
    }

    private static Object java(JsonElement e) {
        if (e.isJsonObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            e.getAsJsonObject().entrySet().forEach(en -> m.put(en.getKey(), java(en.getValue())));
            return m;
        }
        if (e.isJsonArray()) {
            List<Object> l = new ArrayList<>();
            e.getAsJsonArray().forEach(x -> l.add(java(x)));
            return l;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isNumber()) {
            return p.getAsBigDecimal().stripTrailingZeros().scale() <= 0 ? (Object) p.getAsLong() : p.getAsDouble();
        }
        return p.getAsString();
    }

    private static void assertGolden(String name, Object job) throws IOException {
        String yaml = yaml(job);
        Path file = GOLDEN.resolve(name + ".yaml");
        if (Boolean.getBoolean("ergon.golden.update") || !Files.exists(file)) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            if (!Boolean.getBoolean("ergon.golden.update")) {
                fail("golden file " + file + " was missing and has been written; review it and run again");
            }
        }
        assertEquals(
                Files.readString(file, StandardCharsets.UTF_8),
                yaml,
                "the manifest differs from " + file
                        + " (rerun with -Dergon.golden.update=true after an intended change, and review the diff)");
    }

    static TaskSpec simple() {
        return TestTasks.task()
                .id("golden-simple")
                .name("hello")
                .content("hello from TES\n", "/data/in.txt")
                .output("/data/out.txt", "s3://bucket/results/out.txt")
                .executor(TestTasks.executor("tr", "a-z", "A-Z").image("debian:bookworm-slim"))
                .build();
    }

    @Test
    void simpleTask() throws IOException {
        V1Job job = build(simple(), Map.of());
        assertGolden("simple", job);
        assertEquals(0, job.getSpec().getBackoffLimit());
        assertEquals("Never", job.getSpec().getTemplate().getSpec().getRestartPolicy());
        assertNull(job.getSpec().getSuspend(), "never suspended without Kueue");
        assertFalse(job.getMetadata().getLabels().containsKey(JobNames.KUEUE_QUEUE_LABEL));
        List<V1Container> init = job.getSpec().getTemplate().getSpec().getInitContainers();
        assertEquals(
                List.of("stage-in", "exec-0"),
                init.stream().map(V1Container::getName).toList());
        assertEquals(List.of("tr", "a-z", "A-Z"), init.get(1).getCommand(), "the command runs verbatim, no shell");
        assertTrue(init.get(1).getArgs() == null || init.get(1).getArgs().isEmpty());
        String json = JobManifest.json(job);
        assertFalse(
                json.contains("\"overhead\"") || json.contains("[]") || json.contains("\"args\":[]"),
                "empty defaults of the client's model classes are not sent: " + json);
        assertEquals(
                "stage-out",
                job.getSpec().getTemplate().getSpec().getContainers().get(0).getName());
    }

    @Test
    void redirectionAndIgnoreError() throws IOException {
        TaskSpec spec = TestTasks.task()
                .id("golden-redirect")
                .volume("/scratch")
                .executor(TestTasks.executor("grep", "-c", "it's")
                        .stdin("/data/in.txt")
                        .stdout("/data/count.txt")
                        .stderr("/logs/err.txt")
                        .ignoreError()
                        .workdir("/scratch/wd")
                        .env("B", "2")
                        .env("A", "1"))
                .executor(TestTasks.executor("sort")
                        .stdin("/data/in.txt")
                        .stdout("/data/sorted.txt")
                        .stderr("/data/sorted.txt"))
                .executor(TestTasks.shell("exit 1").ignoreError())
                .executor(TestTasks.executor("cat", "/data/count.txt"))
                .build();
        V1Job job = build(spec, Map.of());
        assertGolden("redirect-ignore-error", job);
        List<V1Container> init = job.getSpec().getTemplate().getSpec().getInitContainers();
        assertEquals(
                "\"$@\" < '/data/in.txt' > '/data/count.txt' 2> '/logs/err.txt'; rc=$?;"
                        + " printf '%s' \"$rc\" > /dev/termination-log; exit 0",
                init.get(1).getCommand().get(2));
        assertEquals(
                "exec \"$@\" < '/data/in.txt' > '/data/sorted.txt' 2>&1",
                init.get(2).getCommand().get(2));
        assertEquals(List.of("grep", "-c", "it's"), init.get(1).getArgs());
        assertEquals(List.of("cat", "/data/count.txt"), init.get(4).getCommand(), "no wrapper when none is needed");
        assertEquals("0,2", job.getMetadata().getAnnotations().get(JobNames.IGNORE_ERROR_ANNOTATION));
    }

    private static ResourceSpec resources(Map<String, String> params, boolean strict) {
        return new ResourceSpec(
                OptionalInt.of(2),
                true,
                OptionalDouble.of(3.5),
                OptionalDouble.of(20),
                List.of("eu-west-1a", "eu-west-1b"),
                params,
                strict);
    }

    @Test
    void resourcesPreemptibleAndZones() throws IOException {
        TaskSpec spec = TestTasks.task()
                .id("golden-resources")
                .resources(resources(Map.of(), false))
                .executor(TestTasks.executor("true"))
                .build();
        assertGolden(
                "resources",
                build(
                        spec,
                        Map.of(
                                "preemptible-node-selector", "cloud.google.com/gke-spot=true",
                                "active-deadline", "6h",
                                "service-account", "ergon-tasks")));
    }

    @Test
    void resourcesOnAnEphemeralVolumeClaim() throws IOException {
        TaskSpec spec = TestTasks.task()
                .id("golden-pvc")
                .resources(resources(Map.of(), false))
                .executor(TestTasks.executor("true"))
                .build();
        assertGolden("resources-pvc", build(spec, Map.of("storage", "pvc", "storage-class", "fast-ssd")));
    }

    @Test
    void defaultsApplyWhenTheTaskAsksForNothing() {
        V1Job job = build(simple(), Map.of("default-cpu", "500m", "default-memory", "1Gi"));
        V1Container exec =
                job.getSpec().getTemplate().getSpec().getInitContainers().get(1);
        assertEquals("500m", exec.getResources().getRequests().get("cpu").toSuffixedString());
        assertEquals("1Gi", exec.getResources().getLimits().get("memory").toSuffixedString());
    }

    @Test
    void kueueOn() throws IOException {
        V1Job job = build(simple(), Map.of("kueue.queue-name", "tasks", "kueue.priority-class", "batch-low"));
        assertGolden("kueue", job);
        assertEquals(Boolean.TRUE, job.getSpec().getSuspend());
        assertEquals("tasks", job.getMetadata().getLabels().get(JobNames.KUEUE_QUEUE_LABEL));
        assertEquals("batch-low", job.getMetadata().getLabels().get(JobNames.KUEUE_PRIORITY_LABEL));
    }

    private static final Map<String, String> ALL_PARAMETERS = Map.of(
            "node-selector.disktype", "ssd",
            "tolerations", "dedicated=genomics:NoSchedule,gpu:NoExecute",
            "runtime-class", "gvisor",
            "gpu.count", "1",
            "gpu.type", "NVIDIA-A100-SXM4-40GB",
            "service-account", "lab-42",
            "priority-class", "high",
            "labels.team", "genomics",
            "annotations.example.com/cost-center", "cc-7");

    @Test
    void backendParametersInsideTheEnvelope() throws IOException {
        TaskSpec spec = TestTasks.task()
                .id("golden-params")
                .resources(new ResourceSpec(
                        OptionalInt.empty(),
                        false,
                        OptionalDouble.empty(),
                        OptionalDouble.empty(),
                        List.of(),
                        ALL_PARAMETERS,
                        true))
                .executor(TestTasks.executor("nvidia-smi"))
                .build();
        JobManifest.Built built = JobManifest.build(
                spec,
                config(
                        Map.of(
                                "backend-parameters.allowed",
                                "node-selector.*,tolerations,runtime-class,gpu.count,gpu.type,service-account,priority-class,labels.*,annotations.*")));
        assertGolden("backend-parameters", built.job());
        assertEquals(List.of(), built.systemLogs());
    }

    @Test
    void backendParametersOutsideTheEnvelopeAreIgnoredAndReported() throws IOException {
        Map<String, String> params = new HashMap<>(ALL_PARAMETERS);
        params.put("no-such-thing", "x");
        TaskSpec spec = TestTasks.task()
                .id("golden-params-ignored")
                .resources(new ResourceSpec(
                        OptionalInt.empty(),
                        false,
                        OptionalDouble.empty(),
                        OptionalDouble.empty(),
                        List.of(),
                        params,
                        false))
                .executor(TestTasks.executor("true"))
                .build();
        JobManifest.Built built =
                JobManifest.build(spec, config(Map.of("backend-parameters.allowed", "node-selector.*,labels.*")));
        assertGolden("backend-parameters-ignored", built.job());
        assertEquals(8, built.systemLogs().size(), "one line per ignored key: " + built.systemLogs());
        assertTrue(
                built.systemLogs()
                        .contains("resources.backend_parameters.runtime-class ignored: is outside what this"
                                + " Ergon allows (ergon.executor.kubernetes.backend-parameters.allowed)"),
                built.systemLogs().toString());
        assertTrue(
                built.systemLogs().stream()
                        .anyMatch(l -> l.startsWith("resources.backend_parameters.no-such-thing ignored:"
                                + " is not a parameter the Kubernetes executor knows")),
                built.systemLogs().toString());
    }

    @Test
    void aStrictTaskOutsideTheEnvelopeIsRejectedNamingTheKey() {
        TaskSpec spec = TestTasks.task()
                .resources(new ResourceSpec(
                        OptionalInt.empty(),
                        false,
                        OptionalDouble.empty(),
                        OptionalDouble.empty(),
                        List.of(),
                        Map.of("node-selector.disktype", "ssd", "runtime-class", "gvisor"),
                        true))
                .executor(TestTasks.executor("true"))
                .build();
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> JobManifest.build(spec, config(Map.of("backend-parameters.allowed", "node-selector.*"))));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals("resources.backend_parameters.runtime-class", e.field().orElse(null));
    }

    @Test
    void aStrictTaskWithAMalformedValueIsRejected() {
        TaskSpec spec = TestTasks.task()
                .resources(new ResourceSpec(
                        OptionalInt.empty(),
                        false,
                        OptionalDouble.empty(),
                        OptionalDouble.empty(),
                        List.of(),
                        Map.of("gpu.count", "lots"),
                        true))
                .executor(TestTasks.executor("true"))
                .build();
        ErgonException e = assertThrows(
                ErgonException.class, () -> JobManifest.build(spec, config(Map.of("backend-parameters.allowed", "*"))));
        assertEquals("resources.backend_parameters.gpu.count", e.field().orElse(null));
    }

    @Test
    void pathsThatCannotBeMountedAreRejectedNamingTheField() {
        assertRejected(
                TestTasks.task()
                        .volume("/")
                        .executor(TestTasks.executor("true"))
                        .build(),
                "volumes[0]");
        assertRejected(
                TestTasks.task()
                        .volume("/proc/x")
                        .executor(TestTasks.executor("true"))
                        .build(),
                "volumes[0]");
        assertRejected(
                TestTasks.task()
                        .output("/out.txt", "s3://b/o")
                        .executor(TestTasks.executor("true"))
                        .build(),
                "outputs[0].path");
        assertRejected(
                TestTasks.task()
                        .content("x", "relative/in.txt")
                        .executor(TestTasks.executor("true"))
                        .build(),
                "inputs[0].path");
        assertRejected(
                TestTasks.task()
                        .executor(TestTasks.executor("true").workdir("/a/../.."))
                        .build(),
                "executors[0].workdir");
        assertRejected(
                TestTasks.task()
                        .executor(TestTasks.executor("true").env("1BAD", "x"))
                        .build(),
                "executors[0].env");
        assertRejected(
                TestTasks.task().executor(TestTasks.executor("true").image(" ")).build(), "executors[0].image");
    }

    @Test
    void inlineInputsTooLargeForTheJobAreRejected() {
        TaskSpec spec = TestTasks.task()
                .content("x".repeat(JobManifest.MAX_STAGING_SPEC_BYTES), "/data/big.txt")
                .executor(TestTasks.executor("true"))
                .build();
        assertRejected(spec, "inputs[0].content");
    }

    @Test
    void aPhaseJobAndTheClaimOfStrategyJobPerPhase() throws IOException {
        TaskSpec spec = TestTasks.task()
                .id("golden-phases")
                .content("hello\n", "/data/in.txt")
                .output("/data/out.txt", "s3://bucket/out.txt")
                .executor(TestTasks.executor("sort", "/data/in.txt")
                        .image("ubuntu:24.04")
                        .stdout("/data/out.txt"))
                .resources(new ResourceSpec(
                        java.util.OptionalInt.of(2),
                        false,
                        java.util.OptionalDouble.of(4),
                        java.util.OptionalDouble.of(20),
                        List.of(),
                        Map.of(),
                        false))
                .build();
        JobManifest.Phased p =
                JobManifest.buildPhases(spec, config(Map.of("strategy", "job-per-phase", "storage-class", "fast-ssd")));
        assertEquals(3, p.phases().size());
        assertGolden("phase-claim", p.claim());
        assertGolden("phase-stage-in", p.phases().get(0));
        assertGolden("phase-executor", p.phases().get(1));
    }

    private static void assertRejected(TaskSpec spec, String field) {
        ErgonException e = assertThrows(ErgonException.class, () -> JobManifest.build(spec, config(Map.of())));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals(field, e.field().orElse(null), e.getMessage());
    }

    @Test
    void jobNamesAreDnsLabelsOfAtMost63CharactersAndDistinct() {
        assertEquals(
                "ergon-6f0c1e2a-1b2c-4d5e-8f90-123456789abc", JobNames.jobName("6f0c1e2a-1b2c-4d5e-8f90-123456789abc"));
        String odd = JobNames.jobName("Task_ID/with:odd chars");
        assertTrue(odd.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") && odd.length() <= 63, odd);
        assertFalse(
                odd.equals(JobNames.jobName("task-id-with-odd-chars")),
                "a cleaned name must not collide with another id");
        String longId = "x".repeat(200);
        assertTrue(JobNames.jobName(longId).length() <= 63);
        assertTrue(JobNames.taskIdLabel(longId).startsWith("h-")
                && JobNames.taskIdLabel(longId).length() <= 63);
    }

    private static Map<String, V1EnvVar> phaseEnv(V1Job job) {
        Map<String, V1EnvVar> env = new java.util.TreeMap<>();
        for (V1EnvVar e :
                job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            env.put(e.getName(), e);
        }
        return env;
    }

    @Test
    void phaseFilersGetTheRedisOfThePhaseEventsTheUrlInlineOnlyWithoutAPassword() {
        TaskSpec spec = TestTasks.task().executor(TestTasks.executor("true")).build();
        JobManifest.Phased inline = JobManifest.buildPhases(
                spec,
                config(Map.of(
                        "strategy", "job-per-phase",
                        "phase-events.redis-url", "redis://redis.ergon:6379",
                        "phase-events.redis-channel", "ergon-prod")));
        Map<String, V1EnvVar> in = phaseEnv(inline.phases().get(0));
        assertEquals("redis", in.get("ERGON_EVENTS").getValue());
        assertEquals(
                "redis://redis.ergon:6379", in.get("ERGON_EVENTS_REDIS_URL").getValue());
        assertEquals("ergon-prod", in.get("ERGON_EVENTS_REDIS_CHANNEL").getValue());
        Map<String, V1EnvVar> out = phaseEnv(inline.phases().get(inline.phases().size() - 1));
        assertEquals(
                "redis://redis.ergon:6379", out.get("ERGON_EVENTS_REDIS_URL").getValue());
        assertTrue(out.get("ERGON_PHASE_EVENT")
                .getValue()
                .endsWith("|" + (inline.phases().size() - 1)));
        Map<String, V1EnvVar> exec = phaseEnv(inline.phases().get(1));
        assertFalse(exec.containsKey("ERGON_EVENTS"), "executors run user images: no Redis for them");
        assertFalse(exec.containsKey("ERGON_EVENTS_REDIS_URL"));

        JobManifest.Phased secret = JobManifest.buildPhases(
                spec,
                config(Map.of(
                        "strategy", "job-per-phase",
                        "phase-events.redis-url", "redis://redis.ergon:6379",
                        "phase-events.redis-url-secret", "ergon-redis/url")));
        V1EnvVar url = phaseEnv(secret.phases().get(0)).get("ERGON_EVENTS_REDIS_URL");
        assertEquals(null, url.getValue(), "the secret wins and is only referenced");
        assertEquals("ergon-redis", url.getValueFrom().getSecretKeyRef().getName());
        assertEquals("url", url.getValueFrom().getSecretKeyRef().getKey());
        assertFalse(phaseEnv(secret.phases().get(0)).containsKey("ERGON_EVENTS_REDIS_CHANNEL"));

        JobManifest.Phased none = JobManifest.buildPhases(spec, config(Map.of("strategy", "job-per-phase")));
        assertFalse(phaseEnv(none.phases().get(0)).containsKey("ERGON_EVENTS"));
        JobManifest.Phased off = JobManifest.buildPhases(
                spec,
                config(Map.of(
                        "strategy", "job-per-phase",
                        "phase-events", "false",
                        "phase-events.redis-url", "redis://redis.ergon:6379")));
        assertFalse(phaseEnv(off.phases().get(0)).containsKey("ERGON_PHASE_EVENT"));
        assertFalse(phaseEnv(off.phases().get(0)).containsKey("ERGON_EVENTS"));
    }

    @Test
    void aRedisUrlWithAPasswordIsRefusedWithoutEchoingIt() {
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> config(
                        Map.of("strategy", "job-per-phase", "phase-events.redis-url", "redis://:s3cret@redis:6379")));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals(FakeCluster.PREFIX + "phase-events.redis-url", e.field().orElse(null));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertTrue(e.getMessage().contains("phase-events.redis-url-secret"), e.getMessage());
        ErgonException ref = assertThrows(
                ErgonException.class,
                () -> config(Map.of("strategy", "job-per-phase", "phase-events.redis-url-secret", "no-key")));
        assertEquals(
                FakeCluster.PREFIX + "phase-events.redis-url-secret",
                ref.field().orElse(null));
        assertThrows(ErgonException.class, () -> config(Map.of("phase-events.redis-url", "http://redis:6379")));
    }
}
