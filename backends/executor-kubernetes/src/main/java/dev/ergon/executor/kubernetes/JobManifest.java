package dev.ergon.executor.kubernetes;

import static java.util.Objects.requireNonNull;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ergon.executor.kubernetes.KubernetesExecutorBackendConfig.Storage;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ExecutorSpec;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.ResourceSpec;
import dev.ergon.spi.TaskSpec;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Affinity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1EphemeralVolumeSource;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1NodeAffinity;
import io.kubernetes.client.openapi.models.V1NodeSelector;
import io.kubernetes.client.openapi.models.V1NodeSelectorRequirement;
import io.kubernetes.client.openapi.models.V1NodeSelectorTerm;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimSpec;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimTemplate;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimVolumeSource;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1SecretEnvSource;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.openapi.models.V1VolumeResourceRequirements;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builds the one Job that runs a task: one Pod whose init containers are {@code stage-in} (the
 * filer image), then the executors {@code exec-0} … {@code exec-N-1} in order, and whose main
 * container is {@code stage-out} (the filer image again). A non-zero init container fails the Pod
 * (restartPolicy Never, backoffLimit 0), so a failing executor stops the rest, as TES demands.
 * Pure: the same task and config always give the same manifest (the golden tests pin it).
 *
 * <p>Executors run their image with their command verbatim ({@code command}, no shell), env and
 * workingDir. Only an executor that redirects stdin/stdout/stderr or has {@code ignore_error} runs
 * under a small {@code /bin/sh -c} wrapper (so that image needs {@code /bin/sh}): the wrapper
 * applies the redirections and {@code exec}s the command; with ignore_error it instead runs the
 * command, writes its real exit code to {@code /dev/termination-log} (Kubernetes reports it as the
 * container's {@code terminated.message}) and exits 0, so the Pod goes on with the next executor.
 */
final class JobManifest {
    private JobManifest() {}

    /** The environment variable carrying the filer's JSON instructions. */
    static final String STAGING_SPEC_ENV = "ERGON_STAGING_SPEC";
    /** Where the filer containers mount the whole shared volume. */
    static final String FILER_ROOT = "/ergon/work";
    /** The shared volume's name. */
    static final String VOLUME = "work";
    /** The largest stage-in instruction (inline inputs travel in it): the Job object must stay well below etcd's 1.5 MiB. */
    static final int MAX_STAGING_SPEC_BYTES = 512 * 1024;

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    /**
     * The manifest and what was ignored on the way.
     *
     * @param job the Job to create
     * @param systemLogs lines for the task's system logs (ignored backend_parameters)
     */
    record Built(V1Job job, List<String> systemLogs) {
        Built {
            requireNonNull(job, "job is null");
            systemLogs = List.copyOf(systemLogs);
        }
    }

    /**
     * The Job for {@code spec}.
     *
     * @throws ErgonException INVALID_INPUT naming the field the executor cannot honour
     */
    static Built build(TaskSpec spec, KubernetesExecutorBackendConfig config) {
        Parts p = parts(spec, config, false);
        List<V1Container> init = new ArrayList<>();
        init.add(p.stageIn());
        init.addAll(p.executors());
        V1Job job = job(
                JobNames.jobName(spec.taskId()),
                p,
                config,
                init,
                List.of(p.stageOut()),
                volume(spec, config),
                Map.of());
        return new Built(job, p.params().ignoredLines());
    }

    /**
     * What strategy job-per-phase creates for a task: its claim and its phase Jobs in order.
     *
     * @param claim the task's PersistentVolumeClaim, which every phase Job mounts
     * @param phases stage-in, the executors, stage-out: each Job with one Pod of one container
     *     (named as in the one-job Pod: {@code stage-in}, {@code exec-<i>}, {@code stage-out})
     * @param systemLogs lines for the task's system logs (ignored backend_parameters)
     */
    record Phased(V1PersistentVolumeClaim claim, List<V1Job> phases, List<String> systemLogs) {
        Phased {
            requireNonNull(claim, "claim is null");
            phases = List.copyOf(phases);
            systemLogs = List.copyOf(systemLogs);
        }
    }

    /**
     * The claim and phase Jobs for {@code spec} (strategy job-per-phase). Each phase Job is the
     * one-job Job reduced to one container: the same labels, annotations, Pod settings, mounts
     * and resources, plus the label {@code ergon.dev/phase}; the volume {@code work} is the task's
     * claim instead of an emptyDir or ephemeral volume.
     *
     * @throws ErgonException INVALID_INPUT naming the field the executor cannot honour
     */
    static Phased buildPhases(TaskSpec spec, KubernetesExecutorBackendConfig config) {
        Parts p = parts(spec, config, config.phaseEvents());
        String claimName = JobNames.claimName(spec.taskId());
        V1Volume work = new V1Volume()
                .name(VOLUME)
                .persistentVolumeClaim(new V1PersistentVolumeClaimVolumeSource().claimName(claimName));
        List<V1Container> order = new ArrayList<>();
        order.add(p.stageIn());
        order.addAll(p.executors());
        order.add(p.stageOut());
        List<V1Job> phases = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            V1Container c = order.get(i);
            phases.add(job(
                    JobNames.phaseJobName(spec.taskId(), i),
                    p,
                    config,
                    List.of(),
                    List.of(c),
                    work,
                    Map.of(JobNames.PHASE_LABEL, c.getName())));
            // Removed with the task (cleanup), never before: a restarted Ergon tells from the Jobs
            // which phases ran, and the claim, which holds the data, outlives any TTL anyway.
            phases.get(i).getSpec().ttlSecondsAfterFinished(null);
        }
        Map<String, String> labels = new TreeMap<>();
        labels.put(JobNames.MANAGED_BY, JobNames.ERGON);
        labels.put(JobNames.TASK_ID_LABEL, JobNames.taskIdLabel(spec.taskId()));
        Map<String, String> annotations = new TreeMap<>();
        annotations.put(JobNames.TASK_ID_ANNOTATION, spec.taskId());
        annotations.put(JobNames.PLAN_ANNOTATION, PhasePlan.encode(phases.subList(1, phases.size())));
        V1PersistentVolumeClaim claim = new V1PersistentVolumeClaim()
                .apiVersion("v1")
                .kind("PersistentVolumeClaim")
                .metadata(new V1ObjectMeta()
                        .name(claimName)
                        .namespace(config.namespace())
                        .labels(labels)
                        .annotations(annotations))
                .spec(claimSpec(spec, config));
        return new Phased(claim, phases, p.params().ignoredLines());
    }

    /** What the one-job Job and the phase Jobs share. */
    private record Parts(
            TaskSpec spec,
            BackendParameters params,
            Map<String, String> podLabels,
            Map<String, String> jobLabels,
            Map<String, String> jobAnnotations,
            Map<String, String> podAnnotations,
            Boolean suspend,
            V1Container stageIn,
            List<V1Container> executors,
            V1Container stageOut) {}

    private static Parts parts(TaskSpec spec, KubernetesExecutorBackendConfig config, boolean phaseEvents) {
        validate(spec);
        TaskMounts.Plan mounts = TaskMounts.plan(spec);
        BackendParameters params = BackendParameters.of(spec.resources(), config.backendParametersAllowed());

        Map<String, String> podLabels = new TreeMap<>(params.labels);
        podLabels.put(JobNames.MANAGED_BY, JobNames.ERGON);
        podLabels.put(JobNames.TASK_ID_LABEL, JobNames.taskIdLabel(spec.taskId()));
        Map<String, String> jobLabels = new TreeMap<>(podLabels);
        Map<String, String> jobAnnotations = new TreeMap<>();
        jobAnnotations.put(JobNames.TASK_ID_ANNOTATION, spec.taskId());
        spec.name().ifPresent(n -> jobAnnotations.put(JobNames.TASK_NAME_ANNOTATION, n));
        String ignoring = ignoreErrorIndices(spec);
        if (!ignoring.isEmpty()) {
            jobAnnotations.put(JobNames.IGNORE_ERROR_ANNOTATION, ignoring);
        }
        if (!params.ignored.isEmpty()) {
            jobAnnotations.put(JobNames.IGNORED_PARAMETERS_ANNOTATION, String.join(",", params.ignored.keySet()));
        }
        Map<String, String> podAnnotations = new TreeMap<>(params.annotations);
        podAnnotations.put(JobNames.TASK_ID_ANNOTATION, spec.taskId());

        Boolean suspend = null;
        if (config.kueueQueueName().isPresent()) {
            jobLabels.put(JobNames.KUEUE_QUEUE_LABEL, config.kueueQueueName().get());
            config.kueuePriorityClass().ifPresent(p -> jobLabels.put(JobNames.KUEUE_PRIORITY_LABEL, p));
            // Kueue's webhook would suspend it too; creating it suspended also holds where the webhook is late.
            suspend = Boolean.TRUE;
        }

        List<V1VolumeMount> executorMounts = mounts.mounts().stream()
                .map(m -> new V1VolumeMount().name(VOLUME).mountPath(m.path()).subPath(m.subPath()))
                .toList();
        V1ResourceRequirements executorResources = executorResources(spec.resources(), params, config);
        List<V1Container> executors = new ArrayList<>();
        for (int i = 0; i < spec.executors().size(); i++) {
            executors.add(executor(i, spec.executors().get(i), executorMounts, executorResources));
        }
        V1Container stageIn = filer(JobNames.STAGE_IN, stageInSpec(spec, mounts), config);
        V1Container stageOut = filer(JobNames.STAGE_OUT, stageOutSpec(spec), config);
        if (phaseEvents) {
            signal(stageIn, spec.taskId(), 0, config.phaseEventsRedis());
            signal(stageOut, spec.taskId(), spec.executors().size() + 1, config.phaseEventsRedis());
        }
        return new Parts(
                spec,
                params,
                podLabels,
                jobLabels,
                jobAnnotations,
                podAnnotations,
                suspend,
                stageIn,
                executors,
                stageOut);
    }

    /**
     * Tells a phase's filer container what to publish when it has succeeded (see {@link
     * PhaseSignals}) and, when configured, on which Redis: the URL inline only without a password,
     * else through a secretKeyRef, so no credential is ever written into a Job.
     */
    private static void signal(
            V1Container filer, String taskId, int phase, KubernetesExecutorBackendConfig.PhaseEventsRedis redis) {
        if (taskId.indexOf('|') >= 0) {
            return; // not expressible as an event id; the watch carries this task's phases alone
        }
        List<V1EnvVar> env = new ArrayList<>(filer.getEnv());
        env.add(new V1EnvVar()
                .name(PhaseSignals.ENV)
                .value(PhaseSignals.event(taskId, phase).encode()));
        if (redis.configured()) {
            env.add(new V1EnvVar().name(PhaseSignals.EVENTS_ENV).value("redis"));
            if (redis.secretName().isPresent()) {
                env.add(new V1EnvVar()
                        .name(PhaseSignals.REDIS_URL_ENV)
                        .valueFrom(new V1EnvVarSource()
                                .secretKeyRef(new V1SecretKeySelector()
                                        .name(redis.secretName().get())
                                        .key(redis.secretKey().orElseThrow()))));
            } else {
                env.add(new V1EnvVar()
                        .name(PhaseSignals.REDIS_URL_ENV)
                        .value(redis.url().orElseThrow()));
            }
            redis.channel()
                    .ifPresent(ch -> env.add(
                            new V1EnvVar().name(PhaseSignals.REDIS_CHANNEL_ENV).value(ch)));
        }
        filer.env(env);
    }

    private static V1Job job(
            String name,
            Parts p,
            KubernetesExecutorBackendConfig config,
            List<V1Container> init,
            List<V1Container> main,
            V1Volume volume,
            Map<String, String> extraLabels) {
        BackendParameters params = p.params();
        ResourceSpec resources = p.spec().resources();
        V1PodSpec pod = new V1PodSpec()
                .restartPolicy("Never")
                .serviceAccountName(
                        params.serviceAccount.or(config::serviceAccount).orElse(null))
                .automountServiceAccountToken(false)
                .enableServiceLinks(false)
                .terminationGracePeriodSeconds(config.terminationGracePeriod().toSeconds())
                .runtimeClassName(params.runtimeClass.orElse(null))
                .priorityClassName(params.priorityClass.orElse(null))
                .initContainers(init)
                .containers(main)
                .volumes(List.of(volume));
        Map<String, String> nodeSelector = new TreeMap<>(params.nodeSelector);
        if (resources.preemptible()) {
            nodeSelector.putAll(new TreeMap<>(config.preemptibleNodeSelector()));
        }
        params.gpuType.ifPresent(t -> nodeSelector.put(config.gpuTypeLabel(), t));
        if (!nodeSelector.isEmpty()) {
            pod.nodeSelector(nodeSelector);
        }
        if (!resources.zones().isEmpty()) {
            pod.affinity(new V1Affinity()
                    .nodeAffinity(new V1NodeAffinity()
                            .requiredDuringSchedulingIgnoredDuringExecution(new V1NodeSelector()
                                    .nodeSelectorTerms(List.of(new V1NodeSelectorTerm()
                                            .matchExpressions(List.of(new V1NodeSelectorRequirement()
                                                    .key(config.zoneLabel())
                                                    .operator("In")
                                                    .values(List.copyOf(resources.zones())))))))));
        }
        if (!params.tolerations.isEmpty()) {
            pod.tolerations(List.copyOf(params.tolerations));
        }
        Map<String, String> podLabels = new TreeMap<>(p.podLabels());
        podLabels.putAll(extraLabels);
        Map<String, String> jobLabels = new TreeMap<>(p.jobLabels());
        jobLabels.putAll(extraLabels);

        V1JobSpec jobSpec = new V1JobSpec()
                .backoffLimit(0)
                .completions(1)
                .parallelism(1)
                .activeDeadlineSeconds(
                        config.activeDeadline().map(d -> d.toSeconds()).orElse(null))
                .ttlSecondsAfterFinished(config.ttlAfterFinished()
                        .map(d -> (int) Math.min(Integer.MAX_VALUE, d.toSeconds()))
                        .orElse(null))
                .suspend(p.suspend())
                .template(new V1PodTemplateSpec()
                        .metadata(new V1ObjectMeta().labels(podLabels).annotations(new TreeMap<>(p.podAnnotations())))
                        .spec(pod));
        return new V1Job()
                .apiVersion("batch/v1")
                .kind("Job")
                .metadata(new V1ObjectMeta()
                        .name(name)
                        .namespace(config.namespace())
                        .labels(jobLabels)
                        .annotations(new TreeMap<>(p.jobAnnotations())))
                .spec(jobSpec);
    }

    private static void validate(TaskSpec spec) {
        for (int i = 0; i < spec.executors().size(); i++) {
            ExecutorSpec e = spec.executors().get(i);
            String field = "executors[" + i + "]";
            if (e.image().isBlank()) {
                throw ErgonException.invalid(field + ".image", "must not be blank");
            }
            if (e.command().isEmpty()) {
                throw ErgonException.invalid(field + ".command", "must not be empty");
            }
            for (String name : new TreeMap<>(e.env()).keySet()) {
                if (!ENV_NAME.matcher(name).matches()) {
                    throw ErgonException.invalid(
                            field + ".env",
                            "'" + name + "' is not an environment variable name"
                                    + " Kubernetes accepts (letters, digits, '_', '-', '.'; not starting with a digit)");
                }
            }
        }
    }

    private static String ignoreErrorIndices(TaskSpec spec) {
        List<String> idx = new ArrayList<>();
        for (int i = 0; i < spec.executors().size(); i++) {
            if (spec.executors().get(i).ignoreError()) {
                idx.add(Integer.toString(i));
            }
        }
        return String.join(",", idx);
    }

    private static V1Container executor(
            int index, ExecutorSpec e, List<V1VolumeMount> mounts, V1ResourceRequirements resources) {
        V1Container c = new V1Container().name(JobNames.executor(index)).image(e.image());
        if (e.redirectsStreams() || e.ignoreError()) {
            c.command(List.of("/bin/sh", "-c", wrapperScript(e), "ergon-exec-" + index))
                    .args(e.command());
        } else {
            c.command(e.command());
        }
        e.workdir().ifPresent(c::workingDir);
        if (!e.env().isEmpty()) {
            c.env(new TreeMap<>(e.env())
                    .entrySet().stream()
                            .map(en -> new V1EnvVar().name(en.getKey()).value(en.getValue()))
                            .toList());
        }
        c.resources(resources);
        if (!mounts.isEmpty()) {
            c.volumeMounts(mounts);
        }
        return c;
    }

    /**
     * The {@code sh -c} script of a wrapped executor; its arguments ({@code "$@"}) are the command,
     * verbatim. Paths are single-quoted, so no character in them is special to the shell.
     */
    static String wrapperScript(ExecutorSpec e) {
        StringBuilder s = new StringBuilder();
        if (!e.ignoreError()) {
            s.append("exec ");
        }
        s.append("\"$@\"");
        e.stdin().ifPresent(p -> s.append(" < ").append(quote(p)));
        e.stdout().ifPresent(p -> s.append(" > ").append(quote(p)));
        if (e.stderr().isPresent()) {
            if (e.stderr().equals(e.stdout())) {
                s.append(" 2>&1"); // two truncating opens of one file would overwrite each other
            } else {
                s.append(" 2> ").append(quote(e.stderr().get()));
            }
        }
        if (e.ignoreError()) {
            s.append("; rc=$?; printf '%s' \"$rc\" > /dev/termination-log; exit 0");
        }
        return s.toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static V1Container filer(String role, String stagingSpec, KubernetesExecutorBackendConfig config) {
        V1Container c = new V1Container().name(role).image(config.filerImage());
        if (!config.filerCommand().isEmpty()) {
            c.command(config.filerCommand());
        }
        c.args(List.of("--role", role))
                .env(List.of(new V1EnvVar().name(STAGING_SPEC_ENV).value(stagingSpec)))
                .resources(new V1ResourceRequirements()
                        .requests(new TreeMap<>(Map.of(
                                "cpu", Quantity.fromString(config.filerCpu()),
                                "memory", Quantity.fromString(config.filerMemory()))))
                        .limits(new TreeMap<>(Map.of("memory", Quantity.fromString(config.filerMemory())))))
                .volumeMounts(List.of(new V1VolumeMount().name(VOLUME).mountPath(FILER_ROOT)));
        config.filerEnvSecret()
                .ifPresent(s -> c.envFrom(List.of(new V1EnvFromSource().secretRef(new V1SecretEnvSource().name(s)))));
        return c;
    }

    /**
     * The stage-in instruction (the filer role's contract, see the README): create {@code folders},
     * then place each input at {@code root + path}, from {@code url} or inline {@code content}.
     */
    static String stageInSpec(TaskSpec spec, TaskMounts.Plan mounts) {
        Map<String, Object> m = header(spec, JobNames.STAGE_IN);
        m.put("folders", mounts.folders());
        List<Map<String, Object>> inputs = new ArrayList<>();
        int largest = -1;
        int largestSize = -1;
        for (int i = 0; i < spec.inputs().size(); i++) {
            InputSpec in = spec.inputs().get(i);
            Map<String, Object> o = new LinkedHashMap<>();
            in.name().ifPresent(n -> o.put("name", n));
            o.put("path", TaskMounts.normalize("inputs[" + i + "].path", in.path()));
            o.put("type", in.type().name());
            in.url().ifPresent(u -> o.put("url", u));
            in.content().ifPresent(c -> o.put("content", c));
            if (in.streamable()) {
                o.put("streamable", true);
            }
            int size = in.content()
                    .map(c -> c.getBytes(StandardCharsets.UTF_8).length)
                    .orElse(0);
            if (size > largestSize) {
                largest = i;
                largestSize = size;
            }
            inputs.add(o);
        }
        m.put("inputs", inputs);
        String json = GSON.toJson(m);
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_STAGING_SPEC_BYTES) {
            String field = largest >= 0 && largestSize > 0 ? "inputs[" + largest + "].content" : "inputs";
            throw ErgonException.invalid(
                    field,
                    "the task's inputs take " + bytes + " bytes in the Job, more than the"
                            + " Kubernetes executor accepts (" + MAX_STAGING_SPEC_BYTES
                            + "); give large inputs by url");
        }
        return json;
    }

    /** The stage-out instruction: upload each output from {@code root + path} to {@code url}. */
    static String stageOutSpec(TaskSpec spec) {
        Map<String, Object> m = header(spec, JobNames.STAGE_OUT);
        List<Map<String, Object>> outputs = new ArrayList<>();
        for (int i = 0; i < spec.outputs().size(); i++) {
            OutputSpec out = spec.outputs().get(i);
            Map<String, Object> o = new LinkedHashMap<>();
            out.name().ifPresent(n -> o.put("name", n));
            o.put("path", TaskMounts.normalize("outputs[" + i + "].path", out.path()));
            o.put("type", out.type().name());
            o.put("url", out.url());
            out.pathPrefix().ifPresent(p -> o.put("pathPrefix", p));
            outputs.add(o);
        }
        m.put("outputs", outputs);
        return GSON.toJson(m);
    }

    private static Map<String, Object> header(TaskSpec spec, String role) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("role", role);
        m.put("taskId", spec.taskId());
        m.put("root", FILER_ROOT);
        return m;
    }

    private static V1ResourceRequirements executorResources(
            ResourceSpec r, BackendParameters params, KubernetesExecutorBackendConfig config) {
        Map<String, Quantity> requests = new TreeMap<>();
        Map<String, Quantity> limits = new TreeMap<>();
        Optional<Quantity> cpu = r.cpuCores().isPresent()
                ? Optional.of(new Quantity(BigDecimal.valueOf(r.cpuCores().getAsInt()), Quantity.Format.DECIMAL_SI))
                : config.defaultCpu().map(Quantity::fromString);
        cpu.ifPresent(q -> requests.put("cpu", q));
        Optional<Quantity> memory = r.ramGb().isPresent()
                ? Optional.of(gigabytes(r.ramGb().getAsDouble()))
                : config.defaultMemory().map(Quantity::fromString);
        memory.ifPresent(q -> {
            requests.put("memory", q);
            limits.put("memory", q);
        });
        if (config.storage() == Storage.EMPTY_DIR && r.diskGb().isPresent()) {
            // A request only: the node must have the room; the emptyDir's sizeLimit bounds the volume itself.
            requests.put("ephemeral-storage", gigabytes(r.diskGb().getAsDouble()));
        }
        params.gpuCount.ifPresent(
                n -> limits.put(config.gpuResource(), new Quantity(BigDecimal.valueOf(n), Quantity.Format.DECIMAL_SI)));
        V1ResourceRequirements res = new V1ResourceRequirements();
        if (!requests.isEmpty()) {
            res.requests(requests);
        }
        if (!limits.isEmpty()) {
            res.limits(limits);
        }
        return res;
    }

    private static V1Volume volume(TaskSpec spec, KubernetesExecutorBackendConfig config) {
        V1Volume v = new V1Volume().name(VOLUME);
        if (config.storage() == Storage.EMPTY_DIR) {
            V1EmptyDirVolumeSource e = new V1EmptyDirVolumeSource();
            spec.resources().diskGb().ifPresent(d -> e.sizeLimit(gigabytes(d)));
            return v.emptyDir(e);
        }
        Map<String, String> labels = new TreeMap<>();
        labels.put(JobNames.MANAGED_BY, JobNames.ERGON);
        labels.put(JobNames.TASK_ID_LABEL, JobNames.taskIdLabel(spec.taskId()));
        return v.ephemeral(new V1EphemeralVolumeSource()
                .volumeClaimTemplate(new V1PersistentVolumeClaimTemplate()
                        .metadata(new V1ObjectMeta().labels(labels))
                        .spec(claimSpec(spec, config))));
    }

    /** ReadWriteOnce, {@code storage-class}, sized {@code disk_gb} or {@code default-disk}. */
    private static V1PersistentVolumeClaimSpec claimSpec(TaskSpec spec, KubernetesExecutorBackendConfig config) {
        Quantity size = spec.resources().diskGb().isPresent()
                ? gigabytes(spec.resources().diskGb().getAsDouble())
                : Quantity.fromString(config.defaultDisk());
        return new V1PersistentVolumeClaimSpec()
                .accessModes(List.of("ReadWriteOnce"))
                .storageClassName(config.storageClass().orElse(null))
                .resources(new V1VolumeResourceRequirements().requests(Map.of("storage", size)));
    }

    /** {@code gb} TES gigabytes (10^9 bytes, as TES defines GB) as a quantity, rounded up to whole bytes. */
    static Quantity gigabytes(double gb) {
        BigDecimal bytes = BigDecimal.valueOf(gb)
                .multiply(BigDecimal.valueOf(1_000_000_000L))
                .setScale(0, RoundingMode.UP);
        return new Quantity(bytes, Quantity.Format.DECIMAL_SI);
    }

    /** Empty objects that mean something (an emptyDir volume with no options); every other empty object or list is dropped. */
    private static final Set<String> MEANINGFUL_WHEN_EMPTY = Set.of("emptyDir");

    /**
     * The JSON body Ergon sends for {@code job}: the client's serialisation without the empty
     * lists and maps its model classes start with ({@code overhead: {}}, {@code args: []}, …).
     * Those would not be harmless: a Pod that states {@code overhead}, even empty, is refused by
     * the RuntimeClass admission plugin when its RuntimeClass defines one.
     */
    static String json(Object object) {
        return prune(JsonParser.parseString(io.kubernetes.client.openapi.JSON.serialize(object)), "")
                .toString();
    }

    private static JsonElement prune(JsonElement e, String key) {
        if (e.isJsonObject()) {
            JsonObject in = e.getAsJsonObject();
            JsonObject out = new JsonObject();
            for (Map.Entry<String, JsonElement> en : in.entrySet()) {
                JsonElement v = prune(en.getValue(), en.getKey());
                boolean empty = (v.isJsonArray() && v.getAsJsonArray().isEmpty())
                        || (v.isJsonObject()
                                && v.getAsJsonObject().isEmpty()
                                && !MEANINGFUL_WHEN_EMPTY.contains(en.getKey()));
                if (!empty) {
                    out.add(en.getKey(), v);
                }
            }
            return out;
        }
        if (e.isJsonArray()) {
            JsonArray out = new JsonArray();
            e.getAsJsonArray().forEach(x -> out.add(prune(x, key)));
            return out;
        }
        return e;
    }

    /** The executor indices run under the ignore_error wrapper, from the Job's annotation. */
    static Set<Integer> ignoreErrorIndices(V1Job job) {
        String v = job.getMetadata() == null || job.getMetadata().getAnnotations() == null
                ? null
                : job.getMetadata().getAnnotations().get(JobNames.IGNORE_ERROR_ANNOTATION);
        if (v == null || v.isBlank()) {
            return Set.of();
        }
        return java.util.Arrays.stream(v.split(","))
                .map(String::trim)
                .filter(s -> s.matches("\\d+"))
                .map(Integer::valueOf)
                .collect(Collectors.toUnmodifiableSet());
    }
}
