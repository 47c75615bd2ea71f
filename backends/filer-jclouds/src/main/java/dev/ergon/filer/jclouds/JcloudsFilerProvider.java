package dev.ergon.filer.jclouds;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.Filer;
import dev.ergon.spi.FilerProvider;
import dev.ergon.spi.ProviderContext;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Provides the {@code jclouds} filer ({@link JcloudsFiler}); settings under {@code
 * ergon.filer.jclouds.}. With nothing configured the filer serves no scheme.
 */
public final class JcloudsFilerProvider implements FilerProvider {
    private static final System.Logger LOG = System.getLogger(JcloudsFilerProvider.class.getName());

    @Override
    public String name() {
        return "jclouds";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return JcloudsFilerConfig.PROPERTIES;
    }

    @Override
    public Filer create(ProviderContext context) {
        JcloudsFilerConfig config = JcloudsFilerConfig.from(context.config());
        if (!config.unknownKeys().isEmpty()) {
            LOG.log(
                    Level.WARNING,
                    "Ignoring unknown keys {0} (known: {1}, s3.bucket.<bucket>.<setting>)",
                    new TreeSet<>(config.unknownKeys()),
                    JcloudsFilerConfig.PROPERTIES.stream()
                            .map(ConfigProperty::key)
                            .toList());
        }
        if (config.schemes().isEmpty()) {
            LOG.log(
                    Level.INFO,
                    "The jclouds filer serves no scheme: no object store is configured (set"
                            + " ergon.filer.jclouds.s3.identity/credential, gs.credential, azure.identity/credential or"
                            + " swift.endpoint/identity/credential)");
        }
        config.s3().ifPresent(s -> LOG.log(Level.INFO, "The jclouds filer serves {0}", s.describe()));
        new TreeMap<>(config.s3Buckets())
                .forEach((bucket, s) ->
                        LOG.log(Level.INFO, "The jclouds filer serves bucket ''{0}'' from {1}", bucket, s.describe()));
        config.gs().ifPresent(s -> LOG.log(Level.INFO, "The jclouds filer serves {0}", s.describe()));
        config.azure().ifPresent(s -> LOG.log(Level.INFO, "The jclouds filer serves {0} (also az://)", s.describe()));
        config.swift().ifPresent(s -> LOG.log(Level.INFO, "The jclouds filer serves {0}", s.describe()));
        return new JcloudsFiler(config);
    }
}
