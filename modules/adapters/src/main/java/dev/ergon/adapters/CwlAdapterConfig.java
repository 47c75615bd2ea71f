package dev.ergon.adapters;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ProviderConfig;
import java.util.List;

/**
 * {@code ergon.adapter.cwl.*}.
 *
 * @param engine {@code cwltool} or {@code toil}, when the request names no {@code workflow_engine}
 * @param image the engine task's image with cwltool
 * @param toilImage the engine task's image with Toil
 * @param extraArgs arguments added to every engine command line
 */
public record CwlAdapterConfig(String engine, String image, String toilImage, String extraArgs) {
    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(
                    "engine",
                    ConfigProperty.Type.STRING,
                    "cwltool",
                    "The CWL engine: cwltool or toil (a request's workflow_engine overrides it)."),
            ConfigProperty.optional(
                    "image",
                    ConfigProperty.Type.STRING,
                    "quay.io/commonwl/cwltool:3.1.20230209161050",
                    "Image of the engine task with cwltool."),
            ConfigProperty.optional(
                    "toil-image",
                    ConfigProperty.Type.STRING,
                    "quay.io/ucsc_cgl/toil:5.9.2",
                    "Image of the engine task with Toil."),
            ConfigProperty.optional(
                    "extra-args",
                    ConfigProperty.Type.STRING,
                    "",
                    "Arguments added to every engine command line, space-separated."));

    static CwlAdapterConfig from(ProviderConfig c) {
        String engine = c.getString("engine", "cwltool").toLowerCase(java.util.Locale.ROOT);
        if (!CwlAdapter.ENGINES.contains(engine)) {
            throw dev.ergon.spi.ErgonException.invalid(
                    c.prefix() + "engine", "'" + engine + "' is not one of cwltool, toil");
        }
        return new CwlAdapterConfig(
                engine,
                c.getString("image", "quay.io/commonwl/cwltool:3.1.20230209161050"),
                c.getString("toil-image", "quay.io/ucsc_cgl/toil:5.9.2"),
                c.getString("extra-args", ""));
    }
}
