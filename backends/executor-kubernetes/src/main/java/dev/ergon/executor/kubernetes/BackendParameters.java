package dev.ergon.executor.kubernetes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ResourceSpec;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A task's {@code resources.backend_parameters} as the Kubernetes executor honours them, within the
 * envelope the operator sets with {@code backend-parameters.allowed}. The keys it knows:
 *
 * <ul>
 *   <li>{@code node-selector.<label>}: a required node label, e.g. {@code node-selector.disktype=ssd};
 *   <li>{@code tolerations}: {@code key[=value][:Effect]}, several separated by commas;
 *   <li>{@code runtime-class}: the Pod's runtimeClassName (e.g. gvisor);
 *   <li>{@code gpu.count}: how many GPUs (the {@code gpu-resource} extended resource) each executor gets;
 *   <li>{@code gpu.type}: a GPU model, required as the {@code gpu-type-label} node label;
 *   <li>{@code service-account}: the Pod's service account instead of {@code service-account};
 *   <li>{@code priority-class}: the Pod's PriorityClass;
 *   <li>{@code labels.<key>}, {@code annotations.<key>}: extra labels (Job and Pod) or Pod annotations.
 * </ul>
 *
 * A key outside the envelope, one the executor does not know, or a malformed value fails the task
 * (INVALID_INPUT naming {@code resources.backend_parameters.<key>}) when {@code
 * backend_parameters_strict} is set; otherwise it is ignored and reported. An envelope entry is a
 * key, or a prefix ending in {@code .*}, or {@code *} for everything the executor knows.
 */
final class BackendParameters {
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final List<String> RESERVED_PREFIXES =
            List.of("ergon.dev/", "kueue.x-k8s.io/", "batch.kubernetes.io/");
    private static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    final Map<String, String> nodeSelector = new TreeMap<>();
    final List<V1Toleration> tolerations = new ArrayList<>();
    Optional<String> runtimeClass = Optional.empty();
    OptionalInt gpuCount = OptionalInt.empty();
    Optional<String> gpuType = Optional.empty();
    Optional<String> serviceAccount = Optional.empty();
    Optional<String> priorityClass = Optional.empty();
    final Map<String, String> labels = new TreeMap<>();
    final Map<String, String> annotations = new TreeMap<>();
    /** Keys ignored (not strict), each with the reason, sorted by key. */
    final Map<String, String> ignored = new TreeMap<>();

    private BackendParameters() {}

    /**
     * Reads {@code resources.backend_parameters} within {@code allowed}.
     *
     * @throws ErgonException INVALID_INPUT naming {@code resources.backend_parameters.<key>} for the
     *     first unusable key when the task is strict
     */
    static BackendParameters of(ResourceSpec resources, List<String> allowed) {
        BackendParameters p = new BackendParameters();
        for (Map.Entry<String, String> e : new TreeMap<>(resources.backendParameters()).entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            String problem;
            if (!known(key)) {
                problem = "is not a parameter the Kubernetes executor knows (node-selector.<label>, tolerations,"
                        + " runtime-class, gpu.count, gpu.type, service-account, priority-class, labels.<key>,"
                        + " annotations.<key>)";
            } else if (!allowed(key, allowed)) {
                problem = "is outside what this Ergon allows (ergon.executor.kubernetes.backend-parameters.allowed)";
            } else {
                problem = p.apply(key, value);
            }
            if (problem != null) {
                if (resources.backendParametersStrict()) {
                    throw ErgonException.invalid("resources.backend_parameters." + key, problem);
                }
                p.ignored.put(key, problem);
            }
        }
        return p;
    }

    /** The system log lines about ignored keys. */
    List<String> ignoredLines() {
        List<String> lines = new ArrayList<>();
        ignored.forEach((k, why) -> lines.add("resources.backend_parameters." + k + " ignored: " + why));
        return lines;
    }

    private static boolean known(String key) {
        return switch (key) {
            case "tolerations", "runtime-class", "gpu.count", "gpu.type", "service-account", "priority-class" -> true;
            default ->
                (key.startsWith("node-selector.") || key.startsWith("labels.") || key.startsWith("annotations."))
                        && key.indexOf('.') < key.length() - 1;
        };
    }

    static boolean allowed(String key, List<String> envelope) {
        for (String a : envelope) {
            if (a.equals("*") || a.equals(key)) {
                return true;
            }
            if (a.endsWith(".*") && key.startsWith(a.substring(0, a.length() - 1)) && key.length() > a.length() - 1) {
                return true;
            }
        }
        return false;
    }

