package dev.ergon.executor.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names, labels and annotations Ergon puts on its Jobs and Pods. A task's Job name is a pure
 * function of its task id, so any Ergon process (a restarted one, another replica) finds the Job of
 * a task without having stored anything. Stateless.
 */
final class JobNames {
    private JobNames() {}

    /** On every Job and Pod template: who manages it. The informers select by it. */
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** The value of {@link #MANAGED_BY}. */
    static final String ERGON = "ergon";
    /** The task id when it is a valid label value, else {@code h-} and a hash of it. */
    static final String TASK_ID_LABEL = "ergon.dev/task-id";
    /** The full task id, always (label values are limited to 63 characters). */
    static final String TASK_ID_ANNOTATION = "ergon.dev/task-id";
    /** The task's name, when it has one. */
    static final String TASK_NAME_ANNOTATION = "ergon.dev/task-name";
    /** Indices of the executors run under the ignore_error wrapper, e.g. {@code 0,2}. */
    static final String IGNORE_ERROR_ANNOTATION = "ergon.dev/ignore-error";
    /** backend_parameters keys that were outside the operator's envelope and ignored. */
    static final String IGNORED_PARAMETERS_ANNOTATION = "ergon.dev/ignored-backend-parameters";
    /** The label the Job controller puts on its Pods (Kubernetes 1.27+), and its older twin. */
    static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

    static final String LEGACY_JOB_NAME_LABEL = "job-name";

    /** On the Jobs of strategy job-per-phase: which phase the Job runs ({@code stage-in}, {@code exec-0}, …). */
    static final String PHASE_LABEL = "ergon.dev/phase";
    /** On the PersistentVolumeClaim of a job-per-phase task: the Jobs of its later phases (gzip, base64). */
    static final String PLAN_ANNOTATION = "ergon.dev/phases";

    static final String KUEUE_QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
    static final String KUEUE_PRIORITY_LABEL = "kueue.x-k8s.io/priority-class";

    /** The label selector of everything Ergon manages. */
    static final String SELECTOR = MANAGED_BY + "=" + ERGON;

    /** The container names: {@code stage-in}, {@code exec-0} … {@code exec-N-1}, {@code stage-out}. */
    static final String STAGE_IN = "stage-in";

    static final String STAGE_OUT = "stage-out";

    static String executor(int index) {
        return "exec-" + index;
    }

    /** The executor index of container {@code name}, or -1 when it is not an executor. */
    static int executorIndex(String name) {
        if (name == null || !name.startsWith("exec-")) {
            return -1;
        }
        try {
            return Integer.parseInt(name.substring(5));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static final int MAX_NAME = 63;
    private static final String PREFIX = "ergon-";
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    /**
     * The Job name of task {@code taskId}: {@code ergon-<id>} when the id is already a DNS label
     * (lower case letters, digits, dashes; as Ergon's UUIDs are), otherwise the id lower-cased with
     * other characters turned into dashes and a hash of the exact id appended, so two ids never
     * share a name. At most 63 characters (the limit of the {@code job-name} label on its Pods).
     */
    static String jobName(String taskId) {
        return name(taskId, "");
    }

    /**
     * The Job name of phase {@code index} of a task run with strategy job-per-phase: the task's
     * {@link #jobName} (shortened the same way, so the whole stays within 63 characters) and
     * {@code -<index>}; phase 0 is stage-in, 1 … N the executors, N+1 stage-out.
     */
    static String phaseJobName(String taskId, int index) {
        return name(taskId, "-" + index);
    }

    /** The name of the PersistentVolumeClaim of a job-per-phase task: the same as its one-job Job name. */
    static String claimName(String taskId) {
        return jobName(taskId);
    }

    private static String name(String taskId, String suffix) {
        String direct = PREFIX + taskId + suffix;
        if (direct.length() <= MAX_NAME && direct.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            return direct;
        }
        String hash = hash(taskId).substring(0, 10);
        String clean = taskId.toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        int room = MAX_NAME - PREFIX.length() - hash.length() - 1 - suffix.length();
        if (clean.length() > room) {
            clean = clean.substring(0, room).replaceAll("-+$", "");
        }
        return (clean.isEmpty() ? PREFIX + hash : PREFIX + clean + "-" + hash) + suffix;
    }

    /** The value of {@link #TASK_ID_LABEL}: the id itself when it is a valid label value. */
    static String taskIdLabel(String taskId) {
        return LABEL_VALUE.matcher(taskId).matches()
                ? taskId
                : "h-" + hash(taskId).substring(0, 40);
    }

    /** Whether {@code v} is a valid label value. */
    static boolean validLabelValue(String v) {
        return LABEL_VALUE.matcher(v).matches();
    }

    private static String hash(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
