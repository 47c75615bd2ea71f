package dev.ergon.adapters;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ProviderConfig;
import java.util.List;
import java.util.Locale;

/**
 * {@code ergon.adapter.nextflow.*}.
 *
 * @param java the java program, as the engine task sees it
 * @param classpath the folder holding Nextflow's jars (io.nextflow:nextflow and its dependencies),
 *     as the engine task sees it; with the local executor bind it with {@code
 *     ergon.executor.local.ro-binds}
 * @param executor {@code local}, {@code tes} or {@code k8s}
 * @param tesUrl Ergon's TES endpoint, for the {@code tes} executor
 * @param namespace the Kubernetes namespace, for {@code k8s}
 * @param cpus CPUs Nextflow's local executor may use
 * @param image the engine task's image
 * @param extraArgs arguments added to every {@code nextflow run}
 */
public record NextflowAdapterConfig(
        String java,
        String classpath,
        String executor,
        String tesUrl,
        String namespace,
        int cpus,
        String image,
        String extraArgs) {
    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(
                    "java", ConfigProperty.Type.STRING, "java", "The java program (JDK 17-23) that runs Nextflow."),
            ConfigProperty.optional(
                    "classpath",
                    ConfigProperty.Type.PATH,
                    "/opt/nextflow/lib",
                    "Folder of Nextflow's jars as the engine task sees it (bind it into the local sandbox with ergon.executor.local.ro-binds)."),
            ConfigProperty.optional(
                    "executor",
                    ConfigProperty.Type.STRING,
                    "local",
                    "Nextflow's executor: local (inside the engine task), tes (nf-ga4gh plugin, Ergon's TES) or k8s."),
            ConfigProperty.optional(
                    "tes-url",
                    ConfigProperty.Type.STRING,
                    "",
                    "Ergon's TES endpoint for the tes executor (WES fills in its own by default)."),
            ConfigProperty.optional(
                    "namespace", ConfigProperty.Type.STRING, "default", "Kubernetes namespace for the k8s executor."),
            ConfigProperty.optional("cpus", ConfigProperty.Type.INT, "2", "CPUs Nextflow's local executor may use."),
            ConfigProperty.optional(
                    "image", ConfigProperty.Type.STRING, "nextflow/nextflow:24.10.0", "Image of the engine task."),
            ConfigProperty.optional(
                    "extra-args",
                    ConfigProperty.Type.STRING,
                    "",
                    "Arguments added to every nextflow run, space-separated."));

    static NextflowAdapterConfig from(ProviderConfig c) {
        String executor = c.getString("executor", "local").toLowerCase(Locale.ROOT);
        if (!NextflowAdapter.EXECUTORS.contains(executor)) {
            throw ErgonException.invalid(c.prefix() + "executor", "'" + executor + "' is not one of local, tes, k8s");
        }
        String tesUrl = c.getString("tes-url", "");
        if (executor.equals("tes") && tesUrl.isEmpty()) {
            throw ErgonException.invalid(c.prefix() + "tes-url", "must be set for the tes executor");
        }
        return new NextflowAdapterConfig(
                c.getString("java", "java"),
                c.getString("classpath", "/opt/nextflow/lib"),
                executor,
                tesUrl,
                c.getString("namespace", "default"),
                c.getInt("cpus", 2),
                c.getString("image", "nextflow/nextflow:24.10.0"),
                c.getString("extra-args", ""));
    }
}
