package dev.ergon.adapters;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ProviderConfig;
import java.util.List;
import java.util.Locale;

/**
 * {@code ergon.adapter.snakemake.*}.
 *
 * @param executor {@code local}, {@code tes} or {@code kubernetes}
 * @param tesUrl Ergon's TES endpoint, for the {@code tes} executor
 * @param namespace the Kubernetes namespace, for the {@code kubernetes} executor
 * @param cores {@code --cores} when the request sets none
 * @param image the engine task's image
 * @param extraArgs arguments added to every Snakemake command line
 */
public record SnakemakeAdapterConfig(
        String executor, String tesUrl, String namespace, int cores, String image, String extraArgs) {
    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(
                    "executor",
                    ConfigProperty.Type.STRING,
                    "local",
                    "Where Snakemake runs its jobs: local (inside the engine task), tes (Ergon's TES) or kubernetes."),
            ConfigProperty.optional(
                    "tes-url",
                    ConfigProperty.Type.STRING,
                    "",
                    "Ergon's TES endpoint for the tes executor (WES fills in its own by default)."),
            ConfigProperty.optional(
                    "namespace",
                    ConfigProperty.Type.STRING,
                    "default",
                    "Kubernetes namespace for the kubernetes executor."),
            ConfigProperty.optional(
                    "cores", ConfigProperty.Type.INT, "1", "Snakemake's --cores when the request sets none."),
            ConfigProperty.optional(
                    "image", ConfigProperty.Type.STRING, "snakemake/snakemake:v7.21.0", "Image of the engine task."),
            ConfigProperty.optional(
                    "extra-args",
                    ConfigProperty.Type.STRING,
                    "",
                    "Arguments added to every Snakemake command line, space-separated."));

    static SnakemakeAdapterConfig from(ProviderConfig c) {
        String executor = c.getString("executor", "local").toLowerCase(Locale.ROOT);
        if (!SnakemakeAdapter.EXECUTORS.contains(executor)) {
            throw ErgonException.invalid(
                    c.prefix() + "executor", "'" + executor + "' is not one of local, tes, kubernetes");
        }
        String tesUrl = c.getString("tes-url", "");
        if (executor.equals("tes") && tesUrl.isEmpty()) {
            throw ErgonException.invalid(c.prefix() + "tes-url", "must be set for the tes executor");
        }
        return new SnakemakeAdapterConfig(
                executor,
                tesUrl,
                c.getString("namespace", "default"),
                c.getInt("cores", 1),
                c.getString("image", "snakemake/snakemake:v7.21.0"),
                c.getString("extra-args", ""));
    }
}
