package dev.ergon.adapters;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ProviderConfig;
import java.util.List;
import java.util.Locale;

/**
 * {@code ergon.adapter.wdl.*}.
 *
 * @param engine {@code toil}, {@code miniwdl} or {@code cromwell}, when the request names no {@code workflow_engine}
 * @param image the engine task's image
 * @param extraArgs arguments added to every engine command line
 * @param java the java program that runs Cromwell
 * @param cromwellJar the Cromwell jar (in the engine task's file system)
 * @param tesUrl Ergon's TES endpoint for Cromwell's TES backend; empty runs Cromwell's calls locally
 */
public record WdlAdapterConfig(
        String engine, String image, String extraArgs, String java, String cromwellJar, String tesUrl) {
    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(
                    "engine",
                    ConfigProperty.Type.STRING,
                    "toil",
                    "The WDL engine: toil, miniwdl or cromwell (a request's workflow_engine overrides it)."),
            ConfigProperty.optional(
                    "image", ConfigProperty.Type.STRING, "quay.io/ucsc_cgl/toil:5.9.2", "Image of the engine task."),
            ConfigProperty.optional(
                    "extra-args",
                    ConfigProperty.Type.STRING,
                    "",
                    "Arguments added to every engine command line, space-separated."),
            ConfigProperty.optional("java", ConfigProperty.Type.STRING, "java", "The java program that runs Cromwell."),
            ConfigProperty.optional(
                    "cromwell-jar",
                    ConfigProperty.Type.PATH,
                    "/opt/cromwell/cromwell.jar",
                    "The Cromwell jar, as the engine task sees it."),
            ConfigProperty.optional(
                    "tes-url",
                    ConfigProperty.Type.STRING,
                    "",
                    "Ergon's TES endpoint for Cromwell's TES backend (empty: Cromwell runs calls locally)."));

    static WdlAdapterConfig from(ProviderConfig c) {
        String engine = c.getString("engine", "toil").toLowerCase(Locale.ROOT);
        if (!WdlAdapter.ENGINES.contains(engine)) {
            throw ErgonException.invalid(
                    c.prefix() + "engine", "'" + engine + "' is not one of toil, miniwdl, cromwell");
        }
        return new WdlAdapterConfig(
                engine,
                c.getString("image", "quay.io/ucsc_cgl/toil:5.9.2"),
                c.getString("extra-args", ""),
                c.getString("java", "java"),
                c.getString("cromwell-jar", "/opt/cromwell/cromwell.jar"),
                c.getString("tes-url", ""));
    }
}