    /** Applies one known, allowed key; returns why it cannot be used, or null. */
    private String apply(String key, String value) {
        switch (key) {
            case "tolerations" -> {
                List<V1Toleration> parsed = new ArrayList<>();
                for (String t : value.split(",")) {
                    V1Toleration tol = toleration(t.trim());
                    if (tol == null) {
                        return "'" + t.trim()
                                + "' is not a toleration key[=value][:NoSchedule|PreferNoSchedule|NoExecute]";
                    }
                    parsed.add(tol);
                }
                tolerations.addAll(parsed);
                return null;
            }
            case "runtime-class" -> {
                if (!dnsSubdomain(value)) {
                    return "'" + value + "' is not a RuntimeClass name";
                }
                runtimeClass = Optional.of(value);
                return null;
            }
            case "gpu.count" -> {
                try {
                    int n = Integer.parseInt(value);
                    if (n < 1 || n > 64) {
                        return "'" + value + "' must be a whole number from 1 to 64";
                    }
                    gpuCount = OptionalInt.of(n);
                    return null;
                } catch (NumberFormatException ex) {
                    return "'" + value + "' must be a whole number from 1 to 64";
                }
            }
            case "gpu.type" -> {
                if (!JobNames.validLabelValue(value) || value.isEmpty()) {
                    return "'" + value + "' is not a valid node label value";
                }
                gpuType = Optional.of(value);
                return null;
            }
            case "service-account" -> {
                if (!dnsSubdomain(value)) {
                    return "'" + value + "' is not a service account name";
                }
                serviceAccount = Optional.of(value);
                return null;
            }
            case "priority-class" -> {
                if (!dnsSubdomain(value)) {
                    return "'" + value + "' is not a PriorityClass name";
                }
                priorityClass = Optional.of(value);
                return null;
            }
            default -> {
                if (key.startsWith("node-selector.")) {
                    String label = key.substring("node-selector.".length());
                    if (!labelKey(label) || !JobNames.validLabelValue(value)) {
                        return "'" + label + "=" + value + "' is not a valid node label";
                    }
                    nodeSelector.put(label, value);
                    return null;
                }
                if (key.startsWith("labels.")) {
                    String label = key.substring("labels.".length());
                    if (!labelKey(label) || !JobNames.validLabelValue(value)) {
                        return "'" + label + "=" + value + "' is not a valid label";
                    }
                    if (reserved(label) || label.equals(JobNames.MANAGED_BY)) {
                        return "'" + label + "' is reserved for Ergon, Kueue and Kubernetes";
                    }
                    labels.put(label, value);
                    return null;
                }
                String annotation = key.substring("annotations.".length());
                if (!labelKey(annotation)) {
                    return "'" + annotation + "' is not a valid annotation key";
                }
                if (reserved(annotation)) {
                    return "'" + annotation + "' is reserved for Ergon, Kueue and Kubernetes";
                }
                annotations.put(annotation, value);
                return null;
            }
        }
    }

    private static V1Toleration toleration(String t) {
        if (t.isEmpty()) {
            return null;
        }
        String effect = null;
        int colon = t.lastIndexOf(':');
        String kv = t;
        if (colon >= 0) {
            effect = t.substring(colon + 1);
            kv = t.substring(0, colon);
            if (!EFFECTS.contains(effect)) {
                return null;
            }
        }
        int eq = kv.indexOf('=');
        String key = eq < 0 ? kv : kv.substring(0, eq);
        if (!labelKey(key)) {
            return null;
        }
        V1Toleration tol = new V1Toleration().key(key);
        if (eq < 0) {
            tol.operator("Exists");
        } else {
            String value = kv.substring(eq + 1);
            if (!JobNames.validLabelValue(value)) {
                return null;
            }
            tol.operator("Equal").value(value);
        }
        if (effect != null) {
            tol.effect(effect);
        }
        return tol;
    }

    private static boolean reserved(String key) {
        return RESERVED_PREFIXES.stream().anyMatch(key::startsWith);
    }

    private static boolean dnsSubdomain(String v) {
        return v.length() <= 253 && DNS_SUBDOMAIN.matcher(v).matches();
    }

    /** A label or annotation key: {@code [prefix/]name}. */
    static boolean labelKey(String k) {
        int slash = k.indexOf('/');
        String name = slash < 0 ? k : k.substring(slash + 1);
        if (slash >= 0 && !dnsSubdomain(k.substring(0, slash))) {
            return false;
        }
        return LABEL_NAME.matcher(name).matches();
    }
}
